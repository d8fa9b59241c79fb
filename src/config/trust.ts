// Workspace trust: a cloned repository's `.wren/settings.json` and `.mcp.json` can start
// programs, send environment secrets to hosts, allow commands without asking and point the
// model at another host. Those parts take effect only in a folder the user trusted; this
// module is the one place that decides whether a folder is trusted.
import { createHash } from "node:crypto";
import { realpath } from "node:fs/promises";
import { relative } from "node:path";
import { writeFileAtomic } from "../utils/atomic-write.js";
import { errorText } from "../utils/errors.js";
import type { WrenPaths } from "../utils/paths.js";
import { parseJsonDocument, readTextIfExists } from "./document.js";
import { referencedVariables } from "./env-expand.js";
import { ConfigError } from "./errors.js";
import { assertionGrantPlan } from "./oauth-grants.js";
import {
  ProviderPreviewSchema,
  ServerPreviewSchema,
  type TrustFile,
  TrustFileSchema,
  type TrustRecord,
} from "./schema.js";

/** The environment variable that trusts the project config for one run, like `--trust-project`. */
export const TRUST_ENV = "WREN_TRUST_PROJECT";

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

/** The trust in force for one run, and why. */
export type ProjectTrust =
  | { readonly kind: "nothing-to-trust"; readonly inspection: ProjectInspection }
  | {
      readonly kind: "trusted";
      /** `override`: `--trust-project` or `WREN_TRUST_PROJECT=1`, for this run only. */
      readonly by: "override" | "decision";
      readonly inspection: ProjectInspection;
    }
  | {
      readonly kind: "untrusted";
      /** `undecided`: never asked; `changed`: the files changed since the decision. */
      readonly why: "undecided" | "changed" | "declined";
      readonly inspection: ProjectInspection;
    };

/** Inputs of {@link resolveProjectTrust}. */
export interface TrustOptions {
  readonly paths: WrenPaths;
  /** `--trust-project` or `WREN_TRUST_PROJECT=1`: trusted for this run, nothing recorded. */
  readonly override?: boolean;
  readonly readText?: (file: string) => Promise<string | undefined>;
}

/** True when the project config may take effect in this run. */
export function isTrusted(trust: ProjectTrust): boolean {
  return trust.kind !== "untrusted";
}

/** True when the REPL should ask: nobody decided, or the files changed since. */
export function shouldAsk(trust: ProjectTrust): boolean {
  return trust.kind === "untrusted" && trust.why !== "declined";
}

/** Reads the project files and the recorded decision, and decides the trust of this run. */
export async function resolveProjectTrust(options: TrustOptions): Promise<ProjectTrust> {
  const readText = options.readText ?? readTextIfExists;
  const [inspection, file] = await Promise.all([
    inspectProject(options.paths, readText),
    readTrustFile(options.paths, readText),
  ]);
  if (inspection.files.length === 0) return { kind: "nothing-to-trust", inspection };
  if (options.override) return { kind: "trusted", by: "override", inspection };
  const record = file.folders[inspection.folder];
  if (!record) return { kind: "untrusted", why: "undecided", inspection };
  if (record.hash !== inspection.hash) return { kind: "untrusted", why: "changed", inspection };
  return record.trusted
    ? { kind: "trusted", by: "decision", inspection }
    : { kind: "untrusted", why: "declined", inspection };
}

/** The decision recorded for this folder, if any (for `wren trust` and `.trust`). */
export async function recordedDecision(
  paths: WrenPaths,
  inspection: ProjectInspection,
  readText: (file: string) => Promise<string | undefined> = readTextIfExists,
): Promise<TrustRecord | undefined> {
  return (await readTrustFile(paths, readText)).folders[inspection.folder];
}

/**
 * Remembers the user's answer for this folder and this content (hash), in the trust file:
 * written atomically, 0600 in a 0700 WREN_HOME.
 */
export async function recordTrust(
  paths: WrenPaths,
  inspection: ProjectInspection,
  trusted: boolean,
  now: Date = new Date(),
): Promise<void> {
  // Re-read just before writing so a decision another wren recorded meanwhile survives.
  const file = await readTrustFile(paths, readTextIfExists);
  const next: TrustFile = {
    version: 1,
    folders: {
      ...file.folders,
      [inspection.folder]: { trusted, hash: inspection.hash, decidedAt: now.toISOString() },
    },
  };
  await writeFileAtomic(paths.trustFile, `${JSON.stringify(next, null, 2)}\n`, {
    mode: 0o600,
    dirMode: 0o700,
  });
}

