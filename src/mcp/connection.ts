// One connected server as wren uses it: requests with the server's timeout and wren's error
// mapping, tools (run as tasks where the server asks), resources, and how the connection ends.
import {
  type CallToolResult,
  type Client,
  type Implementation,
  type Tool as McpToolDefinition,
  type RequestOptions,
  SdkError,
  SdkErrorCode,
  type ServerCapabilities,
} from "@modelcontextprotocol/client";
import { CallToolResultSchema } from "@modelcontextprotocol/core";
import type { McpServerConfig } from "../config/schema.js";
import type { ToolProgress } from "../tools/types.js";
import { openChangeStream } from "./change-stream.js";
import {
  classifyMcpError,
  type FailureContext,
  McpConnectionError,
  type McpNeedsAuthError,
} from "./errors.js";
import { createResourceApi, type McpResourceApi } from "./resources.js";
import type { ServerLog } from "./server-log.js";
import {
  callToolAsTask,
  McpTaskCancelledError,
  McpTaskTimeoutError,
  shouldRunAsTask,
  type TaskSupport,
  taskSupportOf,
} from "./tasks.js";
import { describeTarget } from "./transport.js";

/** Per-call options of a tool call. */
export interface CallToolOptions {
  readonly signal?: AbortSignal;
  /** Gives up after this long without a result or progress (ms); default: the server's `timeout`. */
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: ToolProgress) => void;
}

/** How a connection ended. */
export interface ConnectionEnd {
  /** True when `close()` ended it; false when the server exited or the stream dropped. */
  readonly requested: boolean;
  readonly error: McpConnectionError | McpNeedsAuthError;
}

/** One connected server: a thin layer over the SDK client that applies timeouts and error mapping. */
export interface McpConnection {
  /** The stdio child's pid (undefined for remote servers). */
  readonly pid: number | undefined;
  readonly serverInfo: Implementation | undefined;
  readonly instructions: string | undefined;
  /** The MCP revision agreed with the server, e.g. `2026-07-28` or `2025-11-25`. */
  readonly protocolVersion: string | undefined;
  /** `oauth` when requests carry wren's stored OAuth tokens; undefined otherwise. */
  readonly auth?: "oauth";
  /** What the server said it can do in its handshake. */
  readonly capabilities?: ServerCapabilities;
  /** Lists every tool, following pagination. */
  listTools(options?: { signal?: AbortSignal }): Promise<McpToolDefinition[]>;
  /**
   * Runs one SDK request (prompts, completion...) with the server's timeout and wren's error
   * mapping; the feature modules that need more of the protocol go through here.
   */
  request<T>(
    send: (client: Client, options: RequestOptions) => Promise<T>,
    options?: { signal?: AbortSignal },
  ): Promise<T>;
  /** Sends `notifications/roots/list_changed` (when the roots capability was declared). */
  notifyRootsChanged(): Promise<void>;
  callTool(
    name: string,
    args: Record<string, unknown>,
    options?: CallToolOptions,
  ): Promise<CallToolResult>;
  /** Resources, templates and their completions (absent on connections that predate them). */
  readonly resources?: McpResourceApi;
  /** Closes the client; for stdio, ends the child (stdin close, then SIGTERM, then SIGKILL). */
  close(): Promise<void>;
  /** Settles once the connection has ended, for whatever reason. */
  readonly ended: Promise<ConnectionEnd>;
}

/** The request options every request to `server` starts from: its `timeout`, if it has one. */
export function serverRequestOptions(
  server: McpServerConfig,
  extra: RequestOptions = {},
): RequestOptions {
  return { ...(server.timeout !== undefined && { timeout: server.timeout }), ...extra };
}

/**
 * Runs one SDK request with a signal of its own that follows `outer`. The SDK adds an abort
 * listener to the signal of every request and never removes it, so a turn's signal shared by
 * many calls would collect them, and past ten Node warns on stderr, over the REPL's screen.
 */
async function withRequestSignal<T>(
  outer: AbortSignal | undefined,
  request: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!outer) return request(undefined);
  const own = new AbortController();
  const forward = (): void => own.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener("abort", forward, { once: true });
  try {
    return await request(own.signal);
  } finally {
    outer.removeEventListener("abort", forward);
  }
}

/** How one connection ends, watched from before the handshake so a server dying in it is told. */
export interface ConnectionLife {
  readonly ended: Promise<ConnectionEnd>;
  /** Facts about the server for failure messages (target, timeout, its last stderr line...). */
  context(): FailureContext;
  /** Marks the end as asked for (a close, a failed handshake); false when it already was. */
  requestClose(): boolean;
  /** Waits for the end, at most 5 s: the SDK's close ends a stdio child asynchronously. */
  settled(): Promise<void>;
}

