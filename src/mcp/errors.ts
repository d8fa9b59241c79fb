import {
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SseError,
  UnauthorizedError,
  UrlElicitationRequiredError,
} from "@modelcontextprotocol/client";
import { $ZodError } from "zod/v4/core";
import { errorText } from "../utils/errors.js";
import { formatDuration } from "../utils/format.js";

/** Why a connection attempt or a request to a server failed, for branching and for tests. */
export type McpFailureKind =
  | "refused"
  | "not-found"
  | "http"
  | "timeout"
  | "exited"
  | "spawn"
  | "protocol"
  /** The server answered the request with a JSON-RPC error: it is reachable and said no. */
  | "server-error"
  | "closed"
  /** The authorization server refused wren's client credentials. */
  | "auth";

/** A server could not be reached or stopped answering; `message` is one readable line. */
export class McpConnectionError extends Error {
  override readonly name = "McpConnectionError";
  readonly server: string;
  readonly kind: McpFailureKind;
  /** HTTP status, when the failure was an HTTP response. */
  readonly status?: number;

  constructor(
    server: string,
    kind: McpFailureKind,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.server = server;
    this.kind = kind;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** The server answered 401: it needs sign-in (the manager shows `needs auth`). */
export class McpNeedsAuthError extends Error {
  override readonly name = "McpNeedsAuthError";
  readonly server: string;

  constructor(server: string, options: { cause?: unknown } = {}) {
    super(`${server} needs sign-in: run .mcp auth ${server}`, { cause: options.cause });
    this.server = server;
  }
}

/**
 * Signing in to a server failed (cancelled, denied, timed out...); `message` is one readable
 * line, never a secret. A connect with `signIn` rejects with it; oauth/errors.ts has the kinds.
 */
export class McpAuthError extends Error {
  override readonly name: string = "McpAuthError";
  readonly server: string;

  constructor(server: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.server = server;
  }
}

/** A request for a server that is unknown, disabled or not connected. */
export class McpServerUnavailableError extends Error {
  override readonly name = "McpServerUnavailableError";
  readonly server: string;

  constructor(server: string, message: string) {
    super(message);
    this.server = server;
  }
}

/** Network error codes of a connection that was established and then lost. */
const CLOSED_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

/** Node's network error codes that mean "nobody is listening there". */
const REFUSED_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH"]);

/** DNS failures: the name does not resolve (or not now). */
const NOT_FOUND_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME"]);

/**
 * The eventsource package (under the SDK's SSE transport) hands over its network failure only
 * as flattened text ("TypeError: fetch failed: connect ECONNREFUSED 127.0.0.1:1"): the Node
 * error code is read back from it.
 */
function sseErrorCode(error: SseError): string | undefined {
  return /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/.exec(error.message)?.[1];
}

/** The host a DNS error names (Node sets `hostname`), else the host part of `target`. */
function hostOf(error: unknown, target: string): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    if ("hostname" in current && typeof current.hostname === "string") return current.hostname;
    current = "cause" in current ? current.cause : undefined;
  }
  return target.replace(/:\d+$/, "");
}

/**
 * An SDK schema failure (zod issues) as one line: what did not fit and where, never the JSON
 * dump of the issues.
 */
function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  // The SDK's own codes (SEND_FAILED, ...) say where it failed; the network's reason is below.
  const code = "code" in error && !(error instanceof SdkError) ? error.code : undefined;
  if (typeof code === "string") return code;
  const cause = "cause" in error ? error.cause : undefined;
  return cause === error ? undefined : errorCode(cause);
}

function firstLine(text: string): string {
  const readable = withoutJsonDump(text);
  const line = readable.split("\n").find((l) => l.trim() !== "") ?? readable;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line.trim();
}

/**
 * "Invalid arguments for tool add: [\n  { ...zod issues... } ]" → "Invalid arguments for tool
 * add: a: expected number": servers and the SDK append validation issues as pretty JSON,
 * whose first line would be a lone "[".
 */
function withoutJsonDump(text: string): string {
  const start = text.search(/[[{]\s*\n/);
  if (start < 0) return text;
  const head = text.slice(0, start).trimEnd();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start));
  } catch {
    return head || text;
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const issues = items.flatMap((item: unknown) => {
    if (item === null || typeof item !== "object") return [];
    const message =
      "message" in item && typeof item.message === "string" ? item.message : undefined;
    const path = "path" in item && Array.isArray(item.path) ? item.path.map(String) : [];
    return message === undefined ? [] : [{ path, message }];
  });
  const detail = describeIssues(issues);
  if (!detail) return head || text;
  return head ? `${head.replace(/:$/, "")}: ${detail}` : detail;
}

/** Facts about the server that make a failure message useful. */
export interface FailureContext {
  readonly server: string;
  /** `host:port` or the command, named in connection-refused messages. */
  readonly target: string;
  readonly timeoutMs?: number;
  /** The last line the stdio server wrote to stderr. */
  readonly lastStderrLine?: string;
  /** Whether the stdio child has exited. */
  readonly exited?: boolean;
  /** A transport error that made the SDK drop the connection (e.g. an oversized message). */
  readonly transportError?: string;
  /** `false` when OAuth is disabled for the server, so a 401 is a plain failure. */
  readonly oauthEnabled?: boolean;
}

/**
 * Maps anything a transport or the SDK throws into McpNeedsAuthError or McpConnectionError
 * with a one-line message; errors that already are one of those pass through.
 */
