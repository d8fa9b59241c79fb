import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FetchLike } from "@modelcontextprotocol/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { McpConnectionError } from "../../errors.js";
import { enterpriseProvider, idpTokenEndpoint } from "./enterprise.js";
import { tokenSource } from "./token-source.js";

const ID_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.aWQtdG9rZW4tc2lnbmF0dXJl";
const IDP = "https://idp.example";
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-enterprise-"));
  await writeFile(join(dir, "id-token"), ID_TOKEN);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** An IdP that publishes only a minimal OIDC document (as the conformance IdP does). */
function idp(token: (body: URLSearchParams) => Response, issuer = IDP): FetchLike {
  return async (input, init) => {
    const url = String(input);
    if (url === `${IDP}/.well-known/openid-configuration`) {
      return json({ issuer, token_endpoint: `${IDP}/token` });
    }
    if (url === `${IDP}/token`) return token(new URLSearchParams(String(init?.body)));
    return new Response("", { status: 404 });
  };
}

describe("idpTokenEndpoint", () => {
  it("finds the token endpoint in a minimal OIDC document after the RFC 8414 one is missing", async () => {
    expect(
      await idpTokenEndpoint(
        IDP,
        idp(() => json({})),
      ),
    ).toBe(`${IDP}/token`);
  });
  it("refuses a document that names another issuer (RFC 8414 §3.3)", async () => {
    await expect(
      idpTokenEndpoint(
        IDP,
        idp(() => json({}), "https://other.example"),
      ),
    ).rejects.toThrow(/names issuer https:\/\/other\.example, not https:\/\/idp\.example/);
  });
});

describe("enterpriseProvider", () => {
  function provider(fetchFn: FetchLike) {
    const p = enterpriseProvider({
      server: "s",
      clientId: "wren-at-as",
      clientSecret: "as-secret-value",
      issuer: "https://as.example",
      idpIssuer: IDP,
      idpClientId: "wren-at-idp",
      idpClientSecret: "idp-secret-value",
      idToken: tokenSource(
        { file: "idTokenFile", env: "idTokenEnv" },
        { file: "id-token" },
        { project: dir, userHome: dir },
      ),
      env: {},
      fetch: fetchFn,
    });
    // What auth() records after discovery.
    p.saveAuthorizationServerUrl("https://as.example");
    p.saveResourceUrl?.("https://mcp.example/mcp");
    return p;
  }

  it("exchanges the ID token for an ID-JAG for this authorization server and resource (RFC 8693)", async () => {
    let exchange: URLSearchParams | undefined;
    const p = provider(
      idp((body) => {
        exchange = body;
        return json({
          access_token: "eyJ0eXAiOiJvYXV0aC1pZC1qYWcrand0In0.e30.c2ln",
          issued_token_type: "urn:ietf:params:oauth:token-type:id-jag",
          token_type: "N_A",
        });
      }),
    );
    const params = await p.prepareTokenRequest("tools:read");
    expect(params.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(params.get("assertion")).toBe("eyJ0eXAiOiJvYXV0aC1pZC1qYWcrand0In0.e30.c2ln");
    expect(exchange?.get("subject_token")).toBe(ID_TOKEN);
    expect(exchange?.get("subject_token_type")).toBe("urn:ietf:params:oauth:token-type:id_token");
    expect(exchange?.get("requested_token_type")).toBe("urn:ietf:params:oauth:token-type:id-jag");
    expect(exchange?.get("audience")).toBe("https://as.example");
    expect(exchange?.get("resource")).toBe("https://mcp.example/mcp");
  });

  it("says the identity provider refused, with no token or secret in the message", async () => {
    const p = provider(
      idp(() =>
        json(
          {
            error: "invalid_grant",
            error_description: `bad subject_token ${ID_TOKEN} for idp-secret-value`,
          },
          400,
        ),
      ),
    );
    const error = await p.prepareTokenRequest().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpConnectionError);
    const message = (error as Error).message;
    expect(message).toMatch(/^the identity provider https:\/\/idp\.example gave no ID-JAG/);
    expect(message).toContain("invalid_grant");
    expect(message).not.toContain(ID_TOKEN);
    expect(message).not.toContain("idp-secret-value");
  });
});
