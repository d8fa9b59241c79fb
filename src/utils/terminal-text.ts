// Text wren did not write itself (model output, tool results, MCP servers, network errors,
// config values) must not drive the terminal: an escape sequence can write the clipboard
// (OSC 52), retitle the window (OSC 0), forge a hyperlink (OSC 8), hide text (SGR 8) or move
// the cursor over what the user is about to approve; a bidi override can make a command read
// differently from what runs. Every such string passes through here before it reaches a
// sink; wren's own styling (Ink colours, chalk) is applied afterwards. Node built-ins only.

// Character classes as strings, composed below (a regex literal with control characters in
// it trips the linter on every line that uses one).
/** C0 controls other than tab and newline, DEL, and C1 controls. */
const CONTROLS = "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f";
/** Bidi formatting characters (they reorder how a line reads), and line/paragraph separators. */
const BIDI_AND_SEPARATORS = "\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069";
/** Characters that take no space: zero-width ones, soft hyphen, fillers, the BOM. */
const ZERO_WIDTH =
  "\\u00ad\\u034f\\u115f\\u1160\\u180e\\u200b-\\u200d\\u2060-\\u2064\\u3164\\ufeff";

/** What {@link safeText} turns into visible symbols. */
const UNSAFE = new RegExp(`[${CONTROLS}${BIDI_AND_SEPARATORS}]`, "g");

/** The common case, plain text, costs one test of this. */
const NEEDS_WORK = new RegExp(`[${CONTROLS}${BIDI_AND_SEPARATORS}]`);

/**
 * Everything {@link revealText} marks: controls (carriage return included), bidi, zero-width
 * characters and Unicode tag characters (U+E0000..U+E007F, invisible "ASCII smuggling").
 */
const INVISIBLE = new RegExp(
  `[\\r${CONTROLS}${BIDI_AND_SEPARATORS}${ZERO_WIDTH}]|\\udb40[\\udc00-\\udc7f]`,
  "g",
);

/** `<U+202E>`: how a character with no picture of its own is shown. */
function codePointLabel(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
}

/** One unsafe character as something visible: a Control Picture (␛, ␇, ␡) or `<U+XXXX>`. */
function visible(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20) return String.fromCharCode(0x2400 + code); // ␀..␟
  if (code === 0x7f) return "\u2421"; // ␡
  return codePointLabel(char);
}

/**
 * Makes foreign multi-line text safe to show. Every control character other than newline and
 * tab becomes a visible symbol — ESC is `␛`, so any escape sequence (CSI, OSC, DCS, APC, PM,
 * SOS) is left as inert, readable text — C1 controls (8-bit CSI U+009B, OSC U+009D ...) and
 * bidi controls show as `<U+XXXX>`. `\r\n` becomes a newline and a lone `\r` one too, so it
 * cannot overwrite a line.
 */
export function safeText(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(/\r\n?/g, "\n").replace(UNSAFE, visible);
}

/**
 * {@link safeText} for text shown on one line (names, summaries, table cells): newlines,
 * carriage returns and tabs become visible symbols as well (␊ ␍ ␉), so nothing can start a
 * forged line of its own.
 */
export function safeLine(text: string): string {
  const safe = safeText(text.replace(/\r/g, "\u240d"));
  return safe.replace(/\n/g, "\u240a").replace(/\t/g, "\u2409");
}

/**
 * Shows text exactly, for the user to approve (a command, a path, a diff): nothing is
 * removed, every control character becomes a visible symbol (an escape sequence keeps all its
 * characters), and invisible characters — zero-width, bidi, tag characters — show as
 * `<U+XXXX>`. Newlines and tabs stay as they are.
 */
export function revealText(text: string): string {
  return text.replace(INVISIBLE, visible);
}

/** The distinct invisible or control characters in `text`, as `U+XXXX` labels, in order. */
export function invisibleCharacters(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(INVISIBLE)) found.add(codePointLabel(match[0]).slice(1, -1));
  return [...found];
}

/**
 * JSON for a terminal, still exact JSON: `JSON.stringify` escapes C0 controls but passes DEL,
 * C1 controls (U+009B is a CSI on many terminals) and bidi controls through raw; these become
 * `\uXXXX` escapes, which parse back to the same value.
 */
export function terminalJson(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, null, indent) ?? "null";
  return json.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A writer whose every write passes {@link safeText}: the sink for foreign text on a stream. */
export function safeWriter(writer: { write(text: string): unknown }): {
  write(text: string): unknown;
} {
  return { write: (text: string) => writer.write(safeText(text)) };
}