export function classifyMcpError(
  error: unknown,
  context: FailureContext,
): McpConnectionError | McpNeedsAuthError {
  if (error instanceof McpConnectionError || error instanceof McpNeedsAuthError) return error;
  // A version-negotiation probe that failed wraps the reason (a 401, a refused connection).
  const negotiation = negotiationCause(error);
  if (negotiation !== undefined) return classifyMcpError(negotiation, context);
  const { server } = context;
  const stderrHint = context.lastStderrLine ? `: ${context.lastStderrLine}` : "";
  const status =
    error instanceof SdkHttpError
      ? error.status
      : error instanceof SseError
        ? error.code
        : undefined;
  if (error instanceof UnauthorizedError || status === 401) {
    if (context.oauthEnabled === false) {
      return new McpConnectionError(server, "http", "HTTP 401 unauthorized (OAuth is disabled)", {
        status: 401,
        cause: error,
      });
    }
    return new McpNeedsAuthError(server, { cause: error });
  }
  if (status === 404) {
    return new McpConnectionError(server, "not-found", `HTTP 404 not found at ${context.target}`, {
      status,
      cause: error,
    });
  }
  if (status !== undefined && status > 0) {
    return new McpConnectionError(server, "http", `HTTP ${status} from ${context.target}`, {
      status,
      cause: error,
    });
  }
  if (error instanceof $ZodError) {
    return new McpConnectionError(
      server,
      "protocol",
      `the server's answer does not fit MCP (${describeIssues(error.issues)})`,
      { cause: error },
    );
  }
  if (error instanceof SseError) {
    const sseCode = sseErrorCode(error);
    if (sseCode !== undefined && NOT_FOUND_CODES.has(sseCode)) {
      return new McpConnectionError(
        server,
        "refused",
        `host not found (${hostOf(error, context.target)})`,
        {
          cause: error,
        },
      );
    }
    if (sseCode !== undefined && REFUSED_CODES.has(sseCode)) {
      return new McpConnectionError(server, "refused", `connection refused (${context.target})`, {
        cause: error,
      });
    }
    // "SSE error: TypeError: fetch failed: other side closed": the innermost reason is the one.
    const reason = firstLine(error.message).split(": ").at(-1) ?? "";
    return new McpConnectionError(
      server,
      "closed",
      `SSE stream failed (${context.target}): ${reason}`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
    const after =
      context.timeoutMs === undefined ? "" : ` after ${formatDuration(context.timeoutMs)}`;
    return new McpConnectionError(server, "timeout", `timed out${after}`, { cause: error });
  }
  if (error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed) {
    if (context.transportError) {
      const reason = firstLine(context.transportError);
      return new McpConnectionError(server, "closed", `connection dropped: ${reason}`, {
        cause: error,
      });
    }
    return context.exited || context.lastStderrLine
      ? new McpConnectionError(server, "exited", `server process exited${stderrHint}`, {
          cause: error,
        })
      : new McpConnectionError(server, "closed", "connection closed", { cause: error });
  }
  if (error instanceof UrlElicitationRequiredError) {
    // The server needs the user to visit a page first (-32042); wren shows where, never opens it.
    const url = safeUrl(error.elicitations[0]?.url);
    const where = url === undefined ? "a page it names" : url;
    return new McpConnectionError(
      server,
      "server-error",
      `the server needs you to open ${where} in a browser first, then try again`,
      { cause: error },
    );
  }
  if (error instanceof ProtocolError) {
    // The server's JSON-RPC error, with its code as the v1 SDK's message carried it.
    const text = `MCP error ${error.code}: ${error.message}`;
    return new McpConnectionError(server, "server-error", firstLine(text), { cause: error });
  }
  const code = errorCode(error);
  if (code === "ENOENT") {
    return new McpConnectionError(server, "spawn", `command not found: ${context.target}`, {
      cause: error,
    });
  }
  if (code === "EACCES") {
    return new McpConnectionError(server, "spawn", `permission denied: ${context.target}`, {
      cause: error,
    });
  }
  if (code !== undefined && NOT_FOUND_CODES.has(code)) {
    return new McpConnectionError(
      server,
      "refused",
      `host not found (${hostOf(error, context.target)})`,
      { cause: error },
    );
  }
  if (code !== undefined && REFUSED_CODES.has(code)) {
    return new McpConnectionError(server, "refused", `connection refused (${context.target})`, {
      cause: error,
    });
  }
  if (context.exited) {
    return new McpConnectionError(server, "exited", `server process exited${stderrHint}`, {
      cause: error,
    });
  }
  const message = errorText(error);
  if (code !== undefined && CLOSED_CODES.has(code)) {
    return new McpConnectionError(server, "closed", `connection lost (${context.target})`, {
      cause: error,
    });
  }
  // fetch says only "fetch failed"; the reason (a TLS problem, a blocked port) is in its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
  const detail = cause && cause !== message ? `${message}: ${cause}` : message;
  return new McpConnectionError(server, "protocol", firstLine(detail) || "unknown error", {
    cause: error,
  });
}

/**
 * The reason inside the SDK's `EraNegotiationFailed` error (the `server/discover` probe at
 * connect): `data.cause` or the error's own cause.
 */
export function negotiationCause(error: unknown): unknown {
  if (!(error instanceof SdkError) || error.code !== SdkErrorCode.EraNegotiationFailed) {
    return undefined;
  }
  const data = error.data;
  const fromData =
    typeof data === "object" && data !== null && "cause" in data ? data.cause : undefined;
  const cause = fromData ?? error.cause;
  return cause instanceof Error && cause !== error ? cause : undefined;
}

/** An http(s) URL in its encoded form (no spaces or control characters), else undefined. */
function safeUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    return url.href.length > 200 ? `${url.href.slice(0, 199)}…` : url.href;
  } catch {
    return undefined;
  }
}
