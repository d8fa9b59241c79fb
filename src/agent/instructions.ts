import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { release, type } from "node:os";
import { relative } from "node:path";
import type { WrenPaths } from "../utils/paths.js";

/** What the model is told about where it runs. */
export interface EnvironmentInfo {
  readonly cwd: string;
  /** e.g. `Linux 6.1.0`. */
  readonly os: string;
  /** Local date, `YYYY-MM-DD`. */
  readonly date: string;
  /** Undefined when the directory is not a git repository (or git is missing or slow). */
  readonly git?: GitSummary;
}

/** A short picture of the repository's state. */
export interface GitSummary {
  readonly branch: string;
  /** e.g. `origin/main`, with `ahead 1, behind 2` when they differ. */
  readonly upstream?: string;
  readonly tracking?: string;
  readonly counts: Readonly<
    Record<"modified" | "added" | "deleted" | "renamed" | "untracked" | "conflicted", number>
  >;
  /** The first status lines (`XY path`), as git prints them. */
  readonly lines: readonly string[];
  readonly total: number;
}

/** One instructions file found on disk. */
export interface InstructionFile {
  /** How the heading names it: relative to the project, or the full path for the user's file. */
  readonly name: string;
  readonly scope: "user" | "project";
  readonly content: string;
}

/** Everything the system prompt is assembled from. */
export interface SystemPromptInput {
  readonly environment: EnvironmentInfo;
  readonly instructions: readonly InstructionFile[];
  /** Characters of instruction files included in total; default 40,000. */
  readonly maxInstructionChars?: number;
  /** Status lines listed; default 20. */
  readonly maxStatusLines?: number;
}

/** The base prompt: who wren is and how it works. */
export const BASE_PROMPT = `You are wren, an AI coding assistant working in the user's terminal, in the project directory given below. You help with software engineering: reading and changing code, running commands, explaining, debugging.

# How to work
- Look before you act: read files and search (read_file, grep, glob, list_dir) instead of guessing. Read a file before you edit it.
- Change files with edit_file (exact text replacement) or write_file. Keep changes to what was asked, and follow the project's existing style and conventions.
- Use run_command to build, test and inspect. Commands run in the project directory with no terminal and no input: do not start interactive programs or servers that never exit.
- The user approves file changes and commands. When a call is denied, do not retry it unchanged: read the reason, then ask or take another way.
- Ask before destructive or hard-to-undo actions (deleting files, discarding changes, rewriting git history, force-pushing, dropping data), even when a tool would let you.
- Never print or invent secrets such as tokens, passwords and keys.

# Answers
- Be concise and direct: the answer is shown in a terminal, rendered as Markdown.
- Point to code as path:line.
- Do the work rather than describing it at length; afterwards say briefly what changed and what is left.`;

/** Assembles the system prompt: base prompt, environment, then instruction files. Pure. */
export function buildSystemPrompt(input: SystemPromptInput): string {
  const sections = [BASE_PROMPT, environmentSection(input.environment, input.maxStatusLines ?? 20)];
  const files = input.instructions.filter((file) => file.content.trim() !== "");
  if (files.length > 0) {
    let budget = input.maxInstructionChars ?? 40_000;
    const parts = [
      "# Instructions\nThe user and the project give these instructions; follow them. Project instructions win over the user's when they conflict.",
    ];
    for (const file of files) {
      const text = file.content.trim();
      const heading = `## ${file.name} (${file.scope} instructions)`;
      if (budget <= 0) {
        parts.push(`${heading}\n[not included: the instructions exceed the size limit]`);
        continue;
      }
      const kept = text.length <= budget ? text : text.slice(0, budget);
      const note =
        kept.length < text.length
          ? `\n[truncated: ${text.length - kept.length} more characters of ${file.name} not included]`
          : "";
      parts.push(`${heading}\n${kept}${note}`);
      budget -= kept.length;
    }
    sections.push(parts.join("\n\n"));
  }
  return sections.join("\n\n");
}

