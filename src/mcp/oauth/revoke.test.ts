import type { FetchLike } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import {
  type OAuthState,
  parseAuthorizationServerMetadata,
  toDiscoveryState,
} from "./oauth-state.js";
import { revokeTokens } from "./revoke.js";

const AS = "https://as.example";

/** Metadata as an OpenID provider serves it: OIDC discovery fields plus RFC 7009's endpoint. */
const OIDC_METADATA = {
  issuer: AS,
  authorization_endpoint: `${AS}/auth`,
  token_endpoint: `${AS}/token`,
  jwks_uri: `${AS}/jwks`,
  response_types_supported: ["code"],
  subject_types_supported: ["public"],
  id_token_signing_alg_values_supported: ["RS256"],
  revocation_endpoint: `${AS}/token/revocation`,
  token_endpoint_auth_methods_supported: ["none"],
};

function stateWith(metadata: unknown): OAuthState {
  return {
    version: 1,
    serverUrl: "https://mcp.example/mcp",
    tokens: { access_token: "at-1", token_type: "Bearer", refresh_token: "rt-1" },
    discovery: { authorizationServerUrl: AS, authorizationServerMetadata: metadata },
  };
}

/**
 * A revocation endpoint that answers each POST with the next of `answers`; GETs (discovery)
 * are answered from `documents` by URL, 404 otherwise.
 */
function endpoint(
  answers: Response[],
  documents: Record<string, unknown> = {},
): { fetch: FetchLike; hints: string[]; urls: string[]; gets: string[] } {
  const hints: string[] = [];
  const urls: string[] = [];
  const gets: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    if ((init?.method ?? "GET") === "GET") {
      gets.push(String(url));
      const document = documents[String(url)];
      return document === undefined ? new Response(null, { status: 404 }) : json(200, document);
    }
    urls.push(String(url));
    const body = new URLSearchParams(String(init?.body));
    hints.push(`${body.get("token_type_hint")}:${body.get("token")}`);
    const answer = answers.shift();
    if (!answer) throw new Error("unexpected request");
    return answer;
  };
  return { fetch, hints, urls, gets };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("stored authorization-server metadata", () => {
  it("keeps revocation_endpoint of metadata that is also OIDC discovery", () => {
    const parsed = parseAuthorizationServerMetadata(OIDC_METADATA);
    expect(parsed).toMatchObject({ revocation_endpoint: `${AS}/token/revocation` });
    const discovery = toDiscoveryState({
      authorizationServerUrl: AS,
      authorizationServerMetadata: OIDC_METADATA,
    });
    expect(discovery.authorizationServerMetadata).toMatchObject({
      revocation_endpoint: `${AS}/token/revocation`,
    });
  });
});

describe("revokeTokens", () => {
  const client = { client_id: "wren-1" };

  it("revokes the refresh token, then the access token, at an OIDC provider's endpoint", async () => {
    const server = endpoint([
      new Response(null, { status: 200 }),
      new Response(null, { status: 200 }),
    ]);
    const result = await revokeTokens(stateWith(OIDC_METADATA), client, server.fetch);
    expect(result).toEqual({ kind: "revoked", count: 2 });
    expect(server.hints).toEqual(["refresh_token:rt-1", "access_token:at-1"]);
    expect(server.urls).toEqual([`${AS}/token/revocation`, `${AS}/token/revocation`]);
  });

  it("counts unsupported_token_type (a JWT access token) as done, per RFC 7009 §2.2.1", async () => {
    const server = endpoint([
      new Response(null, { status: 200 }),
      json(400, { error: "unsupported_token_type" }),
    ]);
    const result = await revokeTokens(stateWith(OIDC_METADATA), client, server.fetch);
    expect(result).toEqual({ kind: "revoked", count: 2, selfContained: 1 });
  });

  it("reports any other refusal as a failure", async () => {
    const server = endpoint([json(400, { error: "invalid_client" })]);
    const result = await revokeTokens(stateWith(OIDC_METADATA), client, server.fetch);
    expect(result).toEqual({ kind: "failed", reason: "HTTP 400" });
  });

  it("says so when the server offers no revocation, sending no token", async () => {
    const { revocation_endpoint: _none, ...withoutEndpoint } = OIDC_METADATA;
    const server = endpoint([], { [`${AS}/.well-known/openid-configuration`]: withoutEndpoint });
    const result = await revokeTokens(stateWith(withoutEndpoint), client, server.fetch);
    expect(result).toEqual({ kind: "unsupported" });
    expect(server.urls).toEqual([]);
  });

  it("reads the endpoint from the OpenID document when the stored metadata was trimmed of it", async () => {
    // What the SDK stores from OpenID Connect discovery: its schema drops revocation_endpoint.
    const { revocation_endpoint: _trimmed, ...trimmed } = OIDC_METADATA;
    const server = endpoint(
      [new Response(null, { status: 200 }), new Response(null, { status: 200 })],
      { [`${AS}/.well-known/openid-configuration`]: OIDC_METADATA },
    );
    const result = await revokeTokens(stateWith(trimmed), client, server.fetch);
    expect(result).toEqual({ kind: "revoked", count: 2 });
    expect(server.gets).toEqual([
      `${AS}/.well-known/oauth-authorization-server`,
      `${AS}/.well-known/openid-configuration`,
    ]);
    expect(server.urls).toEqual([`${AS}/token/revocation`, `${AS}/token/revocation`]);
  });

  it("never sends tokens to the endpoint of a document naming another issuer", async () => {
    const { revocation_endpoint: _trimmed, ...trimmed } = OIDC_METADATA;
    const server = endpoint([], {
      [`${AS}/.well-known/openid-configuration`]: {
        ...OIDC_METADATA,
        issuer: "https://attacker.example",
        revocation_endpoint: "https://attacker.example/revoke",
      },
    });
    const result = await revokeTokens(stateWith(trimmed), client, server.fetch);
    expect(result).toEqual({ kind: "unsupported" });
    expect(server.urls).toEqual([]);
  });
});
