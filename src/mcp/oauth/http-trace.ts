// What wren's OAuth said to servers and what they answered, as values without secrets: a fetch
// wrapper shared by `wren mcp debug` (which shows every exchange) and `WREN_DEBUG=oauth` (which
// logs them). It reads only small answers of the OAuth endpoints, never an MCP stream, and keeps
// field names, statuses and error codes — never a token, code, verifier or secret value.
import type { FetchLike } from "@modelcontextprotocol/client";
import { extractWWWAuthenticateParams } from "@modelcontextprotocol/client";
import { redactSecrets } from "../../utils/redact.js";
import { sameUrl } from "./issuer.js";
import { formParams } from "./refresh.js";

/** Which step of OAuth an HTTP exchange belongs to. */
export type HttpExchangeKind =
  | "resource-metadata"
  | "authorization-server-metadata"
  | "token"
  | "registration"
  | "revocation"
  | "device-authorization"
  | "mcp";

/** One request and its answer, without secrets. */
export interface HttpExchange {
  readonly kind: HttpExchangeKind;
  readonly method: string;
  /** The URL with credential-looking query parameters redacted. */
  readonly url: string;
  /** The HTTP status, or undefined when no answer came (`error` says why). */
  readonly status?: number;
  /** `grant_type` of a token request (`authorization_code`, `refresh_token`, ...). */
  readonly grant?: string;
  /** What the answer said, in a few words (fields present, error code and description). */
  readonly said?: string;
  /** The network error, when the request got no answer. */
  readonly error?: string;
  /** A JSON document answered by a metadata URL (kept in memory for the debug trace only). */
  readonly json?: unknown;
}

/** Longest answer read to describe it; larger bodies are described by their status only. */
const MAX_BODY = 64 * 1024;

function urlOf(input: string | URL | Request): string {
  if (typeof input === "string") return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

function methodOf(input: string | URL | Request, init: RequestInit | undefined): string {
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  return method.toUpperCase();
}

function jsonBody(init: RequestInit | undefined): unknown {
  if (typeof init?.body !== "string") return undefined;
  try {
    return JSON.parse(init.body);
  } catch {
    return undefined;
  }
}

/** The OAuth step a request belongs to, from its URL and body; `mcp` for everything else. */
export function exchangeKind(
  url: string,
  method: string,
  init: RequestInit | undefined,
): { readonly kind: HttpExchangeKind; readonly grant?: string } {
  let path = "";
  try {
    path = new URL(url).pathname;
  } catch {
    // not a URL: an MCP request as far as we can tell
  }
  if (path.includes("/.well-known/oauth-protected-resource")) return { kind: "resource-metadata" };
  if (
    path.includes("/.well-known/oauth-authorization-server") ||
    path.includes("/.well-known/openid-configuration")
  ) {
    return { kind: "authorization-server-metadata" };
  }
  if (method !== "POST") return { kind: "mcp" };
  const form = formParams(init);
  const grant = form?.get("grant_type") ?? undefined;
  if (grant !== undefined) return { kind: "token", grant };
  if (form?.has("token")) return { kind: "revocation" };
  if (form?.has("client_id") && !form.has("code")) return { kind: "device-authorization" };
  const json = jsonBody(init);
  if (json !== null && typeof json === "object" && "redirect_uris" in json) {
    return { kind: "registration" };
  }
  return { kind: "mcp" };
}

function field(json: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(json, key) ? json[key] : undefined;
}

function text(value: unknown, max = 160): string | undefined {
  if (typeof value !== "string") return undefined;
  const line = value.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `error: description` of an OAuth error answer (RFC 6749 §5.2), if it is one. */
function oauthError(json: Record<string, unknown>): string | undefined {
  const error = text(field(json, "error"), 64);
  if (error === undefined) return undefined;
  const description = text(field(json, "error_description"));
  return description === undefined ? error : `${error}: ${description}`;
}

/** A token answer by what it holds: never the values. */
function tokenAnswer(json: Record<string, unknown>): string {
  const parts: string[] = [];
  const type = text(field(json, "token_type"), 16);
  if (type !== undefined) parts.push(`token_type ${type}`);
  const expiresIn = field(json, "expires_in");
  if (typeof expiresIn === "number") parts.push(`expires_in ${expiresIn}s`);
  const scope = text(field(json, "scope"));
  if (scope !== undefined) parts.push(`scope "${scope}"`);
  parts.push(`refresh token ${typeof field(json, "refresh_token") === "string" ? "yes" : "no"}`);
  if (typeof field(json, "id_token") === "string") parts.push("id token yes");
  return parts.join(", ");
}

/**
 * The issuer an authorization-server metadata URL must name (RFC 8414 §3.3: the well-known
 * segment inserted after the origin; OpenID's also appended), or undefined for another URL.
 */
export function issuerForMetadataUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const path = parsed.pathname;
  for (const segment of [
    "/.well-known/oauth-authorization-server",
    "/.well-known/openid-configuration",
  ]) {
    if (path.startsWith(segment)) return `${parsed.origin}${path.slice(segment.length)}`;
  }
  const appended = "/.well-known/openid-configuration";
  if (path.endsWith(appended)) return `${parsed.origin}${path.slice(0, -appended.length)}`;
  return undefined;
}

/** What a JSON answer said, for its step, without any secret value. */
export function describeAnswer(
  kind: HttpExchangeKind,
  status: number,
  json: unknown,
  url = "",
): string {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return status >= 400 ? "no JSON error body" : "not a JSON object";
  }
  const body: Record<string, unknown> = { ...json };
  const error = oauthError(body);
  if (error !== undefined) return error;
  switch (kind) {
    case "resource-metadata": {
      const servers = field(body, "authorization_servers");
      const list = Array.isArray(servers) ? servers.filter((s) => typeof s === "string") : [];
      return list.length > 0
        ? `authorization_servers ${list.join(", ")}`
        : "no authorization_servers";
    }
    case "authorization-server-metadata": {
      const issuer = text(field(body, "issuer"), 200);
      const expected = issuerForMetadataUrl(url);
      const check =
        issuer === undefined || expected === undefined
          ? ""
          : sameUrl(issuer, expected)
            ? " (matches the discovery URL)"
            : ` (the discovery URL names ${expected}: refused, RFC 8414 §3.3)`;
      return `issuer ${issuer ?? "(none)"}${check}`;
    }
    case "token":
      return status < 300 ? tokenAnswer(body) : `HTTP ${status}`;
    case "registration":
      return typeof field(body, "client_id") === "string"
        ? `client registered${typeof field(body, "client_secret") === "string" ? " (with a client secret)" : ""}`
        : "no client_id";
    case "device-authorization":
      return typeof field(body, "verification_uri") === "string"
        ? "device code issued"
        : "no verification_uri";
    default:
      return "JSON answer";
  }
}

