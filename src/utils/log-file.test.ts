import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { escapeControls, LOG_MAX_LINE, openLogFile } from "./log-file.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-log-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("openLogFile", () => {
  it("writes 0600 files in a 0700 directory, tightening ones older versions left 0644", async () => {
    const logs = join(dir, "logs");
    await mkdir(logs, { mode: 0o755 });
    const file = join(logs, "old.log");
    await writeFile(file, "old\n", { mode: 0o644 });
    const log = openLogFile(file);
    log.entry("hello");
    log.close();
    expect(await mode(file)).toBe(0o600);
    expect(await mode(logs)).toBe(0o700);
    const fresh = join(dir, "new", "deeper", "x.log");
    openLogFile(fresh).entry("x");
    expect(await mode(fresh)).toBe(0o600);
    expect(await mode(join(dir, "new", "deeper"))).toBe(0o700);
  });

  it("escapes control bytes, redacts secrets split across chunks, clips long lines", async () => {
    const file = join(dir, "s.log");
    const log = openLogFile(file, { secrets: ["configured-header-value"] });
    log.output("\u001b]52;c;ZXZpbA==\u0007 \u001b[8mhidden\u001b[0m \u202egnp.exe\n");
    log.output("> Authorization: Bea");
    log.output("rer xyz-secret-token\r\nconfigured-header-");
    log.output("value\n");
    log.output(`${"A".repeat(LOG_MAX_LINE * 3)}`);
    log.output(`${"B".repeat(100)}\nafter\n`);
    log.entry("HTTP 500: first\nsecond");
    log.close();
    const text = await readFile(file, "utf8");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text).toContain("\\x1b]52;c;ZXZpbA==\\x07 \\x1b[8mhidden\\x1b[0m \\u202egnp.exe\n");
    expect(text).toContain("> Authorization: ***\n");
    expect(text).not.toContain("xyz-secret-token");
    expect(text).not.toContain("configured-header-value");
    expect(text).not.toContain("B".repeat(100));
    expect(text).toContain("… [truncated]\nafter\n");
    expect(text).toMatch(/\] HTTP 500: first\\x0asecond\n$/);
    for (const line of text.split("\n")) expect(line.length).toBeLessThan(LOG_MAX_LINE + 100);
  });

  it("rotates past the size cap, keeping one previous file", async () => {
    const file = join(dir, "flood.log");
    const log = openLogFile(file, { maxBytes: 10_000 });
    for (let i = 0; i < 1000; i++) log.output(`line ${i} ${"x".repeat(80)}\n`);
    log.close();
    expect((await stat(file)).size).toBeLessThanOrEqual(10_000);
    expect((await stat(`${file}.1`)).size).toBeLessThanOrEqual(10_000);
    expect(await mode(`${file}.1`)).toBe(0o600);
    expect(await readFile(file, "utf8")).toContain("line 999 ");
    await expect(stat(`${file}.2`)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("escapeControls", () => {
  it("shows C0, C1 and bidi controls as text and keeps tabs", () => {
    expect(escapeControls("a\tb\u0085c\u2066d\u0000")).toBe("a\tb\\x85c\\u2066d\\x00");
    expect(escapeControls("a\nb", true)).toBe("a\nb");
  });
});
