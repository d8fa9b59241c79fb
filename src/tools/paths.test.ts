import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolvePath, resolvePathSync } from "./paths.js";
import { type TempProject, tempProject } from "./test-support.js";

describe.each([
  ["async", resolvePath],
  ["sync", async (project: string, input: string) => resolvePathSync(project, input)],
] as const)("resolvePath (%s)", (_name, resolve) => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({ "src/a.ts": "" });
    await mkdir(join(temp.root, "outside"));
    await symlink(join(temp.root, "outside"), join(temp.project, "escape"));
    await symlink(join(temp.project, "src"), join(temp.project, "alias"));
  });
  afterEach(() => temp.cleanup());

  it("keeps paths inside the project relative, also files not created yet", async () => {
    expect(await resolve(temp.project, "src/a.ts")).toMatchObject({
      inside: true,
      display: "src/a.ts",
      projectRelative: "src/a.ts",
    });
    expect(await resolve(temp.project, "src/new/b.ts")).toMatchObject({
      inside: true,
      projectRelative: "src/new/b.ts",
    });
    expect(await resolve(temp.project, ".")).toMatchObject({ inside: true, display: "." });
    expect(await resolve(temp.project, join(temp.project, "src"))).toMatchObject({ inside: true });
  });

  it("sees through .. and symlinks that leave the project", async () => {
    expect(await resolve(temp.project, "../outside/x")).toMatchObject({
      inside: false,
      display: join(temp.root, "outside/x"),
    });
    expect(await resolve(temp.project, "escape/new.txt")).toMatchObject({
      inside: false,
      real: join(temp.root, "outside/new.txt"),
    });
    expect(await resolve(temp.project, "/etc/passwd")).toMatchObject({ inside: false });
  });

  it("reports the real place of a symlink that stays inside, displayed as given", async () => {
    expect(await resolve(temp.project, "alias/a.ts")).toMatchObject({
      inside: true,
      display: "alias/a.ts",
      projectRelative: "src/a.ts",
    });
  });
});
