// `wren mcp debug NAME` / `.mcp debug NAME`: discovery and a connection attempt, step by step,
// as one value (the trace) that debug-text.ts prints and `--json` writes. Nothing here signs
// in or registers a client: it says what a sign-in would do. Every string that came from a
// server or from config passes the one redactor here (with the actual token, header and secret
// values known to this server), and the terminal sanitizer where it is printed.
import {
  discoverOAuthServerInfo,
  extractWWWAuthenticateParams,
  type FetchLike,
  LATEST_PROTOCOL_VERSION,
  type OAuthServerInfo,
} from "@modelcontextprotocol/client";
import type { McpServerConfig, RemoteServerConfig } from "../config/schema.js";
import type { WrenPaths } from "../utils/paths.js";
import { isSecretName, redactArgs, redactSecrets } from "../utils/redact.js";
import { terminalJson } from "../utils/terminal-text.js";
import { VERSION } from "../version.js";
import { connectMcpServer } from "./connect.js";
import { formatDebugTrace } from "./debug-text.js";
import { McpConnectionError, McpNeedsAuthError } from "./errors.js";
import { presentable, storedClient, usableMetadataUrl } from "./oauth/client-identity.js";
import { usableAt } from "./oauth/credentials.js";
import { isDpopBound } from "./oauth/dpop.js";
import { McpAuthError } from "./oauth/errors.js";
import { usesMachineGrant } from "./oauth/grants/machine.js";
import { type HttpExchange, traceFetch } from "./oauth/http-trace.js";
import { issuerRefusal, sameUrl } from "./oauth/issuer.js";
import { readLockHolder } from "./oauth/lock.js";
import { createMcpOAuth } from "./oauth/mcp-oauth.js";
import { createOAuthStorage, type OAuthState } from "./oauth/storage.js";

/** How a step went: `warn` is worth knowing but does not stop a connection. */
export type StepStatus = "ok" | "warn" | "failed" | "skipped";

/** One HTTP request of the trace, as `--json` writes it. */
export type TraceExchange = Omit<HttpExchange, "json">;

/** The server's config, secrets hidden: header and env values never, only their names. */
export interface ConfigSummary {
  readonly transport: McpServerConfig["type"];
  readonly source: string;
  readonly enabled: boolean;
  readonly url?: string;
  readonly headers?: readonly string[];
  readonly command?: string;
  readonly args?: readonly string[];
  readonly env?: readonly string[];
  /** `false` when OAuth is off; secret settings show as `***`. */
  readonly oauth?: false | Readonly<Record<string, unknown>>;
}

/** The first answer of the MCP endpoint, without a token. */
export interface ProbeTrace {
  readonly status: StepStatus;
  readonly method: string;
  readonly url: string;
  readonly httpStatus?: number;
  /** The WWW-Authenticate parameters of a 401/403 (error, scope, resource_metadata). */
  readonly challenge?: string;
  readonly note: string;
}

/** Protected resource metadata (RFC 9728). */
export interface ResourceMetadataTrace {
  readonly status: StepStatus;
  readonly tried: readonly TraceExchange[];
  readonly resource?: string;
  readonly authorizationServers?: readonly string[];
  readonly scopesSupported?: readonly string[];
  readonly note: string;
}

/** The authorization-server metadata fields a sign-in depends on (RFC 8414 names). */
export interface MetadataSummary {
  readonly issuer?: string;
  readonly authorization_endpoint?: string;
  readonly token_endpoint?: string;
  readonly registration_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly device_authorization_endpoint?: string;
  readonly grant_types_supported?: readonly string[];
  readonly code_challenge_methods_supported?: readonly string[];
  readonly authorization_response_iss_parameter_supported?: boolean;
  readonly client_id_metadata_document_supported?: boolean;
  readonly dpop_signing_alg_values_supported?: readonly string[];
  readonly scopes_supported?: readonly string[];
}

/** Authorization-server metadata (RFC 8414 / OpenID discovery) and the issuer check. */
export interface AuthorizationServerTrace {
  readonly status: StepStatus;
  /** The authorization server's URL, as discovery found it. */
  readonly url?: string;
  readonly tried: readonly TraceExchange[];
  readonly metadata?: MetadataSummary;
  readonly issuerCheck?: {
    readonly status: StepStatus;
    readonly discoveryUrl: string;
    readonly issuer?: string;
    readonly note: string;
  };
  readonly error?: string;
}

