import { describe, expect, it } from "vitest";
import {
  describeAnswer,
  exchangeKind,
  exchangeLine,
  type HttpExchange,
  issuerForMetadataUrl,
  traceFetch,
} from "./http-trace.js";

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

/** A fetch answering `answer` whatever is asked, and the exchanges traced through it. */
function traced(answer: () => Response, secrets: string[] = []) {
  const seen: HttpExchange[] = [];
  const fetchFn = traceFetch(
    async () => answer(),
    (e) => seen.push(e),
    { secrets },
  );
  return { fetchFn, seen };
}

describe("exchangeKind", () => {
  it("tells the OAuth steps apart by URL and body", () => {
    const post = (body: string): RequestInit => ({ method: "POST", body });
    expect(
      exchangeKind("https://a.example/.well-known/oauth-protected-resource/mcp", "GET", undefined)
        .kind,
    ).toBe("resource-metadata");
    expect(
      exchangeKind("https://a.example/.well-known/openid-configuration", "GET", undefined).kind,
    ).toBe("authorization-server-metadata");
    expect(
      exchangeKind(
        "https://a.example/token",
        "POST",
        post("grant_type=refresh_token&refresh_token=x"),
      ),
    ).toEqual({ kind: "token", grant: "refresh_token" });
    expect(exchangeKind("https://a.example/revoke", "POST", post("token=x&client_id=c")).kind).toBe(
      "revocation",
    );
    expect(
      exchangeKind(
        "https://a.example/register",
        "POST",
        post('{"redirect_uris":["http://127.0.0.1/cb"]}'),
      ).kind,
    ).toBe("registration");
    expect(exchangeKind("https://a.example/mcp", "POST", post('{"jsonrpc":"2.0"}')).kind).toBe(
      "mcp",
    );
  });
});

describe("issuerForMetadataUrl (RFC 8414 §3.3)", () => {
  it("derives the issuer a metadata URL must name", () => {
    expect(
      issuerForMetadataUrl("https://a.example/.well-known/oauth-authorization-server/tenant"),
    ).toBe("https://a.example/tenant");
    expect(issuerForMetadataUrl("https://a.example/.well-known/openid-configuration")).toBe(
      "https://a.example",
    );
    expect(issuerForMetadataUrl("https://a.example/tenant/.well-known/openid-configuration")).toBe(
      "https://a.example/tenant",
    );
    expect(issuerForMetadataUrl("https://a.example/token")).toBeUndefined();
  });
});

describe("describeAnswer", () => {
  it("says what a token answer holds, never the values", () => {
    const said = describeAnswer("token", 200, {
      access_token: "at-value-0123456789",
      refresh_token: "rt-value-0123456789",
      token_type: "DPoP",
      expires_in: 3600,
      scope: "mcp:read",
    });
    expect(said).toBe('token_type DPoP, expires_in 3600s, scope "mcp:read", refresh token yes');
  });

  it("gives an OAuth error as code and description", () => {
    expect(
      describeAnswer("token", 400, { error: "invalid_grant", error_description: "used twice" }),
    ).toBe("invalid_grant: used twice");
  });

  it("checks the metadata's issuer against the URL it was found at", () => {
    const url = "https://a.example/.well-known/oauth-authorization-server";
    expect(
      describeAnswer("authorization-server-metadata", 200, { issuer: "https://a.example" }, url),
    ).toBe("issuer https://a.example (matches the discovery URL)");
    expect(
      describeAnswer("authorization-server-metadata", 200, { issuer: "https://evil.example" }, url),
    ).toContain("refused, RFC 8414 §3.3");
  });
});

describe("traceFetch", () => {
  it("reports a token exchange by status and grant, with no secret value", async () => {
    const { fetchFn, seen } = traced(() =>
      json({
        access_token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
        token_type: "Bearer",
        refresh_token: "refresh-secret-0123",
      }),
    );
    const response = await fetchFn("https://a.example/token?code=the-code-value", {
      method: "POST",
      body: "grant_type=authorization_code&code=the-code-value&code_verifier=verifier-0123456789",
    });
    // The caller still reads the whole answer.
    expect(await response.json()).toMatchObject({ token_type: "Bearer" });
    expect(seen).toHaveLength(1);
    const line = exchangeLine(seen[0] as HttpExchange);
    expect(line).toBe(
      "token POST https://a.example/token?code=*** (authorization_code) -> 200: token_type Bearer, refresh token yes",
    );
    for (const secret of [
      "eyJhbGciOiJIUzI1NiJ9",
      "refresh-secret-0123",
      "the-code-value",
      "verifier-0123456789",
    ]) {
      expect(JSON.stringify(seen)).not.toContain(secret);
    }
  });

  it("reports an MCP 403 challenge (step-up) and an MCP error's text, redacted", async () => {
    const challenge = traced(
      () =>
        new Response(null, {
          status: 403,
          headers: { "www-authenticate": 'Bearer error="insufficient_scope", scope="mcp:write"' },
        }),
    );
    await challenge.fetchFn("https://a.example/mcp", { method: "POST", body: "{}" });
    expect(exchangeLine(challenge.seen[0] as HttpExchange)).toBe(
      'mcp POST https://a.example/mcp -> 403: error insufficient_scope, scope "mcp:write"',
    );

    const failing = traced(
      () => new Response("boom: header was known-secret-value-42", { status: 500 }),
      ["known-secret-value-42"],
    );
    await failing.fetchFn("https://a.example/mcp", { method: "POST", body: "{}" });
    expect(failing.seen[0]?.said).toBe("boom: header was ***");
  });

  it("leaves successful MCP requests out unless asked, and never reads their stream", async () => {
    let cloned = false;
    const answer = (): Response => {
      const response = new Response("data: x\n\n", {
        status: 200,
        headers: { "content-type": "text/event-stream" },
      });
      const clone = response.clone.bind(response);
      response.clone = () => {
        cloned = true;
        return clone();
      };
      return response;
    };
    const quiet = traced(answer);
    await quiet.fetchFn("https://a.example/mcp", { method: "GET" });
    expect(quiet.seen).toEqual([]);
    expect(cloned).toBe(false);
  });

  it("reports a request that got no answer", async () => {
    const seen: HttpExchange[] = [];
    const fetchFn = traceFetch(
      async () => {
        throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
      },
      (e) => seen.push(e),
    );
    await expect(
      fetchFn("https://a.example/.well-known/oauth-protected-resource", {}),
    ).rejects.toThrow("fetch failed");
    expect(exchangeLine(seen[0] as HttpExchange)).toBe(
      "resource-metadata GET https://a.example/.well-known/oauth-protected-resource -> no answer: fetch failed: connect ECONNREFUSED",
    );
  });
});
