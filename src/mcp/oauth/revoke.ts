import {
  buildDiscoveryUrls,
  type FetchLike,
  type OAuthClientInformationMixed,
  selectClientAuthMethod,
} from "@modelcontextprotocol/client";
// Classic zod/v4, as the SDK uses: this loads with the SDK, never on the startup path, and the
// build gives zod/mini importers only the functions the config code calls.
import * as z from "zod/v4";
import type { OAuthState } from "./oauth-state.js";

const RevocationMetadataSchema = z.looseObject({
  issuer: z.optional(z.string()),
  revocation_endpoint: z.optional(z.string()),
  revocation_endpoint_auth_methods_supported: z.optional(z.array(z.string())),
  token_endpoint_auth_methods_supported: z.optional(z.array(z.string())),
});

/** What logging out did at the authorization server. */
export type RevocationResult =
  /**
   * Every stored token was revoked, or the server said it cannot revoke its type (§2.2.1):
   * `selfContained` of the `count` (a JWT access token), which stay valid until they expire.
   */
  | { readonly kind: "revoked"; readonly count: number; readonly selfContained?: number }
  | { readonly kind: "unsupported" }
  | { readonly kind: "nothing" }
  | { readonly kind: "failed"; readonly reason: string };

/** Whether two issuer URLs are the same, one trailing slash aside. */
function sameIssuer(a: string, b: string): boolean {
  try {
    return new URL(a).href.replace(/\/$/, "") === new URL(b).href.replace(/\/$/, "");
  } catch {
    return a === b;
  }
}

/**
 * The authorization server's metadata document as it serves it, every field kept: the SDK's
 * discovery parses OpenID Connect discovery with a schema that drops `revocation_endpoint`, so
 * what was stored from a server that publishes only that document lacks it. Only a document
 * naming `issuer` itself is used (RFC 8414 §3.3: tokens never go where another issuer says).
 */
async function discoverRevocationMetadata(
  issuer: string,
  fetchFn: FetchLike,
): Promise<z.infer<typeof RevocationMetadataSchema> | undefined> {
  for (const { url } of buildDiscoveryUrls(issuer)) {
    try {
      const response = await fetchFn(url, { headers: { accept: "application/json" } });
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        continue;
      }
      const parsed = z.safeParse(RevocationMetadataSchema, await response.json());
      if (parsed.success && parsed.data.issuer !== undefined) {
        return sameIssuer(parsed.data.issuer, issuer) ? parsed.data : undefined;
      }
    } catch {
      // Unreachable or not JSON: the next candidate document.
    }
  }
  return undefined;
}

const ErrorBodySchema = z.looseObject({ error: z.string() });

/** RFC 7009 §2.2.1: the server does not revoke this kind of token (e.g. self-contained JWTs). */
async function isUnsupportedTokenType(response: Response): Promise<boolean> {
  if (response.status !== 400) return false;
  try {
    const parsed = z.safeParse(ErrorBodySchema, await response.json());
    return parsed.success && parsed.data.error === "unsupported_token_type";
  } catch {
    return false;
  }
}

/**
 * Revokes the stored refresh and access tokens (RFC 7009) when the authorization server
 * advertises a `revocation_endpoint`; the refresh token first, since revoking it ends the
 * whole grant at most servers, then the access token. An `unsupported_token_type` answer
 * counts as done: the server keeps no state it could revoke for that token (a JWT access
 * token expires on its own). Never throws: logging out locally must work even if the server
 * is down.
 */
export async function revokeTokens(
  state: OAuthState,
  client: OAuthClientInformationMixed | undefined,
  fetchFn: FetchLike = fetch,
): Promise<RevocationResult> {
  const tokens = state.tokens;
  if (!tokens || !client) return { kind: "nothing" };
  try {
    // The stored metadata as wren kept it; read again from the server when it names no
    // revocation endpoint (stored from OpenID Connect discovery, which the SDK trims).
    const stored = z.safeParse(
      RevocationMetadataSchema,
      state.discovery?.authorizationServerMetadata,
    );
    const issuer = state.discovery?.authorizationServerUrl;
    const metadata =
      stored.success && stored.data.revocation_endpoint !== undefined
        ? stored.data
        : issuer !== undefined
          ? await discoverRevocationMetadata(issuer, fetchFn)
          : undefined;
    const endpoint = metadata?.revocation_endpoint;
    if (!metadata || !endpoint) return { kind: "unsupported" };
    const methods =
      metadata.revocation_endpoint_auth_methods_supported ??
      metadata.token_endpoint_auth_methods_supported ??
      [];
    const method = selectClientAuthMethod(client, methods);
    const candidates: [string, string][] = [];
    if (tokens.refresh_token) candidates.push([tokens.refresh_token, "refresh_token"]);
    candidates.push([tokens.access_token, "access_token"]);
    let count = 0;
    let selfContained = 0;
    for (const [token, hint] of candidates) {
      const headers = new Headers({
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      });
      const body = new URLSearchParams({ token, token_type_hint: hint });
      if (method === "client_secret_basic" && client.client_secret) {
        // Encoded as the SDK encodes it for token requests, so both endpoints see the same.
        const pair = `${client.client_id}:${client.client_secret}`;
        headers.set("authorization", `Basic ${Buffer.from(pair).toString("base64")}`);
      } else {
        body.set("client_id", client.client_id);
        if (method === "client_secret_post" && client.client_secret) {
          body.set("client_secret", client.client_secret);
        }
      }
      const response = await fetchFn(endpoint, { method: "POST", headers, body });
      // RFC 7009 §2.2: 200 for revoked and for already-invalid tokens alike.
      const unsupported = !response.ok && (await isUnsupportedTokenType(response));
      await response.body?.cancel().catch(() => {});
      if (!response.ok && !unsupported)
        return { kind: "failed", reason: `HTTP ${response.status}` };
      count++;
      if (unsupported) selfContained++;
    }
    return { kind: "revoked", count, ...(selfContained > 0 && { selfContained }) };
  } catch (error) {
    return { kind: "failed", reason: error instanceof Error ? error.name : "error" };
  }
}