/** The client identity a sign-in would use (nothing is registered by debug). */
export interface ClientTrace {
  readonly status: StepStatus;
  /** `stored`: the client the stored tokens were issued to; the others: what a sign-in would do. */
  readonly kind: "stored" | "configured" | "metadata-url" | "dcr" | "machine" | "none";
  /** How a stored client was obtained. */
  readonly obtainedBy?: "dcr" | "metadata-url" | "configured";
  readonly clientId?: string;
  /** Whether a client secret is configured or stored (never its value). */
  readonly clientSecret: boolean;
  readonly redirectUri?: string;
  readonly note: string;
}

/** The stored tokens by their properties, never their values. */
export interface TokensTrace {
  readonly status: StepStatus;
  readonly present: boolean;
  readonly issuer?: string;
  /** ISO time the access token expires, when known. */
  readonly expiresAt?: string;
  /** Seconds until it expires (negative: expired), when known. */
  readonly expiresInSeconds?: number;
  readonly scope?: string;
  readonly refreshToken: boolean;
  readonly dpopBound: boolean;
  /** Whether the DPoP key the tokens are bound to is stored. */
  readonly dpopKey: boolean;
  readonly note: string;
}

/** The cross-process refresh lock beside the state file. */
export interface LockTrace {
  readonly file: string;
  readonly held: boolean;
  readonly pid?: number;
  readonly alive?: boolean;
  readonly ageMs?: number;
}

/** Everything about the server's OAuth, absent for stdio servers and `oauth: false`. */
export interface OAuthTrace {
  readonly probe: ProbeTrace;
  readonly resourceMetadata: ResourceMetadataTrace;
  readonly authorizationServer: AuthorizationServerTrace;
  readonly client: ClientTrace;
  readonly tokens: TokensTrace;
  readonly lock: LockTrace;
  /** The state file (non-secret path). */
  readonly stateFile: string;
}

/** The connection attempt. */
export interface ConnectionTrace {
  readonly status: StepStatus;
  readonly protocolVersion?: string;
  readonly serverName?: string;
  readonly serverVersion?: string;
  readonly capabilities?: readonly string[];
  readonly tools?: number;
  readonly auth?: "oauth";
  readonly error?: string;
}

/** The whole trace: what `--json` writes (field names are stable; `version` changes if not). */
export interface DebugTrace {
  readonly version: 1;
  readonly server: string;
  readonly config: ConfigSummary;
  readonly oauth?: OAuthTrace;
  readonly connection: ConnectionTrace;
  /** Every HTTP request the attempt made (OAuth endpoints; MCP requests that failed). */
  readonly http: readonly TraceExchange[];
  /** Diagnostics and warnings of wren's OAuth during the attempt. */
  readonly notes: readonly string[];
  readonly result: "connected" | "failed";
  /** The first step that failed, with what the server (or wren) said, on one line. */
  readonly failedStep?: { readonly step: string; readonly error: string };
}

/** Options of {@link debugServer}. */
export interface DebugOptions {
  readonly paths: WrenPaths;
  readonly env?: NodeJS.ProcessEnv;
  readonly connectTimeoutMs?: number;
  /** The network (tests); global fetch by default. */
  readonly fetch?: FetchLike;
  readonly now?: () => number;
  /** How the user signs in from where they asked: `wren mcp auth NAME` or `.mcp auth NAME`. */
  readonly signInCommand: string;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Known secret values of a server: header values, secret settings and env, stored tokens. */
function secretsOf(server: McpServerConfig, state: OAuthState | undefined): string[] {
  const secrets: (string | undefined)[] = [];
  if (server.type === "stdio") {
    for (const [key, value] of Object.entries(server.env))
      if (isSecretName(key)) secrets.push(value);
  } else {
    secrets.push(...Object.values(server.headers));
    if (server.oauth !== false) {
      secrets.push(
        server.oauth.clientSecret,
        server.oauth.privateKey,
        server.oauth.idpClientSecret,
      );
    }
  }
  const tokens = state?.tokens;
  secrets.push(tokens?.access_token, tokens?.refresh_token, tokens?.id_token);
  secrets.push(state?.client?.information.client_secret);
  return secrets.filter((s): s is string => s !== undefined && s !== "");
}

function redactedUrl(url: string, secrets: readonly string[]): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return redactSecrets(parsed.href, secrets);
  } catch {
    return redactSecrets(url, secrets);
  }
}

