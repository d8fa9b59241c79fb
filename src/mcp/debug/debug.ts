// `wren mcp debug NAME` / `.mcp debug NAME`: discovery and a connection attempt, step by step,
// as one value (the trace, debug-trace.ts) that debug-text.ts prints and `--json` writes.
// Nothing here signs in or registers a client: it says what a sign-in would do. Every string
// that came from a server or from config passes the one redactor here (with the actual token,
// header and secret values known to this server), and the terminal sanitizer where it is
// printed.
import {
  discoverOAuthServerInfo,
  type FetchLike,
  type OAuthServerInfo,
} from "@modelcontextprotocol/client";
import type { McpServerConfig } from "../../config/schema.js";
import { errorText } from "../../utils/errors.js";
import type { WrenPaths } from "../../utils/paths.js";
import { redactSecrets } from "../../utils/redact.js";
import { terminalJson } from "../../utils/terminal-text.js";
import { connectMcpServer } from "../connect.js";
import { McpAuthError, McpConnectionError, McpNeedsAuthError } from "../errors.js";
import { usesMachineGrant } from "../oauth/grants/machine.js";
import { type HttpExchange, traceFetch } from "../oauth/http-trace.js";
import type { OAuthStorageSetting } from "../oauth/keychain.js";
import { readLockHolder } from "../oauth/lock.js";
import { createMcpOAuth } from "../oauth/mcp-oauth.js";
import type { OAuthState } from "../oauth/oauth-state.js";
import type { OAuthStorage } from "../oauth/storage.js";
import { configSummary, isRemoteOAuth, type RemoteOAuthServer, secretsOf } from "./debug-config.js";
import { describeClient, describeTokens } from "./debug-credentials.js";
import {
  describeAuthorizationServer,
  describeResource,
  probe,
  stripJson,
} from "./debug-discovery.js";
import { formatDebugTrace } from "./debug-text.js";
import type { ConnectionTrace, DebugTrace, OAuthTrace } from "./debug-trace.js";

export type { DebugTrace } from "./debug-trace.js";

/** Options of {@link debugServer}. */
export interface DebugOptions {
  readonly paths: WrenPaths;
  readonly env?: NodeJS.ProcessEnv;
  readonly connectTimeoutMs?: number;
  /** The network (tests); global fetch by default. */
  readonly fetch?: FetchLike;
  readonly now?: () => number;
  /** `oauthStorage` from settings: where the OAuth secrets are read from (keychain or file). */
  readonly oauthStorage?: OAuthStorageSetting;
  /** How the user signs in from where they asked: `wren mcp auth NAME` or `.mcp auth NAME`. */
  readonly signInCommand: string;
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
    ...(options.oauthStorage && { oauthStorage: options.oauthStorage }),
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
  return `${name}: ${errorText(error)}`;
}

async function traceOAuth(
  server: RemoteOAuthServer,
  options: DebugOptions,
  fetchFn: FetchLike,
  state: OAuthState,
  secrets: readonly string[],
  storage: OAuthStorage,
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
  const notes: string[] = [];
  const storage = isRemoteOAuth(server)
    ? // The app's own store (keychain or file, as settings say); a corrupt state file is set
      // aside on read, as on any connect, and the trace says so.
      createMcpOAuth({
        paths: options.paths,
        ...(options.env && { env: options.env }),
        ...(options.oauthStorage && { oauthStorage: options.oauthStorage }),
        warn: (line) => notes.push(line),
      }).storage(server)
    : undefined;
  const state = storage ? await storage.read() : undefined;
  const secrets = secretsOf(server, state);
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
  readonly oauthStorage?: OAuthStorageSetting;
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
    ...(io.oauthStorage && { oauthStorage: io.oauthStorage }),
    signInCommand: `wren mcp auth ${server.name}`,
  });
  io.stdout.write(`${json ? terminalJson(trace, 2) : formatDebugTrace(trace)}\n`);
  return trace.result === "connected" ? 0 : 1;
}

/** `.mcp debug NAME` in the REPL: the trace as text, and whether the server connected. */
export async function debugReport(
  server: McpServerConfig,
  options: {
    readonly paths: WrenPaths;
    readonly env?: NodeJS.ProcessEnv;
    readonly oauthStorage?: OAuthStorageSetting;
  },
): Promise<{ readonly text: string; readonly connected: boolean }> {
  const trace = await debugServer(server, {
    ...options,
    signInCommand: `.mcp auth ${server.name}`,
  });
  return { text: formatDebugTrace(trace), connected: trace.result === "connected" };
}
