// Connecting to one MCP server, the entry of the client: connectMcpServer and the types callers
// use. The parts: transport.ts (stdio, Streamable HTTP, SSE; revision), server-log.ts (stderr
// and diagnostics), client-hooks.ts (capabilities and handlers), connection.ts (the connection).
import type {
  FetchLike,
  Implementation,
  Tool as McpToolDefinition,
  OAuthClientProvider,
} from "@modelcontextprotocol/client";
import type { McpServerConfig } from "../config/schema.js";
import type { WrenPaths } from "../utils/paths.js";
import { type ConnectionHooks, createHookedClient } from "./client-hooks.js";
import { connectedServer, type McpConnection, watchConnection } from "./connection.js";
import { classifyMcpError, McpConnectionError } from "./errors.js";
import { assumeCompleteResults } from "./result-type.js";
import { openServerLog } from "./server-log.js";
import { buildTransport, checkStdioCwd, describeTarget, stdioPid } from "./transport.js";

export type {
  ConnectionHooks,
  ElicitationHandler,
  UrlElicitationHandler,
} from "./client-hooks.js";
export type { CallToolOptions, ConnectionEnd, McpConnection } from "./connection.js";
export { serverLogFile } from "./server-log.js";
export type { McpToolDefinition };

/** Everything needed to build one transport+client pair. */
export interface ConnectOptions {
  readonly server: McpServerConfig;
  readonly paths: WrenPaths;
  /** Used by the HTTP transports for every request (tests and OAuth thread it through). */
  readonly fetch?: FetchLike;
  /** OAuth seam: threaded to the HTTP transports; the OAuth issue supplies it. */
  readonly authProvider?: OAuthClientProvider;
  readonly hooks?: ConnectionHooks;
  readonly clientInfo?: Implementation;
  /**
   * Timeout of the initialize handshake (starting a server can be slower than answering it);
   * the larger of this and the server's `timeout` applies. Requests after the handshake use the
   * server's `timeout`, or the SDK default (60s).
   */
  readonly connectTimeoutMs?: number;
  /** Aborting gives up on the attempt (closing the client and ending a stdio child). */
  readonly signal?: AbortSignal;
  /**
   * The user asked to sign in (`.mcp auth`, `wren mcp auth`): wren's OAuth wrapper may prompt,
   * and a failed sign-in rejects with its McpAuthError. The SDK connect ignores it.
   */
  readonly signIn?: boolean;
}

/**
 * Builds, connects and returns a connection; throws McpConnectionError or McpNeedsAuthError
 * (or, for a connect with `signIn`, the sign-in's McpAuthError).
 */
export type ConnectFn = (options: ConnectOptions) => Promise<McpConnection>;

/**
 * Connects to one server: builds its transport (stdio with stderr to the server's log file,
 * Streamable HTTP, or legacy SSE), performs the MCP handshake and returns the connection.
 * An `http` server that answers the Streamable HTTP POST with 404 or 405 is tried once more
 * over legacy SSE, as the spec's backwards-compatibility section advises: configs pasted
 * from other clients often give an SSE server's URL without a type.
 */
export const connectMcpServer: ConnectFn = async (options) => {
  try {
    return await connectOnce(options);
  } catch (error) {
    const { server } = options;
    const fallback =
      server.type === "http" &&
      error instanceof McpConnectionError &&
      (error.status === 404 || error.status === 405) &&
      !options.signal?.aborted;
    if (!fallback) throw error;
    try {
      return await connectOnce({ ...options, server: { ...server, type: "sse" } });
    } catch {
      // The server is no SSE server either: the Streamable HTTP answer is the one to report.
      throw error;
    }
  }
};

const connectOnce: ConnectFn = async (options) => {
  const { server } = options;
  if (options.signal?.aborted) {
    throw new McpConnectionError(server.name, "closed", "connection attempt cancelled");
  }
  checkStdioCwd(server, options.paths);
  const log = openServerLog(options.paths, server);
  log.line(`connecting (${server.type} ${describeTarget(server)})`);
  // A 2026-07-28 result without `resultType` is complete (SEP-2322); the SDK would reject it.
  const transport = assumeCompleteResults(
    buildTransport(server, options.paths, options, (chunk) => log.stderr(chunk)),
  );
  const hooks = options.hooks ?? {};
  const client = createHookedClient(server, hooks, options.clientInfo, log);
  const life = watchConnection(client, server, log);

  const timeout =
    server.timeout === undefined && options.connectTimeoutMs === undefined
      ? undefined
      : Math.max(server.timeout ?? 0, options.connectTimeoutMs ?? 0);
  const abort = (): void => void client.close().catch(() => {});
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    await client.connect(transport, timeout === undefined ? {} : { timeout });
  } catch (error) {
    const classified = classifyMcpError(error, {
      ...life.context(),
      ...(timeout !== undefined && { timeoutMs: timeout }),
    });
    log.line(`connect failed: ${classified.message}`);
    life.requestClose();
    await client.close().catch(() => {});
    // The SDK's close ends the child asynchronously; wait (bounded) so no orphan survives us.
    // A remote server has no child, and a failed version probe never reports a close.
    if (server.type === "stdio") await life.settled();
    log.close();
    throw classified;
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
  const pid = stdioPid(transport);
  const version = client.getNegotiatedProtocolVersion() ?? "unknown";
  log.line(`connected${pid === undefined ? "" : ` (pid ${pid})`}, protocol ${version}`);
  return connectedServer(client, { server, pid, roots: hooks.roots !== undefined, life, log });
};
