// string-width (under Ink) measures any text with a non-ASCII character by splitting it into
// grapheme clusters and testing each against `\p{RGI_Emoji}`: the first such test compiles
// that regular expression, and with the segmenter's first use that costs 100+ ms before a
// frame can be drawn. wren's first frame has a few non-ASCII characters (the box border, the
// `›` prompt, `·`), a floor Ink program none. For text made only of characters that every
// path of string-width measures as one column — no emoji, no combining or zero-width marks,
// no wide characters — the answer is the string's length, as for ASCII: the build widens
// string-width's ASCII fast path to those characters. Which ones they are is checked against
// string-width itself in narrow-text.test.ts.

/**
 * Printable ASCII plus Latin-1 (without the soft hyphen), general punctuation (dashes,
 * quotes, bullets, ellipsis, ‹ ›; without the zero-width and line-separator characters and
 * the two that are emoji), the four plain arrows, box drawing, block elements and the
 * ornamental brackets (❮ ❯). string-width takes all of them as
 * one column only while ambiguous-width characters count as narrow (its default).
 */
export const NARROW_TEXT =
  "^[\\u0020-\\u007E\\u00A1-\\u00AC\\u00AE-\\u00FF\\u2010-\\u2027\\u2030-\\u203B\\u203D-\\u2048\\u204A-\\u205E\\u2190-\\u2193\\u2500-\\u259F\\u2768-\\u2775]*$";

const ASCII_FAST_PATH = "if (/^[\\u0020-\\u007E]*$/.test(string)) {";

/** string-width's source with its ASCII fast path widened to NARROW_TEXT. */
export function widenStringWidthFastPath(source) {
  if (!source.includes(ASCII_FAST_PATH)) {
    throw new Error("narrow-text: string-width's ASCII fast path was not found");
  }
  return source.replace(
    ASCII_FAST_PATH,
    `if (/^[\\u0020-\\u007E]*$/.test(string) || (ambiguousIsNarrow && /${NARROW_TEXT}/.test(string))) {`,
  );
}

/** esbuild plugin: applies widenStringWidthFastPath to string-width 8, which has the path. */
export const narrowTextFastPath = {
  name: "narrow-text-fast-path",
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const { readFile } = await import("node:fs/promises");
      const source = await readFile(args.path, "utf8");
      // string-width 7 (under wrap-ansi) has no fast path to widen: it loads as it is.
      if (!source.includes(ASCII_FAST_PATH)) return undefined;
      return { contents: widenStringWidthFastPath(source), loader: "js" };
    });
  },
};
