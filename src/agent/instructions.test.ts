import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolvePaths, type WrenPaths } from "../utils/paths.js";
import {
  BASE_PROMPT,
  buildSystemPrompt,
  type EnvironmentInfo,
  loadSystemPrompt,
  loadSystemPromptInput,
  parseGitStatus,
} from "./instructions.js";

const environment: EnvironmentInfo = { cwd: "/work/app", os: "Linux 6.1", date: "2026-03-04" };

describe("buildSystemPrompt", () => {
  it("puts the base prompt, the environment and each instruction file under its own heading", () => {
    const prompt = buildSystemPrompt({
      environment,
      instructions: [
        { name: "/home/u/.wren/WREN.md", scope: "user", content: "Answer in British English.\n" },
        { name: "AGENTS.md", scope: "project", content: "Run npm test before committing." },
        { name: ".wren/WREN.md", scope: "project", content: "   \n" },
      ],
    });
    expect(prompt.startsWith(BASE_PROMPT)).toBe(true);
    expect(prompt).toContain(
      "# Environment\n- Working directory (the project): /work/app\n- OS: Linux 6.1\n- Date: 2026-03-04\n- Git: not a git repository",
    );
    expect(prompt).toContain(
      "## /home/u/.wren/WREN.md (user instructions)\nAnswer in British English.\n\n## AGENTS.md (project instructions)\nRun npm test before committing.",
    );
    expect(prompt).not.toContain(".wren/WREN.md (project");
  });

  it("leaves out the instructions section when there are none", () => {
    expect(buildSystemPrompt({ environment, instructions: [] })).not.toContain("# Instructions");
  });

  it("caps the instructions and says what was cut", () => {
    const prompt = buildSystemPrompt({
      environment,
      maxInstructionChars: 10,
      instructions: [
        { name: "AGENTS.md", scope: "project", content: "0123456789abcdef" },
        { name: ".wren/WREN.md", scope: "project", content: "more" },
      ],
    });
    expect(prompt).toContain(
      "## AGENTS.md (project instructions)\n0123456789\n[truncated: 6 more characters of AGENTS.md not included]",
    );
    expect(prompt).toContain(
      "## .wren/WREN.md (project instructions)\n[not included: the instructions exceed the size limit]",
    );
  });

  it("summarizes git state with a bounded list of changes", () => {
    const git = parseGitStatus(
      "## main...origin/main [ahead 2]\n M a.ts\n?? b.ts\n?? c.ts\nA  d.ts\n",
    );
    const prompt = buildSystemPrompt({
      environment: { ...environment, git },
      instructions: [],
      maxStatusLines: 2,
    });
    expect(prompt).toContain(
      "- Git branch: main (tracking origin/main: ahead 2)\n- Git status: 1 modified, 1 added, 2 untracked\n     M a.ts\n    ?? b.ts\n    ... and 2 more",
    );
  });
});

describe("parseGitStatus", () => {
  it.each([
    ["## main", { branch: "main" }],
    ["## feat/x...origin/feat/x", { branch: "feat/x", upstream: "origin/feat/x" }],
    ["## main...up/main [ahead 1, behind 2]", { tracking: "ahead 1, behind 2" }],
    ["## No commits yet on trunk", { branch: "trunk (no commits yet)" }],
    ["## HEAD (no branch)", { branch: "detached HEAD" }],
  ])("%s", (header, expected) => {
    expect(parseGitStatus(`${header}\n`)).toMatchObject(expected);
  });

  it("counts changes by kind", () => {
    expect(parseGitStatus("## m\nMM a\n D b\nR  c -> d\nUU e\n?? f\n").counts).toEqual({
      modified: 1,
      added: 0,
      deleted: 1,
      renamed: 1,
      untracked: 1,
      conflicted: 1,
    });
  });
});

describe("loadSystemPromptInput", () => {
  let dir: string;
  let paths: WrenPaths;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), "wren-instructions-")));
    paths = resolvePaths({ WREN_HOME: join(dir, "home") }, join(dir, "project"));
    await mkdir(join(paths.project, ".wren"), { recursive: true });
    await mkdir(paths.home, { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads AGENTS.md, .wren/WREN.md and the user's WREN.md when present", async () => {
    await writeFile(join(paths.project, "AGENTS.md"), "project rules");
    await writeFile(paths.userInstructions, "user rules");
    const input = await loadSystemPromptInput({
      paths,
      now: () => new Date(2026, 0, 5, 12),
      os: "TestOS 1",
    });
    expect(input.instructions).toEqual([
      { name: paths.userInstructions, scope: "user", content: "user rules" },
      { name: "AGENTS.md", scope: "project", content: "project rules" },
    ]);
    expect(input.environment).toEqual({ cwd: paths.project, os: "TestOS 1", date: "2026-01-05" });
  });

  it("summarizes a real git repository", async () => {
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        cwd: paths.project,
        stdio: "pipe",
      });
    git("init", "-q", "-b", "trunk");
    await writeFile(join(paths.project, "a.txt"), "a");
    git("add", "a.txt");
    git("commit", "-q", "-m", "one");
    await writeFile(join(paths.project, "a.txt"), "changed");
    await writeFile(join(paths.project, "new.txt"), "n");
    const prompt = await loadSystemPrompt({ paths });
    expect(prompt).toContain("- Git branch: trunk\n- Git status: 1 modified, 1 untracked");
  });

  it("is fine without a repository or when git fails or times out", async () => {
    expect((await loadSystemPromptInput({ paths })).environment.git).toBeUndefined();
    const input = await loadSystemPromptInput({ paths, git: async () => undefined });
    expect(input.environment.git).toBeUndefined();
    expect(buildSystemPrompt(input)).toContain("- Git: not a git repository");
  });
});
