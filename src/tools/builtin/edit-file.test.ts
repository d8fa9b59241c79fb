import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyEdit, createEditFileTool } from "./edit-file.js";
import { call, type TempProject, tempProject, textOf } from "./test-support.js";

describe("applyEdit", () => {
  it.each([
    ["one occurrence", "a b c", "b", "B", false, { ok: true, after: "a B c", count: 1 }],
    ["all occurrences", "x x x", "x", "y", true, { ok: true, after: "y y y", count: 3 }],
    ["$ patterns stay literal", "a", "a", "$&$1", false, { ok: true, after: "$&$1" }],
    ["CRLF file, LF edit", "a\r\nb\r\n", "a\nb", "c\nd", false, { ok: true, after: "c\r\nd\r\n" }],
  ] as const)("%s", (_name, text, from, to, all, expected) => {
    expect(applyEdit(text, from, to, all, "f")).toMatchObject(expected);
  });

  it("fails when the old string is missing, not unique, or unchanged", () => {
    expect(applyEdit("abc", "z", "y", false, "f.ts")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^old_string was not found in f\.ts/),
    });
    expect(applyEdit("x x", "x", "y", false, "f.ts")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/occurs 2 times in f\.ts.*replace_all/),
    });
    expect(applyEdit("x", "x", "x", false, "f")).toMatchObject({ ok: false });
  });
});

describe("edit_file", () => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({ "src/a.ts": "const a = 1;\nconst b = 2;\nconst b2 = 2;\n" });
  });
  afterEach(() => temp.cleanup());
  const tool = () => createEditFileTool(temp.project, 1024 * 1024);
  const content = () => readFile(join(temp.project, "src/a.ts"), "utf8");

  it("replaces a unique string and shows the lines around it", async () => {
    const outcome = await call(tool(), {
      path: "src/a.ts",
      old_string: "const a = 1;",
      new_string: "const a = 10;",
    });
    expect(outcome.status).toBe("ok");
    expect(textOf(outcome)).toMatch(/^Edited src\/a\.ts \(1 replacement\)[\s\S]*1\tconst a = 10;/);
    expect(await content()).toBe("const a = 10;\nconst b = 2;\nconst b2 = 2;\n");
  });

  it("refuses a non-unique string unless replace_all, and leaves the file unchanged", async () => {
    const args = { path: "src/a.ts", old_string: "= 2;", new_string: "= 3;" };
    const refused = await call(tool(), args);
    expect(refused.status).toBe("error");
    expect(textOf(refused)).toMatch(/occurs 2 times/);
    expect(await content()).toMatch(/b = 2;/);
    const all = await call(tool(), { ...args, replace_all: true });
    expect(textOf(all)).toMatch(/2 replacements/);
    expect(await content()).toBe("const a = 1;\nconst b = 3;\nconst b2 = 3;\n");
  });

  it("fails clearly when the old string is missing or the file does not exist", async () => {
    const missing = await call(tool(), { path: "src/a.ts", old_string: "nope", new_string: "x" });
    expect(missing.status).toBe("error");
    expect(textOf(missing)).toMatch(/old_string was not found in src\/a\.ts/);
    const absent = await call(tool(), { path: "b.ts", old_string: "x", new_string: "y" });
    expect(textOf(absent)).toMatch(/b\.ts does not exist: use write_file/);
    const empty = await call(tool(), { path: "src/a.ts", old_string: "", new_string: "y" });
    expect(textOf(empty)).toMatch(/^invalid arguments: old_string/);
  });

  it("refuses binary files", async () => {
    await temp.write("bin.dat", new Uint8Array([1, 0, 2]));
    const outcome = await call(tool(), { path: "bin.dat", old_string: "a", new_string: "b" });
    expect(textOf(outcome)).toMatch(/binary file/);
  });

  it("previews the edit as a diff, or nothing when it would fail", async () => {
    const preview = await tool().preview?.({
      path: "src/a.ts",
      old_string: "const a = 1;",
      new_string: "let a = 1;",
    });
    expect(preview).toMatchObject({ kind: "diff", path: "src/a.ts", created: false });
    expect(preview?.kind === "diff" && preview.after.startsWith("let a = 1;")).toBe(true);
    expect(
      await tool().preview?.({ path: "src/a.ts", old_string: "zzz", new_string: "y" }),
    ).toBeUndefined();
    expect(await content()).toMatch(/^const a = 1;/);
  });
});
