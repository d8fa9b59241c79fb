// zod/mini tree-shakes: the classic API bundles ~750 KB that would load before the first frame.
import * as z from "zod/mini";
import { AssertionGrantSettings, assertionGrantIssue } from "./oauth-grants.js";

/** OAuth settings of one remote MCP server (`oauth` key); `false` disables OAuth for it. */
const nonEmpty = (message = "expected a non-empty string") =>
  z.string().check(z.minLength(1, message));

export const OAuthSettingsSchema = z.strictObject({
  clientId: z.optional(nonEmpty()),
  clientSecret: z.optional(nonEmpty()),
  scope: z.optional(nonEmpty()),
  callbackPort: z.optional(
    z
      .int()
      .check(
        z.gte(1, "expected a port from 1 to 65535"),
        z.lte(65535, "expected a port from 1 to 65535"),
      ),
  ),
  clientMetadataUrl: z.optional(httpUrl()),
  /** `client_credentials`: machine-to-machine, no person signs in (OAuth 2.1 §4.2, SEP-1046). */
  grantType: z.optional(
    z.enum(["authorization_code", "client_credentials", "jwt_bearer", "enterprise"]),
  ),
  /**
   * The authorization server (its issuer URL) that issued client_credentials: they are sent
   * there only, whatever server the MCP server names.
   */
  issuer: z.optional(httpUrl()),
  /** PEM private key for `private_key_jwt` client authentication (RFC 7523). */
  privateKey: z.optional(nonEmpty()),
  /** File holding that PEM key: absolute, `~/...`, or relative to the project directory. */
  privateKeyFile: z.optional(nonEmpty()),
  /** JWS algorithm of the client assertion; inferred from the key when absent. */
  signingAlgorithm: z.optional(nonEmpty()),
  // `jwt_bearer` (workload identity) and `enterprise` (ID-JAG): see oauth-grants.ts.
  ...AssertionGrantSettings,
});
export type OAuthSettings = z.infer<typeof OAuthSettingsSchema>;

/** Why `oauth` settings do not fit together, with the key to point at, if they do not. */
function oauthIssue(oauth: OAuthSettings): ServerIssue | undefined {
  const at = (key: string, message: string): ServerIssue => ({ path: ["oauth", key], message });
  const grant = assertionGrantIssue(oauth);
  if (grant !== "not-an-assertion-grant") return grant && at(grant.key, grant.message);
  const keys = (["clientSecret", "privateKey", "privateKeyFile"] as const).filter(
    (key) => oauth[key] !== undefined,
  );
  if (oauth.grantType !== "client_credentials") {
    const jwtKey = (["issuer", "privateKey", "privateKeyFile", "signingAlgorithm"] as const).find(
      (key) => oauth[key] !== undefined,
    );
    return jwtKey && at(jwtKey, `${jwtKey} is used with "grantType": "client_credentials"`);
  }
  if (oauth.clientId === undefined) {
    return at("clientId", "client_credentials needs the clientId the server issued");
  }
  if (oauth.issuer === undefined) {
    return at(
      "issuer",
      "client_credentials needs the issuer URL of the authorization server that issued them",
    );
  }
  if (keys.length !== 1) {
    return at(
      keys[1] ?? "clientSecret",
      "client_credentials needs exactly one of clientSecret, privateKey or privateKeyFile",
    );
  }
  if (oauth.signingAlgorithm !== undefined && keys[0] === "clientSecret") {
    return at("signingAlgorithm", "signingAlgorithm is used with privateKey or privateKeyFile");
  }
  return undefined;
}

const TRANSPORT_ALIASES = {
  stdio: "stdio",
  http: "http",
  "streamable-http": "http",
  streamable_http: "http",
  sse: "sse",
} as const;

/**
 * One `mcpServers` entry as written by the user, in the format Claude Code, Cursor and
 * Claude Desktop share. Every key is optional here; `normalizeServer` decides the transport.
 */
export const RawMcpServerSchema = z.strictObject({
  type: z.optional(
    z.string().check(
      z.refine((t) => t in TRANSPORT_ALIASES, {
        message: `expected one of "stdio", "http", "sse" (or "streamable-http")`,
      }),
    ),
  ),
  command: z.optional(nonEmpty("expected a non-empty command")),
  args: z.optional(z.array(z.string())),
  env: z.optional(z.record(z.string(), z.string())),
  cwd: z.optional(z.string()),
  url: z.optional(z.string()),
  headers: z.optional(z.record(z.string(), z.string())),
  enabled: z.optional(z.boolean()),
  disabled: z.optional(z.boolean()),
  timeout: z.optional(z.int().check(z.positive("expected a positive number of milliseconds"))),
  includeTools: z.optional(z.array(z.string())),
  excludeTools: z.optional(z.array(z.string())),
  oauth: z.optional(z.union([z.literal(false), OAuthSettingsSchema])),
  description: z.optional(z.string()),
});
export type RawMcpServer = z.infer<typeof RawMcpServerSchema>;

