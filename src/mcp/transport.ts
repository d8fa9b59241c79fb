// How wren reaches a server: a stdio child in its own process group (stderr to the server's
// log), Streamable HTTP or legacy SSE, and which protocol revision each one negotiates.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  type FetchLike,
  type OAuthClientProvider,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import type { McpServerConfig, StdioServerConfig } from "../config/schema.js";
import type { WrenPaths } from "../utils/paths.js";
import { McpConnectionError } from "./errors.js";
import { hasProcessGroups } from "./process-group.js";
import { capResponseSize } from "./response-cap.js";
import { GroupStdioClientTransport } from "./stdio-transport.js";

/** What the HTTP transports send every request through. */
export interface HttpTransportOptions {
  readonly fetch?: FetchLike;
  readonly authProvider?: OAuthClientProvider;
}

/** Where a server lives, for error messages: the command for stdio, host:port for remote. */
export function describeTarget(server: McpServerConfig): string {
  if (server.type === "stdio") return server.command;
  try {
    return new URL(server.url).host;
  } catch {
    return server.url;
  }
}

function stdioCwd(server: StdioServerConfig, paths: WrenPaths): string {
  return resolve(paths.project, server.cwd ?? ".");
}

/** Refuses a stdio server whose working directory is missing (spawn would say "command not found"). */
export function checkStdioCwd(server: McpServerConfig, paths: WrenPaths): void {
  if (server.type !== "stdio") return;
  const cwd = stdioCwd(server, paths);
  // spawn reports a missing cwd as ENOENT, which would read as "command not found".
  if (!existsSync(cwd)) {
    throw new McpConnectionError(server.name, "spawn", `working directory not found: ${cwd}`);
  }
}

/** Builds the transport for `server`; a stdio child's stderr goes to `onStderr`. */
export function buildTransport(
  server: McpServerConfig,
  paths: WrenPaths,
  http: HttpTransportOptions,
  onStderr: (chunk: Buffer | string) => void,
): Transport {
  if (server.type === "stdio") {
    const params = {
      command: server.command,
      args: [...server.args],
      // The SDK merges this onto its safe default environment (PATH, HOME, ...), not process.env.
      env: { ...server.env },
      cwd: stdioCwd(server, paths),
    };
    // Its own process group, ended as a whole with wren; Windows has no groups (and needs the
    // SDK's cross-spawn to find `npx.cmd`).
    const transport = hasProcessGroups()
      ? new GroupStdioClientTransport(params)
      : new StdioClientTransport({ ...params, stderr: "pipe" });
    transport.stderr?.on("data", onStderr);
    return transport;
  }
  const requestInit: RequestInit = { headers: { ...server.headers } };
  const common = {
    requestInit,
    // Answers are capped like the stdio transport's (10 MB), streamed, never held whole.
    fetch: capResponseSize(http.fetch ?? fetch),
    ...(http.authProvider && { authProvider: http.authProvider }),
  };
  const url = new URL(server.url);
  if (server.type === "sse") {
    // The SDK sends requestInit's headers on the event stream request too.
    return new SSEClientTransport(url, common);
  }
  return new StreamableHTTPClientTransport(url, common);
}

/** The stdio child's pid; undefined for a remote server (or a child that failed to start). */
export function stdioPid(transport: Transport): number | undefined {
  return transport instanceof StdioClientTransport || transport instanceof GroupStdioClientTransport
    ? (transport.pid ?? undefined)
    : undefined;
}

/**
 * How the protocol revision is chosen. Streamable HTTP probes with `server/discover` and speaks
 * 2026-07-28 to a server that answers it, falling back to the `initialize` handshake
 * (2025-11-25 and older) for any other. Legacy SSE exists only in the 2025-era revisions.
 * Stdio uses the handshake too: the SDK's stdio probe starts every server twice (a throwaway
 * sibling process), and a server that ignores unknown requests would hold the connect for the
 * whole timeout; stdio servers of 2026-07-28 still answer `initialize` (ADR 0003).
 */
export function negotiationMode(server: McpServerConfig): "auto" | "legacy" {
  return server.type === "http" ? "auto" : "legacy";
}