/** The server's config with every secret hidden. */
export function configSummary(server: McpServerConfig, secrets: readonly string[]): ConfigSummary {
  const common = { transport: server.type, source: server.source, enabled: server.enabled };
  if (server.type === "stdio") {
    return {
      ...common,
      command: redactSecrets(server.command, secrets),
      args: redactArgs(server.args).map((arg) => redactSecrets(arg, secrets)),
      env: Object.keys(server.env),
    };
  }
  const oauth =
    server.oauth === false
      ? false
      : Object.fromEntries(
          Object.entries(server.oauth).map(([key, value]) => [
            key,
            isSecretName(key)
              ? "***"
              : typeof value === "string"
                ? redactSecrets(value, secrets)
                : value,
          ]),
        );
  return {
    ...common,
    url: redactedUrl(server.url, secrets),
    headers: Object.keys(server.headers),
    oauth,
  };
}

const strings = (value: unknown): readonly string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;

/** The fields of an authorization server's metadata that matter to a sign-in. */
export function metadataSummary(value: unknown): MetadataSummary | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const m: Record<string, unknown> = { ...value };
  const str = (key: string): string | undefined => {
    const v = m[key];
    return typeof v === "string" ? v : undefined;
  };
  const bool = (key: string): boolean | undefined => {
    const v = m[key];
    return typeof v === "boolean" ? v : undefined;
  };
  const entries: [string, unknown][] = [
    ["issuer", str("issuer")],
    ["authorization_endpoint", str("authorization_endpoint")],
    ["token_endpoint", str("token_endpoint")],
    ["registration_endpoint", str("registration_endpoint")],
    ["revocation_endpoint", str("revocation_endpoint")],
    ["device_authorization_endpoint", str("device_authorization_endpoint")],
    ["grant_types_supported", strings(m.grant_types_supported)],
    ["code_challenge_methods_supported", strings(m.code_challenge_methods_supported)],
    [
      "authorization_response_iss_parameter_supported",
      bool("authorization_response_iss_parameter_supported"),
    ],
    ["client_id_metadata_document_supported", bool("client_id_metadata_document_supported")],
    ["dpop_signing_alg_values_supported", strings(m.dpop_signing_alg_values_supported)],
    ["scopes_supported", strings(m.scopes_supported)],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

const stripJson = ({ json: _json, ...exchange }: HttpExchange): TraceExchange => exchange;

/** POSTs an `initialize` without a token (GET for a legacy SSE server): what does it answer? */
async function probe(
  server: RemoteServerConfig,
  fetchFn: FetchLike,
  secrets: readonly string[],
): Promise<{ trace: ProbeTrace; resourceMetadataUrl?: URL }> {
  const sse = server.type === "sse";
  const method = sse ? "GET" : "POST";
  const url = redactedUrl(server.url, secrets);
  const headers: Record<string, string> = {
    ...server.headers,
    accept: sse ? "text/event-stream" : "application/json, text/event-stream",
    ...(!sse && { "content-type": "application/json" }),
  };
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "wren-debug", version: VERSION },
    },
  });
  let response: Response;
  try {
    response = await fetchFn(server.url, { method, headers, ...(!sse && { body }) });
  } catch (error) {
    return {
      trace: {
        status: "failed",
        method,
        url,
        note: `no answer: ${redactSecrets(errorMessage(error), secrets)}`,
      },
    };
  }
  await response.body?.cancel().catch(() => {});
  const { status } = response;
  if (status === 401 || status === 403) {
    const params = extractWWWAuthenticateParams(response);
    const parts = [
      params.error && `error ${params.error}`,
      params.scope && `scope "${params.scope}"`,
      params.resourceMetadataUrl && `resource_metadata ${params.resourceMetadataUrl.href}`,
    ].filter((p): p is string => typeof p === "string");
    return {
      trace: {
        status: "ok",
        method,
        url,
        httpStatus: status,
        ...(parts.length > 0 && { challenge: redactSecrets(parts.join(", "), secrets) }),
        note: "the server asks for a token",
      },
      ...(params.resourceMetadataUrl && { resourceMetadataUrl: params.resourceMetadataUrl }),
    };
  }
  return {
    trace: {
      status: status < 400 ? "ok" : "warn",
      method,
      url,
      httpStatus: status,
      note:
        status < 400
          ? "the server answers without a token"
          : "an error, not a sign-in request (see the connection below)",
    },
  };
}

