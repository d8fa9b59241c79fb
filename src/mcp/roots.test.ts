import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createRootList, RootsError } from "./roots.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("root list", () => {
  it("starts with the project, adds and removes directories, and tells listeners", async () => {
    dir = await mkdtemp(join(tmpdir(), "wren-roots-"));
    const project = join(dir, "project");
    await mkdir(join(dir, "other"), { recursive: true });
    await mkdir(project);
    await writeFile(join(dir, "file.txt"), "x");
    const roots = createRootList(project);
    let changes = 0;
    roots.subscribe(() => changes++);
    expect(roots.list()).toEqual([{ uri: pathToFileURL(project).href, name: "project" }]);
    expect(await roots.add("../other")).toBe(join(dir, "other"));
    expect(roots.paths()).toEqual([project, join(dir, "other")]);
    await expect(roots.add("../other")).rejects.toBeInstanceOf(RootsError);
    await expect(roots.add("../file.txt")).rejects.toThrow("not a directory");
    await expect(roots.add("../missing")).rejects.toThrow("no such directory");
    expect(() => roots.remove(".")).toThrow("always a root");
    expect(roots.remove(join(dir, "other"))).toBe(join(dir, "other"));
    expect(() => roots.remove("../other")).toThrow("not a root");
    expect(changes).toBe(2);
  });
});
