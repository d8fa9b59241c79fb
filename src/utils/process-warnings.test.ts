import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { logProcessWarnings } from "./process-warnings.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("logProcessWarnings", () => {
  it("writes warnings to the log file instead of stderr, and restores the handlers", async () => {
    dir = await mkdtemp(join(tmpdir(), "wren-warnings-"));
    const file = join(dir, "logs", "wren.log");
    const before = process.listeners("warning");
    const restore = logProcessWarnings(file);
    try {
      expect(process.listeners("warning")).toHaveLength(1);
      process.emitWarning("something is deprecated", "DeprecationWarning");
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(await readFile(file, "utf8")).toMatch(
        /^\[\S+Z\] DeprecationWarning: something is deprecated\n$/,
      );
      // A warning can quote a token from a dependency's error; it is redacted and escaped.
      process.emitWarning("retrying with Authorization: Bearer tok-123456789 \u001b]0;x\u0007");
      await new Promise((resolve) => setImmediate(resolve));
      const text = await readFile(file, "utf8");
      expect(text).not.toContain("tok-123456789");
      expect(text).not.toContain("\u001b");
      expect(text).toContain("\\x1b]0;x\\x07");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, "logs"))).mode & 0o777).toBe(0o700);
    } finally {
      restore();
    }
    expect(process.listeners("warning")).toEqual(before);
  });
});
