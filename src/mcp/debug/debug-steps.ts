// The steps of `wren mcp debug` that describe, without changing anything: the config with its
// secrets hidden, the first request without a token, what discovery found, the client a
// sign-in would use (nothing is registered), and the stored tokens by their properties.
import {
  extractWWWAuthenticateParams,
  type FetchLike,
  LATEST_PROTOCOL_VERSION,
  type OAuthServerInfo,
} from "@modelcontextprotocol/client";
import type { McpServerConfig, RemoteServerConfig } from "../../config/schema.js";
import { isSecretName, redactArgs, redactSecrets } from "../../utils/redact.js";
import { VERSION } from "../../version.js";
import { presentable, storedClient, usableMetadataUrl } from "../oauth/client-identity.js";
import { usableAt } from "../oauth/credentials.js";
import { isDpopBound } from "../oauth/dpop.js";
import { usesMachineGrant } from "../oauth/grants/machine.js";
import type { HttpExchange } from "../oauth/http-trace.js";
import { issuerRefusal, sameUrl } from "../oauth/issuer.js";
import type { OAuthState } from "../oauth/storage.js";
import type {
  AuthorizationServerTrace,
  ClientTrace,
  ConfigSummary,
  MetadataSummary,
  ProbeTrace,
  ResourceMetadataTrace,
  TokensTrace,
  TraceExchange,
} from "./debug-trace.js";

/** An error as text (its message). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Known secret values of a server: header values, secret settings and env, stored tokens. */
export function secretsOf(server: McpServerConfig, state: OAuthState | undefined): string[] {
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
  secrets.push(state?.client?.information.client_secret, state?.dpopKey?.jwk.d);
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

/** An exchange as the trace keeps it: without the metadata document it carried. */
export const stripJson = ({ json: _json, ...exchange }: HttpExchange): TraceExchange => exchange;

/** POSTs an `initialize` without a token (GET for a legacy SSE server): what does it answer? */
export async function probe(
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

/** The protected resource metadata step (RFC 9728): the URLs tried and what was found. */
export function describeResource(
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

/**
 * The authorization-server metadata step (RFC 8414) and the issuer check; refused metadata is
 * still shown, from the answer the server gave.
 */
export function describeAuthorizationServer(
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
export function describeClient(
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

/** The stored tokens by their properties: expiry, scope, refresh token, DPoP binding. */
export function describeTokens(state: OAuthState, now: number, machine: boolean): TokensTrace {
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

/** A remote server with OAuth not off. */
export type RemoteOAuthServer = RemoteServerConfig & {
  readonly oauth: Exclude<RemoteServerConfig["oauth"], false>;
};

/** Whether `server` is remote with OAuth on. */
export function isRemoteOAuth(server: McpServerConfig): server is RemoteOAuthServer {
  return server.type !== "stdio" && server.oauth !== false;
}
