import { chmod, readdir, readFile, stat, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, type TempProject, tempProject, textOf } from "./test-support.js";
import { createWriteFileTool } from "./write-file.js";

describe("write_file", () => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({ "a.txt": "old\n" });
  });
  afterEach(() => temp.cleanup());
  const tool = () => createWriteFileTool(temp.project, 1024 * 1024);

  it("creates a file and its parent directories", async () => {
    const outcome = await call(tool(), { path: "deep/er/new.txt", content: "x\ny\n" });
    expect(textOf(outcome)).toBe("Created deep/er/new.txt (2 lines)");
    expect(await readFile(join(temp.project, "deep/er/new.txt"), "utf8")).toBe("x\ny\n");
  });

  it("replaces a file atomically, leaving no temp files, and keeps its mode", async () => {
    await chmod(join(temp.project, "a.txt"), 0o755);
    const outcome = await call(tool(), { path: "a.txt", content: "new" });
    expect(textOf(outcome)).toBe("Wrote a.txt (1 line)");
    expect(await readFile(join(temp.project, "a.txt"), "utf8")).toBe("new");
    expect((await stat(join(temp.project, "a.txt"))).mode & 0o777).toBe(0o755);
    expect(await readdir(temp.project)).toEqual(["a.txt"]);
  });

  it("previews the change as a diff without writing", async () => {
    expect(await tool().preview?.({ path: "a.txt", content: "new\n" })).toEqual({
      kind: "diff",
      path: "a.txt",
      before: "old\n",
      after: "new\n",
      created: false,
    });
    expect(await tool().preview?.({ path: "b.txt", content: "b" })).toMatchObject({
      before: "",
      created: true,
    });
    expect(await tool().preview?.({ path: 1 })).toBeUndefined();
    expect(await readFile(join(temp.project, "a.txt"), "utf8")).toBe("old\n");
  });

  it("writes the symlink's target, not over the link", async () => {
    await symlink(join(temp.project, "a.txt"), join(temp.project, "link.txt"));
    await call(tool(), { path: "link.txt", content: "via link" });
    expect(await readFile(join(temp.project, "a.txt"), "utf8")).toBe("via link");
    expect((await stat(join(temp.project, "link.txt"))).isFile()).toBe(true);
  });

  it("fails clearly on a directory and on bad arguments", async () => {
    await temp.write("dir/x", "");
    expect(textOf(await call(tool(), { path: "dir", content: "x" }))).toBe("dir is a directory");
    expect(textOf(await call(tool(), { path: "a.txt" }))).toMatch(/^invalid arguments: content/);
  });

  it("does not write after the turn was interrupted", async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await call(
      tool(),
      { path: "a.txt", content: "x" },
      { signal: controller.signal },
    );
    expect(outcome.status).toBe("cancelled");
    expect(await readFile(join(temp.project, "a.txt"), "utf8")).toBe("old\n");
  });
});
