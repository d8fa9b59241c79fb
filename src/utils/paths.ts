import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Every on-disk location wren uses, derived from WREN_HOME and the project directory. */
export interface WrenPaths {
  /** User state root: `$WREN_HOME`, default `~/.wren`. */
  readonly home: string;
  /** The user's own home directory (`~`), for paths the user writes as `~/...`. */
  readonly userHome: string;
  readonly userSettings: string;
  readonly history: string;
  readonly sessionsDir: string;
  readonly mcpOAuthDir: string;
  /** Local-scope MCP servers of every project, keyed by project path (`wren mcp add -s local`). */
  readonly localMcpServers: string;
  readonly logsDir: string;
  readonly userInstructions: string;
  /** Trust decisions per project folder (workspace trust), mode 0600. */
  readonly trustFile: string;
  /** The project directory (the cwd wren was started in). */
  readonly project: string;
  readonly projectSettings: string;
  readonly projectMcpJson: string;
  readonly projectInstructions: readonly string[];
}

/**
 * Decides every path from the environment and the project directory. This is the only
 * module that may call `os.homedir()`, so tests isolate all state with `WREN_HOME`.
 */
export function resolvePaths(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): WrenPaths {
  const userHome = env.HOME ? resolve(env.HOME) : homedir();
  const home = env.WREN_HOME ? resolve(env.WREN_HOME) : join(userHome, ".wren");
  const project = resolve(cwd);
  return {
    home,
    userHome,
    userSettings: join(home, "settings.json"),
    history: join(home, "history.jsonl"),
    sessionsDir: join(home, "sessions"),
    mcpOAuthDir: join(home, "mcp-oauth"),
    localMcpServers: join(home, "local-mcp.json"),
    logsDir: join(home, "logs"),
    userInstructions: join(home, "WREN.md"),
    trustFile: join(home, "trusted-folders.json"),
    project,
    projectSettings: join(project, ".wren", "settings.json"),
    projectMcpJson: join(project, ".mcp.json"),
    projectInstructions: [join(project, "AGENTS.md"), join(project, ".wren", "WREN.md")],
  };
}

/** A directory name for a project path (its sessions folder): readable, unique through a short hash if long. */
export function projectSlug(project: string): string {
  const slug = project.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "root";
  if (slug.length <= 80) return slug;
  let hash = 0;
  for (const char of project) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return `${slug.slice(-70)}-${hash.toString(16)}`;
}
