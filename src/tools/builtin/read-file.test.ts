import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "./common.js";
import { createReadFileTool } from "./read-file.js";
import { call, type TempProject, tempProject, textOf } from "./test-support.js";

describe("read_file", () => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({ "src/a.ts": "one\ntwo\nthree\n", "empty.txt": "" });
  });
  afterEach(() => temp.cleanup());

  const tool = (limits = DEFAULT_LIMITS) => createReadFileTool(temp.project, limits);

  it("returns numbered lines", async () => {
    const outcome = await call(tool(), { path: "src/a.ts" });
    expect(outcome.status).toBe("ok");
    expect(textOf(outcome)).toBe("1\tone\n2\ttwo\n3\tthree");
  });

  it("reads a window with offset and limit and says where to continue", async () => {
    const outcome = await call(tool(), { path: "src/a.ts", offset: 2, limit: 1 });
    expect(textOf(outcome)).toBe("2\ttwo\n[showing lines 2-2 of 3; read more with offset=3]");
  });

  it("pads line numbers to the widest one shown", async () => {
    await temp.write("long.txt", Array.from({ length: 12 }, (_, i) => `l${i + 1}`).join("\n"));
    const text = textOf(await call(tool(), { path: "long.txt", offset: 9 }));
    expect(text.split("\n").slice(0, 2)).toEqual([" 9\tl9", "10\tl10"]);
  });

  it("says when a file is empty or the offset is past its end", async () => {
    expect(textOf(await call(tool(), { path: "empty.txt" }))).toBe("(empty.txt is empty)");
    expect(textOf(await call(tool(), { path: "src/a.ts", offset: 9 }))).toMatch(/past the end/);
  });

  it("refuses binary files", async () => {
    await temp.write("image.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    const outcome = await call(tool(), { path: "image.png" });
    expect(outcome).toMatchObject({ status: "error" });
    expect(textOf(outcome)).toMatch(/binary file/);
  });

  it("truncates huge output with a note and refuses files over the size cap", async () => {
    await temp.write("big.txt", `${"x".repeat(100)}\n`.repeat(1000));
    const limits = { ...DEFAULT_LIMITS, maxOutputChars: 1000, maxLineChars: 50 };
    const text = textOf(await call(tool(limits), { path: "big.txt" }));
    expect(text.length).toBeLessThan(1200);
    expect(text).toMatch(/line cut at 50 characters/);
    expect(text).toMatch(/\[showing lines 1-\d+ of 1000; read more with offset=\d+\]$/);

    const tiny = { ...DEFAULT_LIMITS, maxFileBytes: 10 };
    const refused = await call(tool(tiny), { path: "big.txt" });
    expect(refused.status).toBe("error");
    expect(textOf(refused)).toMatch(/more than read_file reads/);
  });

  it("returns clear errors for bad arguments, missing files and directories", async () => {
    for (const args of [{}, { path: "" }, { path: 3 }, { path: "a", offset: 0 }, null, "x"]) {
      const outcome = await call(tool(), args);
      expect(outcome.status).toBe("error");
      expect(textOf(outcome)).toMatch(/^invalid arguments: /);
    }
    expect(textOf(await call(tool(), { path: "nope.txt" }))).toBe("nope.txt does not exist");
    expect(textOf(await call(tool(), { path: "src" }))).toMatch(/is a directory/);
  });

  it("reads through symlinks and names the paths it touches", async () => {
    await symlink(join(temp.project, "src/a.ts"), join(temp.project, "link.ts"));
    expect(textOf(await call(tool(), { path: "link.ts" }))).toMatch(/^1\tone/);
    expect(tool().access?.({ path: "../x" })).toEqual({ paths: ["../x"] });
    expect(tool().access?.({})).toBeNull();
    expect(tool().summarize?.({ path: "src/a.ts", offset: 5, limit: 10 })).toBe("src/a.ts:5-14");
  });
});
