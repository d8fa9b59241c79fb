import { resolve } from "node:path";
import { errorText } from "../utils/errors.js";
import type { WrenPaths } from "../utils/paths.js";
import { isRecord, parseJsonDocument, readTextIfExists, validateDocument } from "./document.js";
import { expandEnvDeep } from "./env-expand.js";
import { ConfigError, type ConfigIssue, formatIssue } from "./errors.js";
import {
  invalidServer,
  McpJsonFileSchema,
  type McpServerConfig,
  normalizeServer,
  type ProviderSettings,
  type RawMcpServer,
  RawMcpServerSchema,
  type SettingsFile,
  SettingsFileSchema,
} from "./schema.js";

/** Display modes of the transcript. */
export type DisplayMode = "zen" | "standard" | "developer";

/** The merged configuration wren runs with. */
export interface WrenConfig {
  /** `provider/model`, if any source set one. */
  readonly model?: string;
  readonly providers: Readonly<Record<string, ProviderSettings>>;
  readonly permissions: { readonly allow: readonly string[]; readonly deny: readonly string[] };
  readonly display: DisplayMode;
  /** MCP servers by name, in the order they were first declared. */
  readonly servers: readonly McpServerConfig[];
  /** `toolSearch` settings, merged key by key (later files win). */
  readonly toolSearch?: {
    readonly mode?: "auto" | "on" | "off";
    readonly budgetPercent?: number;
    readonly contextWindow?: number;
  };
  /** `oauthStorage`: where MCP OAuth secrets go; absent = the OS keychain when reachable. */
  readonly oauthStorage?: "keychain" | "file";
  /** Non-fatal findings (unknown keys), one line each, already naming file and path. */
  readonly warnings: readonly string[];
  /** The files that existed and were read, lowest precedence first. */
  readonly files: readonly string[];
}

/** What to read besides the standard locations. */
export interface LoadConfigOptions {
  readonly paths: WrenPaths;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Whether the project files may take effect (decided by `resolveProjectTrust` in trust.ts).
   * When false, `.mcp.json` is not read, and of `.wren/settings.json` only `display` and
   * `permissions.deny` apply, without `${VAR}` expansion. Default false: safe when forgotten.
   */
  readonly trustProject?: boolean;
  /** `--mcp-config FILE`: an extra file in `.mcp.json` format, read last; the user named it, so it is trusted. */
  readonly extraMcpConfig?: string;
  /** Reads a file, or returns undefined when it does not exist. */
  readonly readText?: (file: string) => Promise<string | undefined>;
}

interface ParsedSource {
  readonly file: string;
  readonly settings: SettingsFile;
  readonly servers: readonly McpServerConfig[];
}

/**
 * The part of an untrusted project settings file that applies anyway: it neither runs nor
 * sends anything, and deny rules only make wren safer.
 */
function untrustedPart(document: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (document === null || typeof document !== "object" || Array.isArray(document)) return out;
  for (const [key, value] of Object.entries(document)) {
    if (key === "$schema" || key === "display") out[key] = value;
    if (key === "permissions" && value !== null && typeof value === "object") {
      const deny = Object.entries(value).find(([k]) => k === "deny");
      if (deny) out.permissions = { deny: deny[1] };
    }
  }
  return out;
}
/** Where a source's `mcpServers` live: at the top, or under `projects[PATH]` (local scope). */
type SourceKind = "settings" | "mcp-json" | "local";