function environmentSection(env: EnvironmentInfo, maxStatusLines: number): string {
  const lines = [
    "# Environment",
    `- Working directory (the project): ${env.cwd}`,
    `- OS: ${env.os}`,
    `- Date: ${env.date}`,
  ];
  if (!env.git) {
    lines.push("- Git: not a git repository");
    return lines.join("\n");
  }
  const { git } = env;
  const upstream = git.upstream
    ? ` (tracking ${git.upstream}${git.tracking ? `: ${git.tracking}` : ""})`
    : "";
  lines.push(`- Git branch: ${git.branch}${upstream}`);
  const counts = Object.entries(git.counts)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${what}`);
  lines.push(`- Git status: ${counts.length === 0 ? "clean" : counts.join(", ")}`);
  if (git.lines.length > 0) {
    const shown = git.lines.slice(0, maxStatusLines).map((line) => `    ${line}`);
    if (git.total > shown.length) shown.push(`    ... and ${git.total - shown.length} more`);
    lines.push(...shown);
  }
  lines.push("  (status as of the start of the session)");
  return lines.join("\n");
}

/** Parses `git status --porcelain=v1 --branch` output. Pure. */
export function parseGitStatus(output: string): GitSummary {
  const rows = output.split("\n").filter((line) => line !== "");
  const header = rows[0]?.startsWith("## ") ? (rows.shift() ?? "").slice(3) : "";
  let branch = header;
  let upstream: string | undefined;
  let tracking: string | undefined;
  const noCommits = /^No commits yet on (.+)$/.exec(header);
  if (noCommits) branch = `${noCommits[1]} (no commits yet)`;
  else if (header.startsWith("HEAD (no branch)")) branch = "detached HEAD";
  else {
    const match = /^(.+?)(?:\.\.\.(\S+))?(?: \[(.+)\])?$/.exec(header);
    if (match) {
      branch = match[1] ?? header;
      upstream = match[2];
      tracking = match[3];
    }
  }
  const counts = { modified: 0, added: 0, deleted: 0, renamed: 0, untracked: 0, conflicted: 0 };
  for (const row of rows) {
    const xy = row.slice(0, 2);
    if (xy === "??") counts.untracked++;
    else if (xy.includes("U") || xy === "AA" || xy === "DD") counts.conflicted++;
    else if (xy.includes("R") || xy.includes("C")) counts.renamed++;
    else if (xy.includes("A")) counts.added++;
    else if (xy.includes("D")) counts.deleted++;
    else if (xy.includes("M") || xy.includes("T")) counts.modified++;
  }
  return {
    branch: branch || "unknown",
    ...(upstream !== undefined && { upstream }),
    ...(tracking !== undefined && { tracking }),
    counts,
    lines: rows.slice(0, 200),
    total: rows.length,
  };
}

/** Runs git and returns its stdout, or undefined when it fails or takes too long. */
export type GitRunner = (args: readonly string[], cwd: string) => Promise<string | undefined>;

/** Runs the system `git` with a timeout, never taking the index lock (other tools may hold it). */
export function systemGit(timeoutMs = 2000, env: NodeJS.ProcessEnv = process.env): GitRunner {
  return (args, cwd) =>
    new Promise((resolve) => {
      execFile(
        "git",
        [...args],
        {
          cwd,
          timeout: timeoutMs,
          maxBuffer: 4 * 1024 * 1024,
          env: { ...env, GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
        },
        (error, stdout) => resolve(error ? undefined : stdout),
      );
    });
}

/** Inputs of `loadSystemPromptInput`. */
export interface InstructionsLoadOptions {
  readonly paths: Pick<WrenPaths, "project" | "projectInstructions" | "userInstructions">;
  readonly now?: () => Date;
  readonly os?: string;
  readonly git?: GitRunner;
  readonly readText?: (path: string) => Promise<string>;
}

/** Reads the instruction files and the environment (git included) for `buildSystemPrompt`. */
export async function loadSystemPromptInput(
  options: InstructionsLoadOptions,
): Promise<SystemPromptInput> {
  const { paths } = options;
  const readText = options.readText ?? ((path: string) => readFile(path, "utf8"));
  const git = options.git ?? systemGit();
  const read = async (path: string, scope: InstructionFile["scope"]) => {
    try {
      const content = await readText(path);
      const name = scope === "project" ? relative(paths.project, path) : path;
      return [{ name, scope, content }];
    } catch {
      return [];
    }
  };
  const [files, status] = await Promise.all([
    Promise.all([
      read(paths.userInstructions, "user"),
      ...paths.projectInstructions.map((path) => read(path, "project")),
    ]),
    git(["status", "--porcelain=v1", "--branch"], paths.project),
  ]);
  const now = (options.now ?? (() => new Date()))();
  return {
    environment: {
      cwd: paths.project,
      os: options.os ?? `${type()} ${release()}`,
      date: localDate(now),
      ...(status !== undefined && { git: parseGitStatus(status) }),
    },
    instructions: files.flat(),
  };
}

/** Loads everything and assembles the system prompt. */
export async function loadSystemPrompt(options: InstructionsLoadOptions): Promise<string> {
  return buildSystemPrompt(await loadSystemPromptInput(options));
}

function localDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