function describeResource(
  info: OAuthServerInfo | undefined,
  tried: readonly TraceExchange[],
): ResourceMetadataTrace {
  const metadata = info?.resourceMetadata;
  if (!metadata) {
    return {
      status: "warn",
      tried,
      note: "none found: the MCP server's origin is taken as its authorization server (2025-03-26 behaviour)",
    };
  }
  return {
    status: "ok",
    tried,
    resource: metadata.resource,
    ...(metadata.authorization_servers && { authorizationServers: metadata.authorization_servers }),
    ...(metadata.scopes_supported && { scopesSupported: metadata.scopes_supported }),
    note: "found",
  };
}

function describeAuthorizationServer(
  serverName: string,
  info: OAuthServerInfo | undefined,
  error: unknown,
  exchanges: readonly HttpExchange[],
  secrets: readonly string[],
): AuthorizationServerTrace {
  const asExchanges = exchanges.filter((e) => e.kind === "authorization-server-metadata");
  const tried = asExchanges.map(stripJson);
  // Refused metadata (a mismatched issuer) is still shown: it is what the server published.
  const found = info?.authorizationServerMetadata ?? asExchanges.findLast((e) => e.json)?.json;
  const metadata = metadataSummary(found);
  if (error !== undefined) {
    const refusal = issuerRefusal(serverName, error);
    const message = redactSecrets(refusal?.message ?? errorMessage(error), secrets);
    return {
      status: "failed",
      tried,
      ...(metadata && { metadata }),
      ...(refusal && {
        issuerCheck: {
          status: "failed" as const,
          discoveryUrl: refusal.expected ?? "",
          ...(refusal.received !== undefined && { issuer: refusal.received }),
          note: "the metadata names another issuer than the URL it was found at (RFC 8414 §3.3): refused",
        },
      }),
      error: message,
    };
  }
  const url = info?.authorizationServerUrl;
  if (url === undefined) return { status: "failed", tried, error: "discovery found nothing" };
  if (!metadata) {
    return {
      status: "warn",
      url,
      tried,
      error: "no metadata: a sign-in falls back to /authorize, /token and /register at that URL",
    };
  }
  const issuer = metadata.issuer;
  const matches = issuer !== undefined && sameUrl(issuer, url);
  return {
    status: matches ? "ok" : "failed",
    url,
    tried,
    metadata,
    issuerCheck: {
      status: matches ? "ok" : "failed",
      discoveryUrl: url,
      ...(issuer !== undefined && { issuer }),
      note: matches
        ? "the metadata's issuer is the URL it was discovered at (RFC 8414 §3.3)"
        : "the metadata's issuer is not the URL it was discovered at (RFC 8414 §3.3): refused",
    },
  };
}

const LOOPBACK = "http://127.0.0.1";

function redirectUri(port: number | undefined): string {
  return port === undefined
    ? `${LOOPBACK}:<free port>/callback (the port is chosen when a sign-in starts)`
    : `${LOOPBACK}:${port}/callback`;
}

