// Helpers for the built-in tool tests: a temp project with files, and calling a tool. Used by
// *.test.ts only.
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Tool, ToolContentPart, ToolContext, ToolOutcome } from "../types.js";
import { createSensitivePaths, type SensitivePaths } from "./sensitive.js";

/** A temp directory holding `project/` (with `files`) and room outside it; `cleanup` removes it. */
export interface TempProject {
  /** The temp root; `project` is inside it, so `root/outside.txt` is outside the project. */
  readonly root: string;
  readonly project: string;
  write(path: string, content: string | Uint8Array): Promise<string>;
  cleanup(): Promise<void>;
}

/** Creates a temp project containing `files` (paths relative to the project). */
export async function tempProject(files: Record<string, string> = {}): Promise<TempProject> {
  // realpath: macOS's /tmp is a symlink, and the tools report real paths.
  const root = await realpath(await mkdtemp(join(tmpdir(), "wren-tools-")));
  const project = join(root, "project");
  await mkdir(project);
  const write = async (path: string, content: string | Uint8Array): Promise<string> => {
    const file = join(project, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    return file;
  };
  for (const [path, content] of Object.entries(files)) await write(path, content);
  return { root, project, write, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Credential stores of a user whose home and WREN_HOME sit in the temp root, outside the project. */
export function sensitiveIn(temp: TempProject): SensitivePaths {
  return createSensitivePaths({
    home: join(temp.root, "wren-home"),
    userHome: join(temp.root, "home"),
  });
}

/** Finds a tool by name in a list, failing the test when it is missing. */
export function toolNamed(tools: readonly Tool[], name: string): Tool {
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool;
}

/** Runs a tool with a fresh (or the given) signal. */
export function call(
  tool: Tool,
  args: unknown,
  context: Partial<ToolContext> = {},
): Promise<ToolOutcome> {
  return tool.execute(args, { signal: context.signal ?? new AbortController().signal, ...context });
}

/** The text of an outcome: content for ok, message (and content) for error. */
export function textOf(outcome: ToolOutcome): string {
  const parts = (list: readonly ToolContentPart[]): string =>
    list.map((p) => (p.type === "text" ? p.text : `[${p.type}]`)).join("\n");
  switch (outcome.status) {
    case "ok":
      return parts(outcome.content);
    case "error":
      return [outcome.message, outcome.content ? parts(outcome.content) : ""].join("\n").trim();
    case "denied":
      return outcome.reason;
    case "cancelled":
      return "(cancelled)";
  }
}