async function readTrustFile(
  paths: WrenPaths,
  readText: (file: string) => Promise<string | undefined>,
): Promise<TrustFile> {
  const empty: TrustFile = { version: 1, folders: {} };
  const text = await readText(paths.trustFile);
  if (text === undefined) return empty;
  try {
    const parsed = TrustFileSchema.safeParse(parseJsonDocument(text, paths.trustFile));
    // A damaged file trusts nothing: every folder is asked again.
    return parsed.success ? parsed.data : empty;
  } catch (error) {
    if (error instanceof ConfigError) return empty;
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
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

/** What the project config would do, one line each, for the trust question and `wren trust`. */
export function describeInspection(inspection: ProjectInspection): string[] {
  const uses = (variables: readonly string[]): string =>
    variables.length > 0 ? ` · reads ${variables.map((v) => `$${v}`).join(", ")}` : "";
  const lines: string[] = [];
  for (const server of inspection.servers) {
    if (server.transport === "stdio") {
      const env = server.sets.length > 0 ? ` · env ${server.sets.join(", ")}` : "";
      lines.push(`runs ${server.name}: ${server.target}${env}${uses(server.variables)}`);
    } else {
      const headers = server.sets.length > 0 ? ` · headers ${server.sets.join(", ")}` : "";
      const signsIn = server.signsIn !== undefined ? ` · ${server.signsIn}` : "";
      lines.push(
        `connects ${server.name} (${server.transport}): ${server.target}${headers}${signsIn}${uses(server.variables)}`,
      );
    }
  }
  if (inspection.allow.length > 0) {
    lines.push(`allows without asking: ${inspection.allow.join(", ")}`);
  }
  for (const provider of inspection.providers) {
    const at = provider.baseURL !== undefined ? ` at ${provider.baseURL}` : "";
    lines.push(`adds provider ${provider.name} (${provider.type})${at}${uses(provider.variables)}`);
  }
  if (inspection.model !== undefined) lines.push(`sets the model: ${inspection.model}`);
  for (const problem of inspection.problems) lines.push(`cannot be read: ${problem}`);
  return lines;
}

/** The one line a non-interactive run writes to stderr when project config is ignored. */
export function untrustedWarning(trust: ProjectTrust): string | undefined {
  if (trust.kind !== "untrusted") return undefined;
  const files = trust.inspection.files.join(", ");
  const why =
    trust.why === "changed"
      ? "it changed since this folder was trusted"
      : trust.why === "declined"
        ? "this folder is not trusted"
        : "this folder is not trusted yet";
  return `project config ignored (${files}): ${why}; review and trust it with \`wren trust\`, or pass --trust-project for one run`;
}

/** The one line the REPL shows when project config is ignored. */
export function untrustedNotice(trust: ProjectTrust): string | undefined {
  if (trust.kind !== "untrusted") return undefined;
  const files = trust.inspection.files.join(", ");
  const why =
    trust.why === "changed" ? "changed since you trusted this folder" : "folder not trusted";
  return `project config ignored (${files}): ${why} · .trust to review`;
}

/** `~/src/repo` for a folder under the user's home; invisible characters made visible. */
export function displayFolder(folder: string, userHome: string | undefined): string {
  const short =
    userHome && (folder === userHome || folder.startsWith(`${userHome}/`))
      ? `~${folder.slice(userHome.length)}`
      : folder;
  return visible(short);
}

/**
 * What `wren trust` and `.trust` show: the folder, the decision in force and what the project
 * config would do.
 */
export function trustReport(
  trust: ProjectTrust,
  record: TrustRecord | undefined,
  userHome: string | undefined,
): string[] {
  const { inspection } = trust;
  const lines = [`Folder: ${displayFolder(inspection.folder, userHome)}`];
  if (trust.kind === "nothing-to-trust") {
    lines.push(
      "No project config here needs trust (.mcp.json, or servers, providers, model or allow rules in .wren/settings.json).",
    );
    return lines;
  }
  const day = record ? ` (decided ${record.decidedAt.slice(0, 10)})` : "";
  const decision =
    trust.kind === "trusted"
      ? trust.by === "override"
        ? "trusted for this run (--trust-project or WREN_TRUST_PROJECT=1)"
        : `trusted${day}`
      : trust.why === "declined"
        ? `not trusted${day}`
        : trust.why === "changed"
          ? `not trusted: the config changed since it was ${record?.trusted ? "trusted" : "decided"}${day}`
          : "not trusted yet (never decided)";
  lines.push(`Decision: ${decision}`);
  lines.push(`${inspection.files.join(" and ")} would make wren:`);
  for (const line of describeInspection(inspection)) lines.push(`  • ${line}`);
  return lines;
}
