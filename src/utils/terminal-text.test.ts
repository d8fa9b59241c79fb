import xtermHeadless from "@xterm/headless";
import { describe, expect, it } from "vitest";
import {
  HOSTILE_STRINGS,
  HOSTILE_TITLE,
  INVISIBLE_STRINGS,
  TERMINAL_CONTROL,
} from "../test-utils/hostile-strings.js";
import {
  invisibleCharacters,
  revealText,
  safeLine,
  safeText,
  safeWriter,
  terminalJson,
} from "./terminal-text.js";

const { Terminal: XTerm } = xtermHeadless;

/** Writes `text` to a headless xterm and reports what it did to the terminal. */
async function feed(text: string): Promise<{ title: string; osc: number[]; screen: string }> {
  const xterm = new XTerm({ cols: 200, rows: 10, allowProposedApi: true, logLevel: "off" });
  let title = "";
  const osc: number[] = [];
  xterm.onTitleChange((t) => {
    title = t;
  });
  for (const id of [0, 1, 2, 4, 8, 10, 11, 52, 104, 133, 1337]) {
    xterm.parser.registerOscHandler(id, () => {
      osc.push(id);
      return false;
    });
  }
  await new Promise<void>((resolve) => xterm.write(text.replace(/\n/g, "\r\n"), resolve));
  const buffer = xterm.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++)
    lines.push(buffer.getLine(y)?.translateToString(true) ?? "");
  xterm.dispose();
  return { title, osc, screen: lines.join("\n").trimEnd() };
}

describe("safeText", () => {
  it.each(HOSTILE_STRINGS)("neutralizes $name", async ({ text }) => {
    const safe = safeText(text);
    expect(safe).not.toMatch(TERMINAL_CONTROL);
    const effect = await feed(safe);
    expect(effect.title).toBe("");
    expect(effect.osc).toEqual([]);
  });

  it("the catalogue does drive a terminal when written raw (the test can fail)", async () => {
    const raw = await feed(HOSTILE_STRINGS.map((h) => h.text).join("\n"));
    expect(raw.title).toBe(HOSTILE_TITLE);
    expect(raw.osc).toContain(52);
  });

  it("keeps the payload readable: ESC and BEL as control pictures, C1 and bidi as code points", () => {
    expect(safeText("a\u001b]0;t\u0007b")).toBe("a␛]0;t␇b");
    expect(safeText("x\u001b[8my")).toBe("x␛[8my");
    expect(safeText("c1\u009b8m")).toBe("c1<U+009B>8m");
    expect(safeText("a\u202eb\u2066c")).toBe("a<U+202E>b<U+2066>c");
    expect(safeText("del\u007f")).toBe("del␡");
  });

  it("keeps newlines and tabs, and a carriage return cannot overwrite a line", async () => {
    expect(safeText("a\tb\nc")).toBe("a\tb\nc");
    expect(safeText("one\r\ntwo\rthree")).toBe("one\ntwo\nthree");
    const shown = await feed(safeText("rm -rf ~/important\rls      "));
    expect(shown.screen).toContain("rm -rf ~/important");
  });

  it("leaves ordinary text alone, emoji and other scripts included", () => {
    const text = "héllo — 日本語 👩‍💻 ✓ `code` <b>";
    expect(safeText(text)).toBe(text);
  });
});

describe("safeLine", () => {
  it("shows line breaks and tabs as symbols so a name cannot forge a line", () => {
    expect(safeLine("tool\nwren: approved\r\tx")).toBe("tool␊wren: approved␍␉x");
    for (const { text } of HOSTILE_STRINGS) {
      expect(safeLine(text)).not.toMatch(TERMINAL_CONTROL);
      expect(safeLine(text)).not.toContain("\n");
    }
  });
});

describe("revealText and invisibleCharacters", () => {
  it("shows every invisible character of a command, dropping nothing", () => {
    expect(revealText("git\u200b push")).toBe("git<U+200B> push");
    expect(revealText("ls\u001b[8m; rm x")).toBe("ls␛[8m; rm x");
    expect(revealText("a\rb")).toBe("a␍b");
    expect(revealText("ok\udb40\udc41")).toBe("ok<U+E0041>");
    expect(revealText("multi\nline\tcmd")).toBe("multi\nline\tcmd");
  });

  it.each([...HOSTILE_STRINGS, ...INVISIBLE_STRINGS])("finds and reveals $name", ({ text }) => {
    expect(invisibleCharacters(text).length).toBeGreaterThan(0);
    expect(revealText(text)).not.toMatch(TERMINAL_CONTROL);
    expect(invisibleCharacters(revealText(text))).toEqual([]);
  });

  it("lists each character once, in order", () => {
    expect(invisibleCharacters("a\u200bb\u202ec\u200b")).toEqual(["U+200B", "U+202E"]);
    expect(invisibleCharacters("plain command --flag")).toEqual([]);
  });
});

describe("terminalJson", () => {
  it("is the same JSON value with C1 and bidi controls escaped", () => {
    const value = { text: "a\u009b8m\u202eb\u001b]0;x\u0007", n: 1 };
    const json = terminalJson(value, 2);
    expect(json).not.toMatch(TERMINAL_CONTROL);
    expect(json).toContain("\\u009b");
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe("safeWriter", () => {
  it("sanitizes every write", () => {
    const written: string[] = [];
    const writer = safeWriter({ write: (text: string) => written.push(text) });
    writer.write(`wren: ${HOSTILE_STRINGS[0]?.text}\n`);
    expect(written.join("")).not.toMatch(TERMINAL_CONTROL);
    expect(written.join("")).toContain("␛]52;");
  });
});