/** The client a sign-in would present, by the chain of client-identity.ts, without registering. */
function describeClient(
  server: RemoteOAuthServer,
  state: OAuthState,
  metadata: MetadataSummary | undefined,
  issuer: string | undefined,
): ClientTrace {
  const settings = server.oauth;
  if (usesMachineGrant(settings)) {
    return {
      status: "ok",
      kind: "machine",
      ...(settings.clientId !== undefined && { clientId: settings.clientId }),
      clientSecret: settings.clientSecret !== undefined,
      note: `oauth.grantType ${settings.grantType ?? ""}: no person signs in; tokens stay in memory`,
    };
  }
  const stored = storedClient(state, settings);
  if (stored && usableAt(stored, issuer, undefined) && presentable(stored, settings)) {
    const port =
      settings.callbackPort ?? (stored.kind === "configured" ? undefined : stored.redirectPort);
    return {
      status: "ok",
      kind: "stored",
      obtainedBy: stored.kind,
      clientId: stored.information.client_id,
      clientSecret:
        stored.information.client_secret !== undefined ||
        (stored.kind === "configured" && settings.clientSecret !== undefined),
      redirectUri: redirectUri(port),
      note: `stored for ${stored.information.issuer ?? "this server"}, obtained by ${stored.kind === "dcr" ? "dynamic client registration" : stored.kind === "metadata-url" ? "a client ID metadata document" : "oauth.clientId"}`,
    };
  }
  const redirect = redirectUri(settings.callbackPort);
  if (settings.clientId !== undefined) {
    return {
      status: "ok",
      kind: "configured",
      clientId: settings.clientId,
      clientSecret: settings.clientSecret !== undefined,
      redirectUri: redirect,
      note: "oauth.clientId: a sign-in presents it",
    };
  }
  const skipped: string[] = [];
  const cimd = usableMetadataUrl(settings);
  if (settings.clientMetadataUrl !== undefined) {
    if (cimd === undefined) skipped.push("oauth.clientMetadataUrl is not an https URL with a path");
    else if (metadata?.client_id_metadata_document_supported !== true) {
      skipped.push("the server does not take client ID metadata documents");
    } else {
      return {
        status: "ok",
        kind: "metadata-url",
        clientId: cimd,
        clientSecret: false,
        redirectUri: redirect,
        note: "a client ID metadata document: a sign-in presents its URL as client_id",
      };
    }
  }
  const why = skipped.length > 0 ? ` (${skipped.join("; ")})` : "";
  if (metadata === undefined || metadata.registration_endpoint !== undefined) {
    const where = metadata?.registration_endpoint ?? "the server's /register";
    return {
      status: "ok",
      kind: "dcr",
      clientSecret: false,
      redirectUri: redirect,
      note: `none stored: a sign-in would register one at ${where} (dynamic client registration; not done by debug)${why}`,
    };
  }
  return {
    status: "failed",
    kind: "none",
    clientSecret: false,
    redirectUri: redirect,
    note: `no client identity: no oauth.clientId, no registration endpoint${why}; set oauth.clientId to a client registered for wren`,
  };
}

function relativeSeconds(expiresAt: number, now: number): number {
  return Math.round((expiresAt - now) / 1000);
}

function describeTokens(state: OAuthState, now: number, machine: boolean): TokensTrace {
  const tokens = state.tokens;
  if (!tokens) {
    return {
      status: machine ? "ok" : "warn",
      present: false,
      refreshToken: false,
      dpopBound: false,
      dpopKey: state.dpopKey !== undefined,
      note: machine ? "none stored (client credentials are exchanged in memory)" : "not signed in",
    };
  }
  const refresh = tokens.refresh_token !== undefined;
  const expiresIn =
    tokens.expires_at === undefined ? undefined : relativeSeconds(tokens.expires_at, now);
  const expired = expiresIn !== undefined && expiresIn <= 0;
  const bound = isDpopBound(tokens);
  const keyMissing = bound && state.dpopKey === undefined;
  const issuer = tokens.issuer ?? state.issuer;
  return {
    status: keyMissing || (expired && !refresh) ? "warn" : "ok",
    present: true,
    ...(issuer !== undefined && { issuer }),
    ...(tokens.expires_at !== undefined && {
      expiresAt: new Date(tokens.expires_at).toISOString(),
    }),
    ...(expiresIn !== undefined && { expiresInSeconds: expiresIn }),
    ...(tokens.scope !== undefined && { scope: tokens.scope }),
    refreshToken: refresh,
    dpopBound: bound,
    dpopKey: state.dpopKey !== undefined,
    note: keyMissing
      ? "DPoP-bound, but the key is gone: the tokens are not used; sign in again"
      : expired
        ? refresh
          ? "expired: a connect refreshes it"
          : "expired, and no refresh token: sign in again"
        : "usable",
  };
}

const LEGACY_CAPABILITY_KEYS = new Set(["experimental"]);

