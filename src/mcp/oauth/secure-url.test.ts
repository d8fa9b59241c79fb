import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auth } from "@modelcontextprotocol/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WrenOAuthProvider } from "./provider.js";
import { insecureAuthServer, McpInsecureAuthServerError } from "./secure-url.js";
import { createOAuthStorage, type OAuthStorage } from "./storage.js";

let dir: string;
let storage: OAuthStorage;
const server = { name: "s", url: "https://mcp.example/mcp", oauth: {} };
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-secure-url-"));
  storage = createOAuthStorage({ dir, serverName: "s", serverUrl: server.url });
  // A refresh token lets auth() run without an interactive sign-in.
  await storage.update((s) => ({
    ...s,
    client: { information: { client_id: "c" }, kind: "dcr" },
    tokens: { access_token: "at-old", token_type: "Bearer", refresh_token: "rt-secret" },
  }));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The network: a resource server on https naming `as`, which serves `metadata`. */
function network(as: string, metadata: Record<string, unknown>) {
  const requests: string[] = [];
  const fetchStub = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    requests.push(`${init?.method ?? "GET"} ${url.href}`);
    if (url.pathname.startsWith("/.well-known/oauth-protected-resource")) {
      return Response.json({ resource: server.url, authorization_servers: [as] });
    }
    if (url.pathname.startsWith("/.well-known/oauth-authorization-server")) {
      return Response.json(metadata);
    }
    if (url.pathname === "/token") {
      return Response.json({ access_token: "at-new", token_type: "Bearer", expires_in: 3600 });
    }
    return new Response("not found", { status: 404 });
  };
  return { requests, fetchStub };
}

const metadataFor = (base: string): Record<string, unknown> => ({
  issuer: base,
  authorization_endpoint: `${base}/authorize`,
  token_endpoint: `${base}/token`,
  registration_endpoint: `${base}/register`,
  response_types_supported: ["code"],
  code_challenge_methods_supported: ["S256"],
});

describe("authorization servers on plain http", () => {
  it("refuses a non-loopback http authorization server before any token request", async () => {
    const { requests, fetchStub } = network("http://as.example", metadataFor("http://as.example"));
    const provider = new WrenOAuthProvider({ server, storage, fetch: fetchStub });
    const attempt = auth(provider, { serverUrl: server.url, fetchFn: provider.fetch });
    await expect(attempt).rejects.toBeInstanceOf(McpInsecureAuthServerError);
    await expect(attempt).rejects.toMatchObject({ url: "http://as.example" });
    // The refresh token never travelled: no request to the token endpoint.
    expect(requests.filter((r) => r.includes("/token"))).toEqual([]);
  });

  it("refuses https metadata whose token endpoint is plain http on another host", async () => {
    const metadata = {
      ...metadataFor("https://as.example"),
      token_endpoint: "http://as.example/token",
    };
    const { requests, fetchStub } = network("https://as.example", metadata);
    const provider = new WrenOAuthProvider({ server, storage, fetch: fetchStub });
    const attempt = auth(provider, { serverUrl: server.url, fetchFn: provider.fetch });
    await expect(attempt).rejects.toMatchObject({
      name: "McpInsecureAuthServerError",
      url: "http://as.example/token",
      message: expect.stringContaining("http://as.example/token"),
    });
    expect(requests.filter((r) => r.includes("/token"))).toEqual([]);
  });

  it("still refreshes against an https authorization server", async () => {
    const { requests, fetchStub } = network(
      "https://as.example",
      metadataFor("https://as.example"),
    );
    const provider = new WrenOAuthProvider({ server, storage, fetch: fetchStub });
    expect(await auth(provider, { serverUrl: server.url, fetchFn: provider.fetch })).toBe(
      "AUTHORIZED",
    );
    expect(requests).toContain("POST https://as.example/token");
  });
});

describe("insecureAuthServer", () => {
  it("accepts https and loopback http, names the first other URL", () => {
    expect(insecureAuthServer("s", { authorizationServerUrl: "http://127.0.0.1:9/" })).toBe(
      undefined,
    );
    const error = insecureAuthServer("s", {
      authorizationServerUrl: "https://as.example",
      authorizationServerMetadata: {
        ...metadataFor("https://as.example"),
        authorization_endpoint: "file:///etc/passwd",
      },
    });
    expect(error).toBeInstanceOf(McpInsecureAuthServerError);
    expect(error?.message).toBe(
      "refusing authorization endpoint file:///etc/passwd: authorization servers must use https (http only on loopback)",
    );
  });
});
