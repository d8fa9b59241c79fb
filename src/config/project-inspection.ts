// What a folder's project files would do once trusted, read without running or expanding
// anything: the commands and URLs exactly as written, the variables they would read, with
// invisible characters made visible, and a hash of it all that a trust decision is bound to.
import { createHash } from "node:crypto";
import { realpath } from "node:fs/promises";
import { relative } from "node:path";
import { errorText } from "../utils/errors.js";
import type { WrenPaths } from "../utils/paths.js";
import { isRecord, parseJsonDocument, readTextIfExists } from "./document.js";
import { referencedVariables } from "./env-expand.js";
import { ConfigError } from "./errors.js";
import { assertionGrantPlan } from "./oauth-grants.js";
import { ProviderPreviewSchema, ServerPreviewSchema } from "./schema.js";

/** What one project MCP server would do once trusted. */
export interface ServerPlan {
  readonly name: string;
  readonly transport: string;
  /** The exact command line (stdio) or URL (remote), as written, made visible. */
  readonly target: string;
  /** Header names (remote) or environment variable names set for the process (stdio). */
  readonly sets: readonly string[];
  /** `${VAR}`s the entry would expand (and so hand to the program or send to the host). */
  readonly variables: readonly string[];
  /** A remote entry's assertion grant: the token it reads and where it sends it. */
  readonly signsIn?: string;
}

/** Where a project provider entry would send the model's requests. */
export interface ProviderPlan {
  readonly name: string;
  readonly type: string;
  readonly baseURL?: string;
  readonly variables: readonly string[];
}

/** What the project files of a folder would do if trusted. */
export interface ProjectInspection {
  /** The folder's real path: the key of its decision. */
  readonly folder: string;
  /** Project files (relative to the folder) whose content needs trust. */
  readonly files: readonly string[];
  readonly servers: readonly ServerPlan[];
  /** `permissions.allow` rules: tools that would run without asking. */
  readonly allow: readonly string[];
  readonly providers: readonly ProviderPlan[];
  readonly model?: string;
  /** Files that could not be read as JSON; their content is unknown, so they need trust too. */
  readonly problems: readonly string[];
  /** Hash of everything above as written; a decision holds only for the same hash. */
  readonly hash: string;
}

/**
 * The parts of a project file that need trust. Everything else (`display`, `permissions.deny`)
 * applies in any folder: it cannot run anything or send anything anywhere.
 */
function gatedPart(document: unknown, kind: "settings" | "mcp-json"): Record<string, unknown> {
  if (!isRecord(document)) return {};
  const out: Record<string, unknown> = {};
  if (document.mcpServers !== undefined) out.mcpServers = document.mcpServers;
  if (kind === "mcp-json") return out;
  if (document.model !== undefined) out.model = document.model;
  if (document.providers !== undefined) out.providers = document.providers;
  const permissions = document.permissions;
  if (isRecord(permissions) && permissions.allow !== undefined) out.allow = permissions.allow;
  return out;
}

/** Reads the project files (never the user's own settings) and says what they would do. */
export async function inspectProject(
  paths: WrenPaths,
  readText: (file: string) => Promise<string | undefined> = readTextIfExists,
): Promise<ProjectInspection> {
  const folder = await realpath(paths.project).catch(() => paths.project);
  // A project opened in the home directory can have the user's own settings as its project file.
  const plan = [
    ...(paths.projectSettings === paths.userSettings
      ? []
      : [{ file: paths.projectSettings, kind: "settings" as const }]),
    { file: paths.projectMcpJson, kind: "mcp-json" as const },
  ];
  // A file that exists but cannot be read (a directory, no permission) is content we cannot
  // show, so it needs trust like a file with syntax errors; loadConfig reports the error.
  const texts = await Promise.all(
    plan.map((p) =>
      readText(p.file).catch((error: unknown) => ({
        unreadable: errorText(error),
      })),
    ),
  );
  const files: string[] = [];
  const problems: string[] = [];
  const hashed: Record<string, unknown> = {};
  const servers = new Map<string, ServerPlan>();
  const allow: string[] = [];
  const providers = new Map<string, ProviderPlan>();
  let model: string | undefined;
  for (const [i, { file, kind }] of plan.entries()) {
    const text = texts[i];
    if (text === undefined) continue;
    const label = relative(paths.project, file);
    if (typeof text !== "string") {
      problems.push(visible(`${label}: ${text.unreadable}`));
      files.push(label);
      hashed[label] = text;
      continue;
    }
    let gated: Record<string, unknown>;
    try {
      gated = gatedPart(parseJsonDocument(text, label), kind);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(visible(error.message));
      files.push(label);
      hashed[label] = { unreadable: text };
      continue;
    }
    if (Object.keys(gated).length === 0) continue;
    files.push(label);
    hashed[label] = gated;
    if (isRecord(gated.mcpServers)) {
      for (const [name, raw] of Object.entries(gated.mcpServers)) {
        servers.set(name, serverPlan(name, raw));
      }
    }
    if (Array.isArray(gated.allow)) {
      for (const rule of gated.allow) allow.push(visible(String(rule)));
    }
    if (isRecord(gated.providers)) {
      for (const [name, raw] of Object.entries(gated.providers)) {
        const parsed = ProviderPreviewSchema.safeParse(raw);
        providers.set(name, {
          name: visible(name),
          type: visible(parsed.success ? (parsed.data.type ?? "?") : "?"),
          ...(parsed.success &&
            parsed.data.baseURL !== undefined && { baseURL: visible(parsed.data.baseURL) }),
          variables: referencedVariables(raw),
        });
      }
    }
    if (gated.model !== undefined) model = visible(String(gated.model));
  }
  return {
    folder,
    files,
    servers: [...servers.values()],
    allow,
    providers: [...providers.values()],
    ...(model !== undefined && { model }),
    problems,
    hash: `sha256:${createHash("sha256").update(canonicalJson(hashed)).digest("hex")}`,
  };
}

function serverPlan(name: string, raw: unknown): ServerPlan {
  const parsed = ServerPreviewSchema.safeParse(raw);
  const variables = referencedVariables(raw);
  if (!parsed.success) {
    return {
      name: visible(name),
      transport: "?",
      target: visible(JSON.stringify(raw) ?? ""),
      sets: [],
      variables,
    };
  }
  const entry = parsed.data;
  if (entry.command !== undefined || (entry.url === undefined && entry.type === "stdio")) {
    const line = [entry.command ?? "", ...(entry.args ?? [])].map(shellWord).join(" ");
    const cwd = entry.cwd !== undefined ? ` (in ${shellWord(entry.cwd)})` : "";
    return {
      name: visible(name),
      transport: "stdio",
      target: visible(`${line}${cwd}`),
      sets: Object.keys(entry.env ?? {}).map(visible),
      variables,
    };
  }
  const signsIn = assertionGrantPlan(raw);
  return {
    name: visible(name),
    transport: visible(entry.type ?? "http"),
    target: visible(entry.url ?? "?"),
    sets: Object.keys(entry.headers ?? {}).map(visible),
    variables,
    ...(signsIn !== undefined && { signsIn: visible(signsIn) }),
  };
}

/** A word as a shell would need it quoted, so the user sees exactly what would run. */
function shellWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

// Control characters, bidi and zero-width characters in a hostile file could hide or reorder
// what the user is asked to trust; they are shown as `\uXXXX` instead.
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** Shows characters that would be invisible (or would drive the terminal) as `\uXXXX`. */
export function visible(text: string): string {
  return text.replace(
    INVISIBLE,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
