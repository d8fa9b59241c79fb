import { redactSecrets } from "../utils/redact.js";
import { ProviderError } from "./types.js";

/** What an error message may name: never the key itself. */
export interface ErrorContext {
  readonly provider: string;
  readonly model?: string;
  readonly baseURL: string;
  /** Whether a key was sent at all. */
  readonly hasKey: boolean;
  /** Where the key is set (env var or settings path), to tell the user what to fix. */
  readonly keySource: string;
  /** Strings to scrub from anything quoted from the server. */
  readonly secrets: readonly string[];
}

const MAX_DETAIL = 200;

/** One line, at most `MAX_DETAIL` characters, secrets scrubbed. */
export function oneLine(text: string, secrets: readonly string[]): string {
  // A provider's key is known to be one: hide it from 4 characters on.
  const flat = redactSecrets(text, secrets, { minSecretLength: 4 }).replace(/\s+/g, " ").trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL - 1)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The human part of an error body: OpenAI `{error:{message}}`, Anthropic
 * `{type:"error",error:{message}}`, `{error:"..."}`, `{message}`, or plain text.
 */
export function errorDetail(body: unknown): string | undefined {
  let value = body;
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "") return undefined;
    try {
      value = JSON.parse(text);
    } catch {
      // An HTML error page says nothing useful in one line.
      return /^</.test(text) ? undefined : text;
    }
  }
  if (!isRecord(value)) return typeof value === "string" ? value : undefined;
  const error = value.error;
  if (typeof error === "string") return error;
  if (isRecord(error) && typeof error.message === "string") return error.message;
  if (typeof value.message === "string") return value.message;
  if (typeof value.detail === "string") return value.detail;
  return undefined;
}

/** Seconds to wait from `retry-after-ms` / `retry-after` (seconds or an HTTP date). */
export function retryAfterSeconds(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers["retry-after-ms"] ?? "");
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const raw = headers["retry-after"];
  if (raw === undefined) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Maps an HTTP error status (and the body the server sent) to a ProviderError. */
export function httpStatusError(
  ctx: ErrorContext,
  status: number,
  body?: unknown,
  headers?: Readonly<Record<string, string | undefined>>,
  cause?: unknown,
): ProviderError {
  const raw = errorDetail(body);
  const detail = raw === undefined ? "" : oneLine(raw, ctx.secrets);
  const withDetail = (text: string): string => (detail ? `${text}: ${detail}` : text);
  const options = { status, cause };
  const p = ctx.provider;
  if (status === 401) {
    return new ProviderError(
      "auth",
      ctx.hasKey
        ? `${p} rejected the API key (401): check ${ctx.keySource}`
        : `${p} needs an API key (401): add "apiKey" to providers.${p} in settings.json`,
      options,
    );
  }
  if (status === 403) {
    return new ProviderError(
      "auth",
      withDetail(`${p} refused access (403), check ${ctx.keySource} and its permissions`),
      options,
    );
  }
  if (status === 404) {
    const what = ctx.model ? `model "${ctx.model}"` : "the endpoint";
    return new ProviderError(
      "not-found",
      `${p} does not know ${what} (404 from ${ctx.baseURL})${detail ? `: ${detail}` : ""}`,
      options,
    );
  }
  if (status === 429) {
    const wait = retryAfterSeconds(headers);
    return new ProviderError(
      "rate-limit",
      withDetail(
        `${p} rate limit reached (429)${wait === undefined ? "" : `, retry after ${wait}s`}`,
      ),
      options,
    );
  }
  if (status === 529 || status === 503) {
    return new ProviderError("server", withDetail(`${p} is overloaded (${status})`), options);
  }
  if (status >= 500) {
    return new ProviderError("server", withDetail(`${p} server error (${status})`), options);
  }
  if (status === 400 || status === 413 || status === 422) {
    return new ProviderError("bad-request", withDetail(`${p} rejected the request (${status})`), {
      status,
      cause,
    });
  }
  return new ProviderError("unknown", withDetail(`${p} answered HTTP ${status}`), options);
}

/** The `code` of an error or of any error in its `cause` chain (undici nests them). */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isRecord(current); depth++) {
    if (typeof current.code === "string") return current.code;
    current = current.cause;
  }
  return undefined;
}

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS lookup failed)",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "the server closed the connection",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed TLS certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate not trusted",
};

/** Whether an error is a failure to connect or a dropped socket (not an HTTP status). */
export function isNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && code in NETWORK_REASONS) return true;
  return error instanceof TypeError && /fetch failed|terminated|network/i.test(error.message);
}

/** A connection that could not be made: "cannot reach URL: connection refused". */
export function networkError(ctx: ErrorContext, cause: unknown): ProviderError {
  const code = errorCode(cause);
  const reason =
    (code && NETWORK_REASONS[code]) ??
    (code ? code.toLowerCase() : cause instanceof Error ? cause.message : "network error");
  return new ProviderError(
    "network",
    `cannot reach ${ctx.baseURL}: ${oneLine(reason, ctx.secrets)}`,
    {
      cause,
    },
  );
}

/** The response stopped before the model finished. */
export function streamCutError(ctx: ErrorContext, cause: unknown): ProviderError {
  return new ProviderError("stream-cut", `the connection to ${ctx.provider} dropped mid-response`, {
    cause,
  });
}

/** An error that is the caller's abort rather than a failure. */
export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof Error || error instanceof DOMException) &&
    (error.name === "AbortError" || error.name === "TimeoutError")
  );
}