/** Watches `client` for its end and its transport errors; the end is written to `log`. */
export function watchConnection(
  client: Client,
  server: McpServerConfig,
  log: ServerLog,
): ConnectionLife {
  // The stdio transport skips lines it cannot parse (SyntaxError, ZodError) and keeps going;
  // any other error (an oversized message, a broken pipe) is why it then drops the connection.
  let transportError: string | undefined;
  client.onerror = (error) => {
    log.line(`transport error: ${error.message}`);
    const skipped = error instanceof SyntaxError || error.name === "ZodError";
    if (server.type === "stdio" && !skipped) transportError = error.message;
  };
  let closing = false;
  let exited = false;
  let resolveEnded: (end: ConnectionEnd) => void = () => {};
  const ended = new Promise<ConnectionEnd>((r) => {
    resolveEnded = r;
  });
  const context = (): FailureContext => {
    const lastStderrLine = log.lastStderrLine();
    return {
      server: server.name,
      target: describeTarget(server),
      ...(server.timeout !== undefined && { timeoutMs: server.timeout }),
      ...(lastStderrLine !== undefined && { lastStderrLine }),
      ...(transportError !== undefined && { transportError }),
      exited,
      oauthEnabled: server.type === "stdio" ? false : server.oauth !== false,
    };
  };
  client.onclose = () => {
    exited = server.type === "stdio";
    const error = classifyMcpError(
      new SdkError(SdkErrorCode.ConnectionClosed, "Connection closed"),
      context(),
    );
    log.line(closing ? "closed" : `ended: ${error.message}`);
    log.close();
    resolveEnded({ requested: closing, error });
  };
  return {
    ended,
    context,
    requestClose() {
      if (closing) return false;
      closing = true;
      return true;
    },
    async settled() {
      await Promise.race([ended, delay(5000)]);
    },
  };
}

/** What a connected client needs to become an McpConnection. */
export interface ConnectedParts {
  readonly server: McpServerConfig;
  readonly pid: number | undefined;
  /** Whether the client declared the roots capability (so it may announce changes). */
  readonly roots: boolean;
  readonly life: ConnectionLife;
  readonly log: ServerLog;
}

/** The connection over a client whose handshake succeeded. */
export function connectedServer(client: Client, parts: ConnectedParts): McpConnection {
  const { server, life, log } = parts;
  const requestOptions = (extra: RequestOptions = {}): RequestOptions =>
    serverRequestOptions(server, extra);
  // Each tool's `execution.taskSupport` from the last listing: such tools run as tasks.
  const taskSupport = new Map<string, TaskSupport>();
  // 2026-07-28 servers send list changes and resource updates only on a listen stream.
  const changes =
    client.getProtocolEra() === "modern"
      ? openChangeStream(client, {
          requestOptions: () => requestOptions(),
          log: (line) => log.line(line),
        })
      : undefined;

  return {
    pid: parts.pid,
    serverInfo: client.getServerVersion(),
    instructions: client.getInstructions(),
    protocolVersion: client.getNegotiatedProtocolVersion(),
    ...(client.getServerCapabilities() && { capabilities: client.getServerCapabilities() }),
    async request(send, { signal } = {}) {
      try {
        return await withRequestSignal(signal, (own) =>
          send(client, requestOptions(own ? { signal: own } : {})),
        );
      } catch (error) {
        if (signal?.aborted) throw error;
        throw classifyMcpError(error, life.context());
      }
    },
    async notifyRootsChanged() {
      if (parts.roots) await client.sendRootsListChanged();
    },
    async listTools({ signal } = {}) {
      const tools: McpToolDefinition[] = [];
      let cursor: string | undefined;
      try {
        // Bounded so a server that repeats its cursor cannot loop forever.
        for (let page = 0; page < 100; page++) {
          const params = cursor === undefined ? {} : { cursor };
          const result = await withRequestSignal(signal, (own) =>
            client.listTools(params, requestOptions(own ? { signal: own } : {})),
          );
          tools.push(...result.tools);
          for (const tool of result.tools) taskSupport.set(tool.name, taskSupportOf(tool));
          cursor = result.nextCursor;
          if (cursor === undefined) break;
        }
      } catch (error) {
        throw classifyMcpError(error, life.context());
      }
      return tools;
    },
    async callTool(name, args, { signal, onProgress, timeoutMs } = {}) {
      try {
        if (shouldRunAsTask(taskSupport.get(name) ?? "forbidden", client.getServerCapabilities())) {
          return await callToolAsTask({
            request: (request, schema, extra) =>
              client.request(request, schema, requestOptions(extra)),
            name,
            args,
            ...(signal && { signal }),
            ...(onProgress && { onProgress }),
            ...(timeoutMs !== undefined && { timeoutMs }),
            ...(server.timeout !== undefined && { requestTimeoutMs: server.timeout }),
          });
        }
        const result = await withRequestSignal(signal, (own) =>
          client.callTool(
            { name, arguments: args },
            requestOptions({
              ...(own && { signal: own }),
              ...(timeoutMs !== undefined && { timeout: timeoutMs }),
              ...(onProgress && {
                onprogress: (p) =>
                  onProgress({
                    progress: p.progress,
                    ...(p.total !== undefined && { total: p.total }),
                    ...(p.message !== undefined && { message: p.message }),
                  }),
                // A tool that reports progress is alive; do not time it out mid-work.
                resetTimeoutOnProgress: true,
              }),
            }),
          ),
        );
        return CallToolResultSchema.parse(result);
      } catch (error) {
        if (signal?.aborted) throw error;
        if (error instanceof McpTaskTimeoutError || error instanceof McpTaskCancelledError) {
          throw new McpConnectionError(
            server.name,
            error instanceof McpTaskTimeoutError ? "timeout" : "protocol",
            error.message,
            { cause: error },
          );
        }
        throw classifyMcpError(error, {
          ...life.context(),
          ...(timeoutMs !== undefined && { timeoutMs }),
        });
      }
    },
    resources: createResourceApi(
      client,
      async (signal, call) => {
        try {
          return await withRequestSignal(signal, (own) =>
            call(requestOptions(own ? { signal: own } : {})),
          );
        } catch (error) {
          if (signal?.aborted) throw error;
          throw classifyMcpError(error, life.context());
        }
      },
      changes,
    ),
    async close() {
      if (life.requestClose()) {
        await changes?.close().catch(() => {});
        await client.close().catch(() => {});
      }
      await life.settled();
    },
    ended: life.ended,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
