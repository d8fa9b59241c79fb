// `wren mcp debug`, the discovery steps (nothing is changed, no token is sent): the first
// request without a token, the protected resource metadata (RFC 9728) and the authorization
// server's metadata (RFC 8414) with its issuer check.
import {
  extractWWWAuthenticateParams,
  type FetchLike,
  LATEST_PROTOCOL_VERSION,
  type OAuthServerInfo,
} from "@modelcontextprotocol/client";
import type { RemoteServerConfig } from "../../config/schema.js";
import { errorText } from "../../utils/errors.js";
import { redactSecrets } from "../../utils/redact.js";
import { VERSION } from "../../version.js";
import type { HttpExchange } from "../oauth/http-trace.js";
import { issuerRefusal, sameUrl } from "../oauth/issuer.js";
import { redactedUrl } from "./debug-config.js";
import type {
  AuthorizationServerTrace,
  MetadataSummary,
  ProbeTrace,
  ResourceMetadataTrace,
  TraceExchange,
} from "./debug-trace.js";

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
        note: `no answer: ${redactSecrets(errorText(error), secrets)}`,
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
    const message = redactSecrets(refusal?.message ?? errorText(error), secrets);
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
