// Fixtures shared by tests of the tools, the permissions and their prompts. Used by *.test.ts only.
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { PermissionRequest } from "./permissions.js";
import type { Tool, ToolAccess } from "./types.js";

/** A permission question about `run_command` `make`, offering "allow for this session". */
export const commandPermissionRequest: PermissionRequest = {
  call: { name: "run_command", input: { command: "make" } },
  tool: {
    name: "run_command",
    description: "runs a command",
    inputSchema: { type: "object" },
    effect: "execute",
    origin: "builtin",
    execute: async () => ({ status: "ok", content: [] }),
  },
  verdict: {
    decision: "ask",
    reason: "it runs a command",
    outside: [],
    sessionRule: "run_command(make)",
  },
  preview: { kind: "command", command: "make", cwd: "/project" },
};

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

/** A tool at the interface boundary: its access() reads `path`/`paths`/`command` arguments. */
export function fakeTool(name: string, effect: Tool["effect"], hasAccess = true): Tool {
  return {
    name,
    description: name,
    inputSchema: { type: "object" },
    effect,
    origin: "test",
    ...(hasAccess && {
      access(args: unknown): ToolAccess | null {
        if (typeof args !== "object" || args === null) return null;
        const a = args as { path?: string; paths?: string[]; command?: string };
        if (a.command !== undefined) return { paths: [], command: a.command };
        return { paths: a.paths ?? (a.path !== undefined ? [a.path] : []) };
      },
    }),
    execute: async () => ({ status: "ok", content: [] }),
  };
}

/** The tools the permission tests decide about, by name. */
export const tools: Record<string, Tool> = {
  read_file: fakeTool("read_file", "read"),
  grep: fakeTool("grep", "read"),
  write_file: fakeTool("write_file", "write"),
  edit_file: fakeTool("edit_file", "write"),
  run_command: fakeTool("run_command", "execute"),
  mcp__github__create_issue: fakeTool("mcp__github__create_issue", "external", false),
  mcp__github__search: fakeTool("mcp__github__search", "read", false),
  mcp__notion__search: fakeTool("mcp__notion__search", "external", false),
};