interface CommonServerConfig {
  readonly name: string;
  readonly enabled: boolean;
  /** Per-request timeout in ms; undefined means the transport default. */
  readonly timeout?: number;
  readonly includeTools?: readonly string[];
  readonly excludeTools?: readonly string[];
  /** The settings file this entry came from (for messages and `wren mcp remove`). */
  readonly source: string;
  /**
   * Where the `mcpServers` object holding this entry sits in `source`, when not at the top:
   * local-scope servers live under `projects[PATH].mcpServers`.
   */
  readonly sourcePath?: readonly string[];
  /**
   * Why the entry cannot be used (a missing `${VAR}`, an unknown transport), as one line naming
   * file and key. Such a server is disabled and shown failed with this reason.
   */
  readonly invalid?: string;
}

/** A local server spoken to over stdin/stdout. */
export interface StdioServerConfig extends CommonServerConfig {
  readonly type: "stdio";
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** A remote server over Streamable HTTP (`http`) or the legacy HTTP+SSE transport (`sse`). */
export interface RemoteServerConfig extends CommonServerConfig {
  readonly type: "http" | "sse";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** `false` never attempts OAuth; otherwise OAuth engages on a 401. */
  readonly oauth: OAuthSettings | false;
}

/** A validated, normalized MCP server entry. */
export type McpServerConfig = StdioServerConfig | RemoteServerConfig;

/** Where a normalization problem is, relative to the server entry. */
export interface ServerIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Turns a raw entry into a normalized config, or the first problem with it. */
export function normalizeServer(
  name: string,
  raw: RawMcpServer,
  source: string,
): { ok: true; server: McpServerConfig } | { ok: false; issue: ServerIssue } {
  const declared = raw.type
    ? TRANSPORT_ALIASES[raw.type as keyof typeof TRANSPORT_ALIASES]
    : undefined;
  const type = declared ?? (raw.command ? "stdio" : raw.url ? "http" : undefined);
  const enabled = raw.enabled ?? (raw.disabled === undefined ? true : !raw.disabled);
  const common = {
    name,
    enabled,
    source,
    ...(raw.timeout !== undefined && { timeout: raw.timeout }),
    ...(raw.includeTools && { includeTools: raw.includeTools }),
    ...(raw.excludeTools && { excludeTools: raw.excludeTools }),
  };
  if (type === undefined) {
    return {
      ok: false,
      issue: {
        path: [],
        message: `expected a "command" (stdio server) or a "url" (remote server)`,
      },
    };
  }
  if (type === "stdio") {
    if (!raw.command) {
      return { ok: false, issue: { path: ["command"], message: "a stdio server needs a command" } };
    }
    return {
      ok: true,
      server: {
        ...common,
        type,
        command: raw.command,
        args: raw.args ?? [],
        env: raw.env ?? {},
        ...(raw.cwd !== undefined && { cwd: raw.cwd }),
      },
    };
  }
  if (!raw.url) {
    return { ok: false, issue: { path: ["url"], message: `a ${type} server needs a url` } };
  }
  if (!/^https?:\/\//i.test(raw.url)) {
    return { ok: false, issue: { path: ["url"], message: "expected an http:// or https:// URL" } };
  }
  const oauthProblem = raw.oauth ? oauthIssue(raw.oauth) : undefined;
  if (oauthProblem) return { ok: false, issue: oauthProblem };
  return {
    ok: true,
    server: { ...common, type, url: raw.url, headers: raw.headers ?? {}, oauth: raw.oauth ?? {} },
  };
}

/**
 * A server entry that could not be read, kept so lists can show it with its error: disabled,
 * never connected. Its transport is what the entry seems to be (a `command` means stdio).
 */
export function invalidServer(
  name: string,
  raw: unknown,
  source: string,
  reason: string,
): McpServerConfig {
  const entry = new Map(raw !== null && typeof raw === "object" ? Object.entries(raw) : []);
  const text = (key: string): string | undefined => {
    const value = entry.get(key);
    return typeof value === "string" ? value : undefined;
  };
  const common = { name, enabled: false, source, invalid: reason };
  const command = text("command");
  if (command !== undefined || text("url") === undefined) {
    return { ...common, type: "stdio", command: command ?? "", args: [], env: {} };
  }
  return { ...common, type: "http", url: text("url") ?? "", headers: {}, oauth: {} };
}

/** A model provider entry under `providers`. */
export const ProviderSchema = z.strictObject({
  type: z.enum(["openai-compatible", "anthropic", "openai"]),
  baseURL: z.optional(httpUrl()),
  apiKey: z.optional(z.string()),
  headers: z.optional(z.record(z.string(), z.string())),
  models: z.optional(z.array(z.string())),
  /**
   * Whether the provider's models take images (tool results, `@` mentions): true, false, or the
   * model names that do (`*` at the end matches a prefix). Default: true for anthropic and openai.
   */
  imageInput: z.optional(z.union([z.boolean(), z.array(z.string())])),
  /** Prices per model in US dollars per million tokens, for cost in `.usage` and the footer. */
  prices: z.optional(
    z.record(
      z.string(),
      z.strictObject({
        inputPerMTok: z.number().check(z.gte(0, "expected a price >= 0")),
        outputPerMTok: z.number().check(z.gte(0, "expected a price >= 0")),
        cachedInputPerMTok: z.optional(z.number().check(z.gte(0, "expected a price >= 0"))),
      }),
    ),
  ),
});
export type ProviderSettings = z.infer<typeof ProviderSchema>;

/** `permissions` rules: patterns such as `run_command(git status)` or `mcp__github__*`. */
export const PermissionsSchema = z.strictObject({
  allow: z.optional(z.array(z.string())),
  deny: z.optional(z.array(z.string())),
});

/** `toolSearch`: when MCP tool definitions give way to a `search_tools` tool (tools/tool-search.ts). */
export const ToolSearchSchema = z.strictObject({
  mode: z.optional(z.enum(["auto", "on", "off"], "expected auto, on or off")),
  budgetPercent: z.optional(
    z.number().check(z.gt(0, "expected a percentage above 0"), z.lte(100, "expected at most 100")),
  ),
  contextWindow: z.optional(z.int().check(z.gte(1000, "expected a token count of at least 1000"))),
});

/** The shape of `settings.json` (user or project). */
export const SettingsFileSchema = z.strictObject({
  $schema: z.optional(z.string()),
  model: z.optional(
    z
      .string()
      .check(z.regex(/^[^/\s]+\/\S+$/, `expected "provider/model", for example "ollama/qwen3:8b"`)),
  ),
  providers: z.optional(z.record(z.string(), ProviderSchema)),
  mcpServers: z.optional(z.record(z.string(), RawMcpServerSchema)),
  permissions: z.optional(PermissionsSchema),
  display: z.optional(
    z.enum(["zen", "standard", "developer"], "expected zen, standard or developer"),
  ),
  toolSearch: z.optional(ToolSearchSchema),
  /** Where MCP OAuth secrets go (mcp/oauth/keychain.ts); absent = the OS keychain when reachable. */
  oauthStorage: z.optional(z.enum(["keychain", "file"], "expected keychain or file")),
});
export type SettingsFile = z.infer<typeof SettingsFileSchema>;

/** The shape of a `.mcp.json` file (Claude Code's project format). */
export const McpJsonFileSchema = z.strictObject({
  $schema: z.optional(z.string()),
  mcpServers: z.optional(z.record(z.string(), RawMcpServerSchema)),
});

/** An absolute http(s) URL. */
function httpUrl() {
  return z.string().check(
    z.refine((value) => /^https?:\/\/[^\s/]+/i.test(value), {
      message: "expected an http(s) URL",
    }),
  );
}

/**
 * A project `mcpServers` entry read only to show the user what it would do before the folder
 * is trusted: `${VAR}` stays unexpanded, so URLs are not validated and unknown keys pass.
 */
export const ServerPreviewSchema = z.looseObject({
  type: z.optional(z.string()),
  command: z.optional(z.string()),
  args: z.optional(z.array(z.string())),
  url: z.optional(z.string()),
  headers: z.optional(z.record(z.string(), z.string())),
  env: z.optional(z.record(z.string(), z.string())),
  cwd: z.optional(z.string()),
});
export type ServerPreview = z.infer<typeof ServerPreviewSchema>;

/** A project `providers` entry read only to show where it would send requests. */
export const ProviderPreviewSchema = z.looseObject({
  type: z.optional(z.string()),
  baseURL: z.optional(z.string()),
});

/** One folder's trust decision, keyed by its real path in the trust file. */
export const TrustRecordSchema = z.object({
  trusted: z.boolean(),
  /** Hash of the project config the decision was made on; a change asks again. */
  hash: z.string(),
  decidedAt: z.string(),
});
export type TrustRecord = z.infer<typeof TrustRecordSchema>;

/** `WREN_HOME/trusted-folders.json`. */
export const TrustFileSchema = z.object({
  version: z.literal(1),
  folders: z.record(z.string(), TrustRecordSchema),
});
export type TrustFile = z.infer<typeof TrustFileSchema>;