async function readSource(
  file: string,
  kind: SourceKind,
  env: NodeJS.ProcessEnv,
  readText: (file: string) => Promise<string | undefined>,
  required: boolean,
  trusted: boolean,
  project: string,
): Promise<{ source?: ParsedSource; warnings: string[] }> {
  const text = await readText(file);
  if (text === undefined) {
    if (required) throw new ConfigError([{ file, path: [], message: "file not found" }]);
    return { warnings: [] };
  }
  if (!trusted) {
    // No env expansion: an untrusted file must not learn (or send) the user's variables.
    const { data: settings, warnings } = validateDocument(
      SettingsFileSchema,
      untrustedPart(parseJsonDocument(text, file)),
      file,
    );
    return { source: { file, settings, servers: [] }, warnings };
  }
  const document = parseJsonDocument(text, file);
  if (kind === "local") return readLocalSource(file, document, env, project);
  // Server entries are checked one by one below: one bad entry disables only that server.
  const { mcpServers, ...rest } = isRecord(document) ? document : {};
  // Expand first so validation sees real values (a URL may be `https://${HOST}/mcp`).
  const expanded = expandEnvDeep(rest, env);
  if (expanded.missing.length > 0)
    throw new ConfigError(expanded.missing.map((m) => missingIssue(file, m.path, m.variable)));
  const { data: settings, warnings } =
    kind === "settings"
      ? validateDocument(SettingsFileSchema, expanded.value, file)
      : validateDocument(McpJsonFileSchema, expanded.value, file);
  const servers = readServers(file, ["mcpServers"], mcpServers, env, warnings);
  return { source: { file, settings, servers }, warnings };
}

/** `$WREN_HOME/local-mcp.json`: `{ "projects": { "/abs/project": { "mcpServers": {...} } } }`. */
function readLocalSource(
  file: string,
  document: unknown,
  env: NodeJS.ProcessEnv,
  project: string,
): { source?: ParsedSource; warnings: string[] } {
  const projects = isRecord(document) ? document.projects : undefined;
  const entry = isRecord(projects) ? projects[project] : undefined;
  const warnings: string[] = [];
  const servers = readServers(
    file,
    ["projects", project, "mcpServers"],
    isRecord(entry) ? entry.mcpServers : undefined,
    env,
    warnings,
  );
  return { source: { file, settings: {}, servers }, warnings };
}

function missingIssue(
  file: string,
  path: readonly (string | number)[],
  variable: string,
): ConfigIssue {
  return {
    file,
    path,
    message: `environment variable ${variable} is not set (write \${${variable}:-default} to give a default)`,
  };
}

/**
 * Reads the `mcpServers` object at `at`. An entry with a problem (a missing `${VAR}`, an
 * unknown transport, no command or url) becomes a disabled server carrying its error, which
 * `.mcp list` and `wren mcp list` show; the other servers and the rest of wren still work.
 */
function readServers(
  file: string,
  at: readonly (string | number)[],
  raw: unknown,
  env: NodeJS.ProcessEnv,
  warnings: string[],
): McpServerConfig[] {
  if (raw === undefined) return [];
  if (!isRecord(raw)) {
    throw new ConfigError([{ file, path: at, message: "expected an object of servers by name" }]);
  }
  const servers: McpServerConfig[] = [];
  for (const [name, entry] of Object.entries(raw)) {
    const path = [...at, name];
    const broken = (issue: ConfigIssue): void => {
      servers.push(invalidServer(name, entry, file, formatIssue(issue)));
    };
    const expanded = expandEnvDeep(entry, env, path);
    const [missing] = expanded.missing;
    if (missing) {
      broken(missingIssue(file, missing.path, missing.variable));
      continue;
    }
    let validated: { data: RawMcpServer; warnings: string[] };
    try {
      validated = validateDocument(RawMcpServerSchema, expanded.value, file, path);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const [issue] = error.issues;
      broken(issue ?? { file, path, message: "invalid server entry" });
      continue;
    }
    warnings.push(...validated.warnings);
    const result = normalizeServer(name, validated.data, file);
    const nested = at.length !== 1 || at[0] !== "mcpServers";
    if (result.ok)
      servers.push(nested ? { ...result.server, sourcePath: at.map(String) } : result.server);
    else broken({ file, path: [...path, ...result.issue.path], message: result.issue.message });
  }
  return servers;
}

