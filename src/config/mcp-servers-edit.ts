import { dirname } from "node:path";
import { UsageError } from "../utils/errors.js";
import type { WrenPaths } from "../utils/paths.js";
import { ensurePrivateDir } from "../utils/private-fs.js";
import { parseJsonDocument, readTextIfExists } from "./document.js";
import { type McpServerConfig, normalizeServer, type RawMcpServer } from "./schema.js";
import { updateJsonFile } from "./write.js";

/**
 * Where a server is saved: local (this project, in $WREN_HOME/local-mcp.json, out of the
 * repo), user ($WREN_HOME/settings.json) or project (./.mcp.json, shared through the repo).
 */
export type McpScope = "local" | "user" | "project";

/** Where a scope keeps its servers: a file and the JSON path of its `mcpServers` object. */
interface ScopeTarget {
  readonly file: string;
  readonly at: readonly string[];
  /** The file as the user reads it in messages. */
  readonly label: string;
}

function scopeTarget(paths: WrenPaths, scope: McpScope = "local"): ScopeTarget {
  switch (scope) {
    case "local":
      return {
        file: paths.localMcpServers,
        at: ["projects", paths.project, "mcpServers"],
        label: `local scope (${paths.project}) in ${paths.localMcpServers}`,
      };
    case "user":
      return { file: paths.userSettings, at: ["mcpServers"], label: paths.userSettings };
    case "project":
      return { file: paths.projectMcpJson, at: ["mcpServers"], label: paths.projectMcpJson };
  }
}

/** The raw servers of a scope, without expanding variables (so one bad entry blocks nothing). */
async function rawServers(target: ScopeTarget): Promise<Record<string, unknown>> {
  const text = await readTextIfExists(target.file);
  if (text === undefined) return {};
  let node: unknown = parseJsonDocument(text, target.file);
  for (const key of target.at) {
    node =
      node !== null && typeof node === "object"
        ? new Map(Object.entries(node)).get(key)
        : undefined;
  }
  return node !== null && typeof node === "object" ? { ...node } : {};
}

/** What `addMcpServer` saved, and where. */
export interface AddedServer {
  readonly server: McpServerConfig;
  readonly label: string;
}

/**
 * Validates an entry and writes it under `mcpServers.NAME` of the scope's file (comments and
 * other keys kept). A name the scope already has, or an entry that does not validate, is a
 * UsageError: nothing is written.
 */
export async function addMcpServer(
  paths: WrenPaths,
  name: string,
  entry: RawMcpServer,
  scope?: McpScope,
): Promise<AddedServer> {
  const target = scopeTarget(paths, scope);
  const checked = normalizeServer(name, entry, target.file);
  if (!checked.ok) throw new UsageError(`invalid server: ${checked.issue.message}`);
  if (name in (await rawServers(target))) {
    throw new UsageError(`${name} already exists in ${target.label}; remove it first`);
  }
  // User and local scope can hold header values and client secrets: WREN_HOME is private, so
  // their files are. (A prefix test would also match a sibling such as `~/.wren-old`.)
  if (dirname(target.file) === paths.home) await ensurePrivateDir(paths.home);
  await updateJsonFile(target.file, [...target.at, name], entry);
  return { server: checked.server, label: target.label };
}

/** What `removeMcpServer` removed, and the files that define the name too. */
export interface RemovedServer {
  readonly label: string;
  /** Lower files that define the same name: it takes over from there. */
  readonly alsoIn: readonly string[];
}

/**
 * Removes `mcpServers.NAME` from the scope's file or, without a scope, from the file whose
 * definition wins (local, project .mcp.json, project settings, user). A name none of them
 * defines is a UsageError.
 */
export async function removeMcpServer(
  paths: WrenPaths,
  name: string,
  scope?: McpScope,
): Promise<RemovedServer> {
  const candidates =
    scope === undefined
      ? [
          scopeTarget(paths, "local"),
          scopeTarget(paths, "project"),
          { file: paths.projectSettings, at: ["mcpServers"], label: paths.projectSettings },
          scopeTarget(paths, "user"),
        ]
      : [scopeTarget(paths, scope)];
  const defining: ScopeTarget[] = [];
  for (const target of candidates) {
    if (name in (await rawServers(target))) defining.push(target);
  }
  const [target, ...others] = defining;
  if (!target) {
    throw new UsageError(
      `no MCP server named "${name}" in ${candidates.map((c) => c.label).join(", ")}`,
    );
  }
  // The file that wins is the one to edit; a lower one then takes over, so the caller says so.
  await updateJsonFile(target.file, [...target.at, name], undefined);
  return { label: target.label, alsoIn: others.map((o) => o.label) };
}
