import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { NARROW_TEXT, narrowTextFastPath, widenStringWidthFastPath } from "./narrow-text.mjs";

const narrow = new RegExp(NARROW_TEXT);
const characters: string[] = [];
for (let code = 0; code <= 0xffff; code++) {
  const char = String.fromCharCode(code);
  if (narrow.test(char)) characters.push(char);
}

describe("the widened fast path of string-width", () => {
  it("answers what string-width's full path answers: one column per character", () => {
    expect(characters.length).toBeGreaterThan(300);
    // The full path: segmenter, emoji and zero-width tests, East Asian Width.
    const wrong = characters.filter((c) => stringWidth(c) !== 1);
    expect(wrong).toEqual([]);
  });

  it("keeps each of them a cluster of its own, so a run of them is as wide as it is long", () => {
    // Between two letters, a character joins neither (no Extend, ZWJ, SpacingMark or Prepend
    // break property): any two of them then stay two clusters, and widths add up.
    const segmenter = new Intl.Segmenter();
    const joined = characters.filter((c) => [...segmenter.segment(`a${c}a`)].length !== 3);
    expect(joined).toEqual([]);
    expect(stringWidth(characters.join(""))).toBe(characters.length);
  });

  it("leaves out what is not one column", () => {
    for (const text of ["\u00AD", "\u200B", "\u2028", "‼", "⁉", "世", "👍", "e\u0301", "■"]) {
      expect(narrow.test(text), JSON.stringify(text)).toBe(false);
    }
  });

  it("is what the build puts into the bundle's string-width", async () => {
    const path = join(import.meta.dirname, "..", "node_modules", "string-width", "index.js");
    expect(widenStringWidthFastPath(await readFile(path, "utf8"))).toContain(NARROW_TEXT);
    const bundled = await build({
      stdin: { contents: 'export { default } from "string-width";', resolveDir: "." },
      bundle: true,
      format: "esm",
      platform: "node",
      write: false,
      plugins: [narrowTextFastPath],
    });
    expect(bundled.outputFiles[0]?.text).toContain("ambiguousIsNarrow && /^[\\u0020-\\u007E");
  });
});