/** Runs the connection attempt through the real connect path (OAuth wrapped, never a prompt). */
async function attemptConnection(
  server: McpServerConfig,
  options: DebugOptions,
  fetchFn: FetchLike | undefined,
  notes: string[],
  secrets: readonly string[],
): Promise<ConnectionTrace> {
  const oauth = createMcpOAuth({
    paths: options.paths,
    ...(options.env && { env: options.env }),
    ...(options.now && { now: options.now }),
    ...(fetchFn && { fetch: fetchFn }),
    log: (line) => notes.push(redactSecrets(line, secrets)),
    warn: (line) => notes.push(redactSecrets(line, secrets)),
  });
  const connect = oauth.wrapConnect(connectMcpServer);
  const clean = (text: string): string => redactSecrets(text, secrets).replace(/\s*\n\s*/g, " ");
  try {
    const connection = await connect({
      server: { ...server, enabled: true },
      paths: options.paths,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      // An OAuth server's requests go through wren's OAuth fetch (given above, so a
      // WREN_DEBUG=oauth log sees them too); a server without OAuth gets the traced one here.
      ...(fetchFn && server.type !== "stdio" && server.oauth === false && { fetch: fetchFn }),
    });
    try {
      const tools = await connection.listTools();
      const info = connection.serverInfo;
      return {
        status: "ok",
        ...(connection.protocolVersion !== undefined && {
          protocolVersion: connection.protocolVersion,
        }),
        ...(info && { serverName: clean(info.name), serverVersion: clean(info.version) }),
        capabilities: Object.keys(connection.capabilities ?? {}).filter(
          (key) => !LEGACY_CAPABILITY_KEYS.has(key),
        ),
        tools: tools.length,
        ...(connection.auth && { auth: connection.auth }),
      };
    } finally {
      await connection.close();
    }
  } catch (error) {
    return { status: "failed", error: clean(connectionError(server.name, error, options)) };
  }
}

/** A failed connect in words that name the next step. */
function connectionError(name: string, error: unknown, options: DebugOptions): string {
  if (error instanceof McpNeedsAuthError) {
    const cause = error.cause instanceof McpAuthError ? `${error.cause.message}; ` : "";
    return `needs sign-in: ${cause}run ${options.signInCommand}`;
  }
  if (error instanceof McpConnectionError) return error.message;
  return `${name}: ${errorMessage(error)}`;
}

type RemoteOAuthServer = RemoteServerConfig & {
  readonly oauth: Exclude<RemoteServerConfig["oauth"], false>;
};

function isRemoteOAuth(server: McpServerConfig): server is RemoteOAuthServer {
  return server.type !== "stdio" && server.oauth !== false;
}

async function traceOAuth(
  server: RemoteOAuthServer,
  options: DebugOptions,
  fetchFn: FetchLike,
  state: OAuthState,
  secrets: readonly string[],
  storage: ReturnType<typeof createOAuthStorage>,
): Promise<{ trace: OAuthTrace; exchanges: HttpExchange[] }> {
  const exchanges: HttpExchange[] = [];
  const traced = traceFetch(fetchFn, (e) => exchanges.push(e), { secrets, allMcp: true });
  const probed = await probe(server, fetchFn, secrets);
  let info: OAuthServerInfo | undefined;
  let discoveryError: unknown;
  try {
    info = await discoverOAuthServerInfo(server.url, {
      fetchFn: traced,
      ...(probed.resourceMetadataUrl && { resourceMetadataUrl: probed.resourceMetadataUrl }),
    });
  } catch (error) {
    discoveryError = error;
  }
  const resourceTried = exchanges.filter((e) => e.kind === "resource-metadata").map(stripJson);
  const authorizationServer = describeAuthorizationServer(
    server.name,
    info,
    discoveryError,
    exchanges,
    secrets,
  );
  const metadata = authorizationServer.metadata;
  const issuer = metadata?.issuer ?? authorizationServer.url;
  const now = (options.now ?? Date.now)();
  const holder = await readLockHolder(storage.lockFile, now);
  return {
    trace: {
      probe: probed.trace,
      resourceMetadata: describeResource(info, resourceTried),
      authorizationServer,
      client: describeClient(server, state, metadata, issuer),
      tokens: describeTokens(state, now, usesMachineGrant(server.oauth)),
      lock: {
        file: storage.lockFile,
        held: holder !== undefined,
        ...(holder?.pid !== undefined && { pid: holder.pid }),
        ...(holder?.alive !== undefined && { alive: holder.alive }),
        ...(holder?.ageMs !== undefined && { ageMs: holder.ageMs }),
      },
      stateFile: storage.file,
    },
    exchanges,
  };
}

/**
 * A failed connection with the server's own words added: the last error answer of the MCP
 * endpoint (a 401 is already said by "needs sign-in").
 */
function withServerWords(
  connection: ConnectionTrace,
  exchanges: readonly HttpExchange[],
): ConnectionTrace {
  if (connection.status !== "failed") return connection;
  const answer = exchanges.findLast(
    (e) => e.kind === "mcp" && e.status !== undefined && e.status >= 400 && e.status !== 401,
  );
  if (answer?.said === undefined) return connection;
  return {
    ...connection,
    error: `${connection.error ?? "failed"}; the server said: ${answer.said}`,
  };
}

