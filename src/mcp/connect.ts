import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { StringDecoder } from "node:string_decoder";
import {
  type CallToolResult,
  Client,
  type ElicitRequestFormParams,
  type ElicitRequestURLParams,
  type ElicitResult,
  type FetchLike,
  type Implementation,
  type Tool as McpToolDefinition,
  type OAuthClientProvider,
  type RequestOptions,
  type Root,
  SdkError,
  SdkErrorCode,
  type ServerCapabilities,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { CallToolResultSchema } from "@modelcontextprotocol/core";
import type { McpServerConfig } from "../config/schema.js";
import type { ToolProgress } from "../tools/types.js";
import { openLogFile } from "../utils/log-file.js";
import type { WrenPaths } from "../utils/paths.js";
import { redactNamedValue, redactSecrets } from "../utils/redact.js";
import { VERSION } from "../version.js";
import { openChangeStream } from "./change-stream.js";
import {
  classifyMcpError,
  type FailureContext,
  McpConnectionError,
  type McpNeedsAuthError,
} from "./errors.js";
import { hasProcessGroups } from "./process-group.js";
import { createResourceApi, type McpResourceApi } from "./resources.js";
import { capResponseSize } from "./response-cap.js";
import { assumeCompleteResults } from "./result-type.js";
import type { SamplingHandler } from "./sampling.js";
import { GroupStdioClientTransport } from "./stdio-transport.js";
import {
  callToolAsTask,
  McpTaskCancelledError,
  McpTaskTimeoutError,
  shouldRunAsTask,
  type TaskSupport,
  taskSupportOf,
} from "./tasks.js";

export type { McpToolDefinition };

/** Answers a server's form-mode `elicitation/create`; the signal aborts when the server gives up. */
export type ElicitationHandler = (
  server: string,
  params: ElicitRequestFormParams,
  signal: AbortSignal,
) => Promise<ElicitResult>;

/** Answers a server's URL-mode `elicitation/create`: ask the user, open only on consent. */
export type UrlElicitationHandler = (
  server: string,
  params: ElicitRequestURLParams,
  signal: AbortSignal,
) => Promise<ElicitResult>;

/** Callbacks from a live connection to whoever owns it. */
export interface ConnectionHooks {
  /** Answers elicitation requests; when absent the client does not advertise elicitation. */
  readonly onElicit?: ElicitationHandler;
  /** Answers URL-mode elicitation; when absent URL mode is not advertised (and is declined). */
  readonly onElicitUrl?: UrlElicitationHandler;
  /** The server sent `notifications/elicitation/complete` for a URL elicitation. */
  readonly onElicitationComplete?: (elicitationId: string) => void;
  /** The server sent `notifications/tools/list_changed`. */
  readonly onToolsChanged?: () => void;
  /** The server sent `notifications/resources/list_changed`. */
  readonly onResourcesChanged?: () => void;
  /** The server sent `notifications/resources/updated` for a URI. */
  readonly onResourceUpdated?: (uri: string) => void;
  /** The server sent `notifications/prompts/list_changed`. */
  readonly onPromptsChanged?: () => void;
  /** The client's roots; when present the client declares the roots capability. */
  readonly roots?: () => readonly Root[];
  /** Answers `sampling/createMessage`; when absent the client does not advertise sampling. */
  readonly onSample?: SamplingHandler;
}

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

/**
 * Builds, connects and returns a connection; throws McpConnectionError or McpNeedsAuthError
 * (or, for a connect with `signIn`, the sign-in's McpAuthError).
 */
export type ConnectFn = (options: ConnectOptions) => Promise<McpConnection>;

const DEFAULT_CLIENT_INFO: Implementation = { name: "wren", version: VERSION };

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

/** The log file receiving a server's stderr and diagnostics: `<logs>/mcp-<name>.log`. */
export function serverLogFile(paths: WrenPaths, name: string): string {
  return join(paths.logsDir, `mcp-${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.log`);
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

/** Appends timestamped lines to the server's log file; keeps the last stderr line for errors. */
interface ServerLog {
  line(text: string): void;
  /** Feeds raw stderr output from the child. */
  stderr(chunk: Buffer | string): void;
  lastStderrLine(): string | undefined;
  close(): void;
}

function openServerLog(paths: WrenPaths, server: McpServerConfig): ServerLog {
  // Values the config marks as secret are blanked in the log even when no pattern knows them.
  const secrets =
    server.type === "stdio"
      ? Object.entries(server.env)
          .filter(([name, value]) => redactNamedValue(name, value) !== value)
          .map(([, value]) => value)
      : [
          ...Object.values(server.headers),
          ...(server.oauth === false ? [] : [server.oauth.clientSecret]),
        ];
  const log = openLogFile(serverLogFile(paths, server.name), { secrets });
  const decoder = new StringDecoder("utf8");
  let partial = "";
  let last: string | undefined;
  return {
    line(text) {
      log.entry(text);
    },
    stderr(chunk) {
      const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
      log.output(text);
      // Only the tail matters for the last line; a flood without newlines must not pile up here.
      const lines = (partial + text).split("\n");
      partial = (lines.pop() ?? "").slice(-1000);
      for (const l of lines) if (l.trim() !== "") last = l.trim();
    },
    lastStderrLine() {
      const pending = partial.trim();
      const raw = pending !== "" ? pending : last;
      // It is quoted in error messages, which never carry secrets.
      const line = raw === undefined ? undefined : redactSecrets(raw, secrets);
      return line !== undefined && line.length > 200 ? `${line.slice(0, 199)}…` : line;
    },
    close() {
      log.close();
    },
  };
}

function buildTransport(options: ConnectOptions, log: ServerLog): Transport {
  const { server, paths } = options;
  if (server.type === "stdio") {
    const params = {
      command: server.command,
      args: [...server.args],
      // The SDK merges this onto its safe default environment (PATH, HOME, ...), not process.env.
      env: { ...server.env },
      cwd: resolve(paths.project, server.cwd ?? "."),
    };
    // Its own process group, ended as a whole with wren; Windows has no groups (and needs the
    // SDK's cross-spawn to find `npx.cmd`).
    const transport = hasProcessGroups()
      ? new GroupStdioClientTransport(params)
      : new StdioClientTransport({ ...params, stderr: "pipe" });
    transport.stderr?.on("data", (chunk: Buffer | string) => log.stderr(chunk));
    return transport;
  }
  const requestInit: RequestInit = { headers: { ...server.headers } };
  const common = {
    requestInit,
    // Answers are capped like the stdio transport's (10 MB), streamed, never held whole.
    fetch: capResponseSize(options.fetch ?? fetch),
    ...(options.authProvider && { authProvider: options.authProvider }),
  };
  const url = new URL(server.url);
  if (server.type === "sse") {
    // The SDK sends requestInit's headers on the event stream request too.
    return new SSEClientTransport(url, common);
  }
  return new StreamableHTTPClientTransport(url, common);
}

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
  if (server.type === "stdio") {
    const cwd = resolve(options.paths.project, server.cwd ?? ".");
    // spawn reports a missing cwd as ENOENT, which would read as "command not found".
    if (!existsSync(cwd)) {
      throw new McpConnectionError(server.name, "spawn", `working directory not found: ${cwd}`);
    }
  }
  const log = openServerLog(options.paths, server);
  log.line(`connecting (${server.type} ${describeTarget(server)})`);
  // A 2026-07-28 result without `resultType` is complete (SEP-2322); the SDK would reject it.
  const transport = assumeCompleteResults(buildTransport(options, log));
  const hooks = options.hooks ?? {};
  const client = new Client(options.clientInfo ?? DEFAULT_CLIENT_INFO, {
    capabilities: {
      ...(hooks.onElicit && {
        elicitation: {
          form: { applyDefaults: true },
          ...(hooks.onElicitUrl && { url: {} }),
        },
      }),
      ...(hooks.roots && { roots: { listChanged: true } }),
      // `tools`: the server may offer the model tools inside a sampling request.
      ...(hooks.onSample && { sampling: { tools: {} } }),
    },
    versionNegotiation: { mode: negotiationMode(server) },
  });
  const onElicit = hooks.onElicit;
  if (onElicit) {
    const onElicitUrl = hooks.onElicitUrl;
    client.setRequestHandler("elicitation/create", async (request, ctx) => {
      const params = request.params;
      if (params.mode === "url") {
        return onElicitUrl
          ? onElicitUrl(server.name, params, ctx.mcpReq.signal)
          : { action: "decline" };
      }
      return onElicit(server.name, params, ctx.mcpReq.signal);
    });
  }
  const roots = hooks.roots;
  if (roots) {
    client.setRequestHandler("roots/list", async () => ({ roots: [...roots()] }));
  }
  if (hooks.onElicitUrl) {
    client.setNotificationHandler("notifications/elicitation/complete", (notification) => {
      hooks.onElicitationComplete?.(notification.params.elicitationId);
    });
  }
  client.setNotificationHandler("notifications/prompts/list_changed", () => {
    hooks.onPromptsChanged?.();
  });
  const onSample = hooks.onSample;
  if (onSample) {
    client.setRequestHandler("sampling/createMessage", (request, ctx) =>
      onSample(server.name, request.params, ctx.mcpReq.signal),
    );
  }
  client.setNotificationHandler("notifications/tools/list_changed", () => {
    hooks.onToolsChanged?.();
  });
  client.setNotificationHandler("notifications/resources/list_changed", () => {
    hooks.onResourcesChanged?.();
  });
  client.setNotificationHandler("notifications/resources/updated", (notification) => {
    hooks.onResourceUpdated?.(notification.params.uri);
  });
  client.setNotificationHandler("notifications/message", (notification) => {
    const { level, data } = notification.params;
    log.line(`server log (${level}): ${typeof data === "string" ? data : JSON.stringify(data)}`);
  });
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

  const timeout =
    server.timeout === undefined && options.connectTimeoutMs === undefined
      ? undefined
      : Math.max(server.timeout ?? 0, options.connectTimeoutMs ?? 0);
  const requestOptions = (extra: RequestOptions = {}): RequestOptions => ({
    ...(server.timeout !== undefined && { timeout: server.timeout }),
    ...extra,
  });
  const abort = (): void => void client.close().catch(() => {});
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    await client.connect(transport, timeout === undefined ? {} : { timeout });
  } catch (error) {
    const classified = classifyMcpError(error, {
      ...context(),
      ...(timeout !== undefined && { timeoutMs: timeout }),
    });
    log.line(`connect failed: ${classified.message}`);
    closing = true;
    await client.close().catch(() => {});
    // The SDK's close ends the child asynchronously; wait (bounded) so no orphan survives us.
    // A remote server has no child, and a failed version probe never reports a close.
    if (server.type === "stdio") await Promise.race([ended, delay(5000)]);
    log.close();
    throw classified;
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
  const pid =
    transport instanceof StdioClientTransport || transport instanceof GroupStdioClientTransport
      ? (transport.pid ?? undefined)
      : undefined;
  const version = client.getNegotiatedProtocolVersion() ?? "unknown";
  log.line(`connected${pid === undefined ? "" : ` (pid ${pid})`}, protocol ${version}`);
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
    pid,
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
        throw classifyMcpError(error, context());
      }
    },
    async notifyRootsChanged() {
      if (hooks.roots) await client.sendRootsListChanged();
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
        throw classifyMcpError(error, context());
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
          ...context(),
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
          throw classifyMcpError(error, context());
        }
      },
      changes,
    ),
    async close() {
      if (!closing) {
        closing = true;
        await changes?.close().catch(() => {});
        await client.close().catch(() => {});
      }
      await Promise.race([ended, delay(5000)]);
    },
    ended,
  };
};

/**
 * How the protocol revision is chosen. Streamable HTTP probes with `server/discover` and speaks
 * 2026-07-28 to a server that answers it, falling back to the `initialize` handshake
 * (2025-11-25 and older) for any other. Legacy SSE exists only in the 2025-era revisions.
 * Stdio uses the handshake too: the SDK's stdio probe starts every server twice (a throwaway
 * sibling process), and a server that ignores unknown requests would hold the connect for the
 * whole timeout; stdio servers of 2026-07-28 still answer `initialize` (ADR 0003).
 */
function negotiationMode(server: McpServerConfig): "auto" | "legacy" {
  return server.type === "http" ? "auto" : "legacy";
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
