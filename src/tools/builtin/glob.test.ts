import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "./common.js";
import { createGlobTool } from "./glob.js";
import { call, sensitiveIn, type TempProject, tempProject, textOf } from "./test-support.js";

describe("glob", () => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({
      ".gitignore": "node_modules/\n*.log\ndist\n",
      "src/a.ts": "",
      "src/b.test.ts": "",
      "src/deep/c.ts": "",
      "src/.hidden.ts": "",
      "src/gen/.gitignore": "*.ts\n!keep.ts\n",
      "src/gen/out.ts": "",
      "src/gen/keep.ts": "",
      "node_modules/pkg/index.ts": "",
      "dist/x.ts": "",
      "debug.log": "",
      ".git/HEAD": "ref",
      "README.md": "",
    });
  });
  afterEach(() => temp.cleanup());
  const tool = (limits = DEFAULT_LIMITS) => createGlobTool(temp.project, limits, sensitiveIn(temp));

  it("finds files by pattern, skipping .gitignore'd paths (nested, with negation) and .git", async () => {
    const text = textOf(await call(tool(), { pattern: "**/*.ts" }));
    expect(text.split("\n")).toEqual([
      "src/.hidden.ts",
      "src/a.ts",
      "src/b.test.ts",
      "src/deep/c.ts",
      "src/gen/keep.ts",
    ]);
    expect(textOf(await call(tool(), { pattern: "**/*" }))).not.toMatch(/\.git\/|debug\.log/);
  });

  it("matches relative to path, and reports project-relative paths", async () => {
    expect(textOf(await call(tool(), { pattern: "*.ts", path: "src/deep" }))).toBe("src/deep/c.ts");
    expect(textOf(await call(tool(), { pattern: "src/*.ts" })).split("\n")).toEqual([
      "src/.hidden.ts",
      "src/a.ts",
      "src/b.test.ts",
    ]);
  });

  it("does not follow symlinked directories out of the tree", async () => {
    await mkdir(join(temp.root, "outside"));
    await temp.write("../outside/secret.ts", "");
    await symlink(join(temp.root, "outside"), join(temp.project, "escape"));
    expect(textOf(await call(tool(), { pattern: "**/secret.ts" }))).toMatch(/^no files match/);
  });

  it("caps the number of results with a note", async () => {
    const text = textOf(
      await call(tool({ ...DEFAULT_LIMITS, maxEntries: 2 }), { pattern: "**/*.ts" }),
    );
    expect(text).toBe(
      "src/.hidden.ts\nsrc/a.ts\n[5 files match; showing the first 2: narrow the pattern]",
    );
  });

  it("fails clearly for a missing directory or bad arguments", async () => {
    expect(textOf(await call(tool(), { pattern: "*", path: "nope" }))).toBe("nope does not exist");
    expect(textOf(await call(tool(), { pattern: "*", path: "README.md" }))).toMatch(
      /not a directory/,
    );
    expect((await call(tool(), { pattern: "" })).status).toBe("error");
  });
});