/** The order steps are reported in, for `failedStep`. */
function firstFailure(
  oauth: OAuthTrace | undefined,
  connection: ConnectionTrace,
): DebugTrace["failedStep"] {
  if (oauth) {
    if (oauth.probe.status === "failed") return { step: "probe", error: oauth.probe.note };
    const as = oauth.authorizationServer;
    if (as.status === "failed") {
      return {
        step:
          as.issuerCheck?.status === "failed" ? "issuer check" : "authorization server metadata",
        error: as.error ?? as.issuerCheck?.note ?? "failed",
      };
    }
    if (oauth.client.status === "failed")
      return { step: "client identity", error: oauth.client.note };
  }
  if (connection.status === "failed") {
    return { step: "connection", error: connection.error ?? "failed" };
  }
  return undefined;
}

/**
 * Runs discovery and a connection attempt for `server` and returns the trace (see the file's
 * header). Never throws for what a server does; the trace says it.
 */
export async function debugServer(
  server: McpServerConfig,
  options: DebugOptions,
): Promise<DebugTrace> {
  const fetchFn = options.fetch ?? fetch;
  const storage = isRemoteOAuth(server)
    ? createOAuthStorage({
        dir: options.paths.mcpOAuthDir,
        serverName: server.name,
        serverUrl: server.url,
      })
    : undefined;
  const state = storage ? await storage.read() : undefined;
  const secrets = secretsOf(server, state);
  const notes: string[] = [];
  let oauth: OAuthTrace | undefined;
  const exchanges: HttpExchange[] = [];
  if (isRemoteOAuth(server) && storage && state) {
    const traced = await traceOAuth(server, options, fetchFn, state, secrets, storage);
    oauth = traced.trace;
    exchanges.push(...traced.exchanges);
  }
  const connectFetch =
    server.type === "stdio"
      ? undefined
      : traceFetch(fetchFn, (e) => exchanges.push(e), { secrets });
  const attempt = await attemptConnection(server, options, connectFetch, notes, secrets);
  const connection = withServerWords(attempt, exchanges);
  // The first step that failed, when the attempt did (a warning is no failure).
  const failedStep = connection.status === "ok" ? undefined : firstFailure(oauth, connection);
  // The attempt may have refreshed the tokens: their new values are blanked as well.
  const after = storage ? await storage.read() : undefined;
  const trace: DebugTrace = {
    version: 1,
    server: server.name,
    config: configSummary(server, secrets),
    ...(oauth && { oauth }),
    connection,
    http: exchanges.map(stripJson),
    notes,
    result: connection.status === "ok" ? "connected" : "failed",
    ...(failedStep && { failedStep }),
  };
  return redactStrings(trace, secretsOf(server, after));
}

/** `value` with every string passed through the redactor with `secrets`. */
function redactStrings<T>(value: T, secrets: readonly string[]): T {
  const json = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "string" ? redactSecrets(v, secrets) : v,
  );
  // The same shape, only strings changed.
  return JSON.parse(json);
}

/** Where `wren mcp debug` writes and what it reads. */
export interface DebugCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly paths: WrenPaths;
  readonly connectTimeoutMs?: number;
}

/** `wren mcp debug NAME [--json]`: prints the trace; 0 when connected, 1 when a step failed. */
export async function runDebugCli(
  server: McpServerConfig,
  io: DebugCliIo,
  json: boolean,
): Promise<number> {
  const trace = await debugServer(server, {
    paths: io.paths,
    env: io.env,
    ...(io.connectTimeoutMs !== undefined && { connectTimeoutMs: io.connectTimeoutMs }),
    signInCommand: `wren mcp auth ${server.name}`,
  });
  io.stdout.write(`${json ? terminalJson(trace, 2) : formatDebugTrace(trace)}\n`);
  return trace.result === "connected" ? 0 : 1;
}

/** `.mcp debug NAME` in the REPL: the trace as text, and whether the server connected. */
export async function debugReport(
  server: McpServerConfig,
  options: { readonly paths: WrenPaths; readonly env?: NodeJS.ProcessEnv },
): Promise<{ readonly text: string; readonly connected: boolean }> {
  const trace = await debugServer(server, {
    ...options,
    signInCommand: `.mcp auth ${server.name}`,
  });
  return { text: formatDebugTrace(trace), connected: trace.result === "connected" };
}
