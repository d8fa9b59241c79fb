import { z } from "zod";

/** OAuth settings of one remote MCP server (`oauth` key); `false` disables OAuth for it. */
export const OAuthSettingsSchema = z.strictObject({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  scope: z.string().min(1).optional(),
  callbackPort: z.number().int().min(1).max(65535).optional(),
  clientMetadataUrl: z.url().optional(),
});
export type OAuthSettings = z.infer<typeof OAuthSettingsSchema>;

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
  type: z
    .string()
    .refine((t) => t in TRANSPORT_ALIASES, {
      message: `expected one of "stdio", "http", "sse" (or "streamable-http")`,
    })
    .optional(),
  command: z.string().min(1, "expected a non-empty command").optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
  url: z.url({ message: "expected an http(s) URL" }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  enabled: z.boolean().optional(),
  disabled: z.boolean().optional(),
  timeout: z.number().int().positive("expected a positive number of milliseconds").optional(),
  includeTools: z.array(z.string()).optional(),
  excludeTools: z.array(z.string()).optional(),
  oauth: z.union([z.literal(false), OAuthSettingsSchema]).optional(),
  description: z.string().optional(),
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
  return {
    ok: true,
    server: { ...common, type, url: raw.url, headers: raw.headers ?? {}, oauth: raw.oauth ?? {} },
  };
}

/** A model provider entry under `providers`. */
export const ProviderSchema = z.strictObject({
  type: z.enum(["openai-compatible", "anthropic", "openai"]),
  baseURL: z.url().optional(),
  apiKey: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  models: z.array(z.string()).optional(),
});
export type ProviderSettings = z.infer<typeof ProviderSchema>;

/** `permissions` rules: patterns such as `run_command(git status)` or `mcp__github__*`. */
export const PermissionsSchema = z.strictObject({
  allow: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
});

/** The shape of `settings.json` (user or project). */
export const SettingsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  model: z
    .string()
    .regex(/^[^/\s]+\/\S+$/, `expected "provider/model", for example "ollama/qwen3:8b"`)
    .optional(),
  providers: z.record(z.string(), ProviderSchema).optional(),
  mcpServers: z.record(z.string(), RawMcpServerSchema).optional(),
  permissions: PermissionsSchema.optional(),
  display: z.enum(["zen", "standard", "developer"]).optional(),
});
export type SettingsFile = z.infer<typeof SettingsFileSchema>;

/** The shape of a `.mcp.json` file (Claude Code's project format). */
export const McpJsonFileSchema = z.strictObject({
  $schema: z.string().optional(),
  mcpServers: z.record(z.string(), RawMcpServerSchema).optional(),
});
