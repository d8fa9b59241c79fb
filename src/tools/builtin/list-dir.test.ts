import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createListDirTool } from "./list-dir.js";
import { call, type TempProject, tempProject, textOf } from "./test-support.js";

describe("list_dir", () => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({
      ".gitignore": "build/\n",
      "b.txt": "",
      "a.txt": "",
      "src/x.ts": "",
      "build/out.js": "",
    });
  });
  afterEach(() => temp.cleanup());

  it("lists directories first, marks links and gitignored entries", async () => {
    await symlink(join(temp.project, "a.txt"), join(temp.project, "link"));
    const text = textOf(await call(createListDirTool(temp.project, 100), {}));
    expect(text.split("\n")).toEqual([
      ".:",
      "build/  (gitignored)",
      "src/",
      ".gitignore",
      "a.txt",
      "b.txt",
      "link@",
    ]);
    expect(textOf(await call(createListDirTool(temp.project, 100), { path: "src" }))).toBe(
      "src:\nx.ts",
    );
  });

  it("caps long listings and fails clearly on a missing path", async () => {
    const text = textOf(await call(createListDirTool(temp.project, 2), {}));
    expect(text).toMatch(/\[3 more entries not shown\]$/);
    expect(textOf(await call(createListDirTool(temp.project, 2), { path: "zz" }))).toBe(
      "zz does not exist",
    );
  });
});