/** What a 401/403 of a protected resource asks for (RFC 6750 §3, RFC 9728 §5.1). */
function challenge(response: Response): string | undefined {
  if (response.status !== 401 && response.status !== 403) return undefined;
  const params = extractWWWAuthenticateParams(response);
  const parts: string[] = [];
  if (params.error !== undefined) parts.push(`error ${text(params.error, 64)}`);
  if (params.scope !== undefined) parts.push(`scope "${text(params.scope)}"`);
  if (params.resourceMetadataUrl !== undefined) {
    parts.push(`resource_metadata ${params.resourceMetadataUrl.href}`);
  }
  const description = text(params.errorDescription);
  if (description !== undefined) parts.push(description);
  return parts.length > 0 ? parts.join(", ") : "no WWW-Authenticate parameters";
}

async function readSmall(response: Response): Promise<string | undefined> {
  const length = Number(response.headers.get("content-length") ?? "0");
  if (length > MAX_BODY) return undefined;
  try {
    const body = await response.clone().text();
    return body.length > MAX_BODY ? undefined : body;
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}

/** Options of {@link traceFetch}. */
export interface TraceFetchOptions {
  /** Known secret values (header values, client secrets) blanked wherever they appear. */
  readonly secrets?: readonly (string | undefined)[];
  /**
   * Whether to report MCP requests that succeeded too (the debug trace does); otherwise only
   * their 401/403 answers (step-up, a token refused) and failures are reported.
   */
  readonly allMcp?: boolean;
}

/**
 * `fetchFn` reporting every OAuth exchange (and MCP requests refused for auth) to `report`,
 * described without secrets. The answer the caller gets is untouched (bodies are read from a
 * clone, and only for the OAuth endpoints and MCP error answers).
 */
export function traceFetch(
  fetchFn: FetchLike,
  report: (exchange: HttpExchange) => void,
  options: TraceFetchOptions = {},
): FetchLike {
  const secrets = options.secrets ?? [];
  const clean = (value: string): string => redactSecrets(value, secrets);
  return async (input, init) => {
    const rawUrl = urlOf(input);
    const method = methodOf(input, init);
    const { kind, grant } = exchangeKind(rawUrl, method, init);
    const base = { kind, method, url: clean(rawUrl), ...(grant !== undefined && { grant }) };
    let response: Response;
    try {
      response = await fetchFn(input, init);
    } catch (error) {
      report({ ...base, error: text(clean(errorText(error)), 300) ?? "" });
      throw error;
    }
    const { status } = response;
    if (kind === "mcp") {
      const asked = challenge(response);
      if (asked !== undefined) {
        report({ ...base, status, said: clean(asked) });
      } else if (status >= 400) {
        // The server's own words, secrets removed before anything is cut.
        const body = await readSmall(response);
        const said = body === undefined ? undefined : text(clean(body), 300);
        report({ ...base, status, ...(said && { said }) });
      } else if (options.allMcp) {
        report({ ...base, status });
      }
      return response;
    }
    // Redacted before it is parsed or cut: a token in an answer never gets further than here.
    const raw = await readSmall(response);
    const body = raw === undefined ? undefined : clean(raw);
    let json: unknown;
    try {
      json = body === undefined ? undefined : JSON.parse(body);
    } catch {
      json = undefined;
    }
    const said =
      json === undefined
        ? body === undefined || body.trim() === ""
          ? undefined
          : text(body, 200)
        : describeAnswer(kind, status, json, rawUrl);
    const keep =
      (kind === "resource-metadata" || kind === "authorization-server-metadata") &&
      json !== undefined;
    report({
      ...base,
      status,
      ...(said !== undefined && { said }),
      ...(keep && { json }),
    });
    return response;
  };
}

/** One exchange as one log line: `token POST URL (refresh_token) -> 200: token_type ...`. */
export function exchangeLine(exchange: HttpExchange): string {
  const grant = exchange.grant === undefined ? "" : ` (${exchange.grant})`;
  const head = `${exchange.kind} ${exchange.method} ${exchange.url}${grant}`;
  if (exchange.status === undefined) return `${head} -> no answer: ${exchange.error ?? "failed"}`;
  return `${head} -> ${exchange.status}${exchange.said === undefined ? "" : `: ${exchange.said}`}`;
}