/**
 * Loads and merges configuration: user settings, project settings, project `.mcp.json`,
 * then `--mcp-config`; later sources win. Throws ConfigError with every problem found.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<WrenConfig> {
  const env = options.env ?? process.env;
  const readText = options.readText ?? readTextIfExists;
  const { paths } = options;
  const trusted = options.trustProject === true;
  const plan: { file: string; kind: SourceKind; required: boolean; trusted: boolean }[] = [
    { file: paths.userSettings, kind: "settings", required: false, trusted: true },
    { file: paths.projectSettings, kind: "settings", required: false, trusted },
    // An untrusted `.mcp.json` holds nothing that may apply, so it is not read at all.
    ...(trusted
      ? [{ file: paths.projectMcpJson, kind: "mcp-json" as const, required: false, trusted }]
      : []),
    // Local scope (`wren mcp add -s local`, the default): this project's servers, kept in
    // WREN_HOME rather than the repo; the user added them, so they are trusted like user ones.
    { file: paths.localMcpServers, kind: "local", required: false, trusted: true },
  ];
  if (options.extraMcpConfig) {
    plan.push({
      file: resolve(paths.project, options.extraMcpConfig),
      kind: "mcp-json",
      required: true,
      trusted: true,
    });
  }
  // A project opened from the home directory would read the same file twice.
  const seen = new Set<string>();
  const unique = plan.filter((p) => !seen.has(p.file) && seen.add(p.file));

  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const sources: ParsedSource[] = [];
  const results = await Promise.allSettled(
    unique.map((p) =>
      readSource(p.file, p.kind, env, readText, p.required, p.trusted, paths.project),
    ),
  );
  for (const [i, result] of results.entries()) {
    if (result.status === "rejected") {
      if (result.reason instanceof ConfigError) issues.push(...result.reason.issues);
      else {
        const file = unique[i]?.file ?? "";
        const reason = errorText(result.reason);
        issues.push({ file, path: [], message: `cannot be read: ${reason}` });
      }
      continue;
    }
    warnings.push(...result.value.warnings);
    if (result.value.source) sources.push(result.value.source);
  }
  // WREN_OAUTH_STORAGE=file|keychain wins over settings: for CI, containers and the test suite,
  // which must never write into a developer's real keychain.
  const forced = env.WREN_OAUTH_STORAGE;
  if (forced !== undefined && forced !== "" && forced !== "file" && forced !== "keychain") {
    issues.push({
      file: "WREN_OAUTH_STORAGE",
      path: [],
      message: `expected "file" or "keychain", got "${forced}"`,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const merged = mergeSources(sources, warnings);
  return forced === "file" || forced === "keychain" ? { ...merged, oauthStorage: forced } : merged;
}

function mergeSources(sources: readonly ParsedSource[], warnings: string[]): WrenConfig {
  let model: string | undefined;
  let display: DisplayMode = "standard";
  let toolSearch: NonNullable<WrenConfig["toolSearch"]> | undefined;
  let oauthStorage: WrenConfig["oauthStorage"];
  const providers: Record<string, ProviderSettings> = {};
  const allow: string[] = [];
  const deny: string[] = [];
  const map = new Map<string, McpServerConfig>();
  for (const { settings, servers } of sources) {
    if (settings.model !== undefined) model = settings.model;
    if (settings.display !== undefined) display = settings.display;
    if (settings.toolSearch !== undefined) toolSearch = { ...toolSearch, ...settings.toolSearch };
    if (settings.oauthStorage !== undefined) oauthStorage = settings.oauthStorage;
    Object.assign(providers, settings.providers);
    allow.push(...(settings.permissions?.allow ?? []));
    deny.push(...(settings.permissions?.deny ?? []));
    for (const server of servers) map.set(server.name, server);
  }
  return {
    ...(model !== undefined && { model }),
    providers,
    permissions: { allow, deny },
    display,
    ...(toolSearch !== undefined && { toolSearch }),
    ...(oauthStorage !== undefined && { oauthStorage }),
    servers: [...map.values()],
    warnings,
    files: sources.map((s) => s.file),
  };
}
