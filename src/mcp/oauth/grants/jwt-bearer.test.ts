import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auth, type FetchLike } from "@modelcontextprotocol/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JWT_BEARER_GRANT, JwtBearerProvider } from "./jwt-bearer.js";
import { tokenSource } from "./token-source.js";

const JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmF0dXJl";
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-jwt-bearer-"));
  await writeFile(join(dir, "jwt"), JWT);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function provider(issuer: string): JwtBearerProvider {
  return new JwtBearerProvider({
    server: "s",
    clientId: "workload",
    issuer,
    scope: "tools:read",
    source: tokenSource(
      { file: "assertionFile", env: "assertionEnv" },
      { file: "jwt" },
      { project: dir, userHome: dir },
    ),
    env: {},
  });
}

/** An MCP server at mcp.example whose metadata names `as` as its authorization server. */
function fakeNetwork(as: string): { fetch: FetchLike; bodies: string[] } {
  const bodies: string[] = [];
  const json = (body: unknown): Response =>
    new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
  const fetchFn: FetchLike = async (input, init) => {
    const url = String(input);
    if (init?.body !== undefined) bodies.push(String(init.body));
    if (url.includes("oauth-protected-resource")) {
      return json({ resource: "https://mcp.example/mcp", authorization_servers: [as] });
    }
    if (url.includes("oauth-authorization-server")) {
      return json({
        issuer: as,
        authorization_endpoint: `${as}/authorize`,
        token_endpoint: `${as}/token`,
        response_types_supported: ["code"],
        grant_types_supported: [JWT_BEARER_GRANT],
      });
    }
    if (url === `${as}/token`) {
      return json({ access_token: "at", token_type: "Bearer", expires_in: 60 });
    }
    return new Response("not found", { status: 404 });
  };
  return { fetch: fetchFn, bodies };
}

describe("JwtBearerProvider", () => {
  it("asks for the JWT-bearer grant with the workload's JWT as the assertion (RFC 7523 §2.1)", async () => {
    const params = await provider("https://as.example").prepareTokenRequest("tools:read");
    expect(params.get("grant_type")).toBe(JWT_BEARER_GRANT);
    expect(params.get("assertion")).toBe(JWT);
    expect(params.get("scope")).toBe("tools:read");
  });

  it("gets tokens through the SDK's auth() from the configured authorization server", async () => {
    const net = fakeNetwork("https://as.example");
    const p = provider("https://as.example");
    await expect(
      auth(p, { serverUrl: "https://mcp.example/mcp", fetchFn: net.fetch }),
    ).resolves.toBe("AUTHORIZED");
    expect(p.tokens()?.access_token).toBe("at");
    const sent = new URLSearchParams(net.bodies.at(-1));
    expect(sent.get("assertion")).toBe(JWT);
    expect(sent.get("client_id")).toBe("workload");
  });

  it("never sends the JWT to an authorization server other than the configured issuer", async () => {
    // A hostile MCP server names its own authorization server to collect workload tokens.
    const net = fakeNetwork("https://collector.example");
    await expect(
      auth(provider("https://as.example"), {
        serverUrl: "https://mcp.example/mcp",
        fetchFn: net.fetch,
      }),
    ).rejects.toThrow();
    expect(net.bodies.join("\n")).not.toContain(JWT);
  });
});
