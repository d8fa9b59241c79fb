import { describe, expect, it } from "vitest";
import { formatDebugTrace, relativeTime } from "./debug-text.js";
import type { DebugTrace } from "./debug-trace.js";

const ESC = "\u001b";

function trace(overrides: Partial<DebugTrace> = {}): DebugTrace {
  return {
    version: 1,
    server: "demo",
    config: {
      transport: "http",
      source: "/home/settings.json",
      enabled: true,
      url: "https://mcp.example/mcp",
      headers: ["X-Api-Key"],
      oauth: { clientSecret: "***", scope: "read" },
    },
    oauth: {
      probe: {
        status: "ok",
        method: "POST",
        url: "https://mcp.example/mcp",
        httpStatus: 401,
        challenge: "resource_metadata https://mcp.example/.well-known/oauth-protected-resource/mcp",
        note: "the server asks for a token",
      },
      resourceMetadata: {
        status: "ok",
        tried: [
          {
            kind: "resource-metadata",
            method: "GET",
            url: "https://mcp.example/.well-known/oauth-protected-resource/mcp",
            status: 200,
            said: "authorization_servers https://as.example",
          },
        ],
        resource: "https://mcp.example/mcp",
        authorizationServers: ["https://as.example"],
        note: "found",
      },
      authorizationServer: {
        status: "ok",
        url: "https://as.example",
        tried: [],
        metadata: {
          issuer: "https://as.example",
          token_endpoint: `https://as.example/token${ESC}]52;c;cHdu${ESC}\\`,
          code_challenge_methods_supported: ["S256"],
          authorization_response_iss_parameter_supported: true,
          dpop_signing_alg_values_supported: ["ES256"],
        },
        issuerCheck: {
          status: "ok",
          discoveryUrl: "https://as.example",
          issuer: "https://as.example",
          note: "matches",
        },
      },
      client: {
        status: "ok",
        kind: "stored",
        obtainedBy: "dcr",
        clientId: "client-1",
        clientSecret: true,
        redirectUri: "http://127.0.0.1:4567/callback",
        note: "stored",
      },
      tokens: {
        status: "ok",
        present: true,
        issuer: "https://as.example",
        expiresAt: "2026-12-03T06:00:00.000Z",
        expiresInSeconds: 3540,
        scope: "read",
        refreshToken: true,
        dpopBound: true,
        dpopKey: true,
        note: "usable",
      },
      lock: {
        file: "/home/mcp-oauth/demo.json.lock",
        held: true,
        pid: 4242,
        alive: false,
        ageMs: 95_000,
      },
      stateFile: "/home/mcp-oauth/demo.json",
    },
    connection: {
      status: "failed",
      error: `HTTP 500; the server said: ${ESC}[31mboom\nforged line`,
    },
    http: [],
    notes: [],
    result: "failed",
    failedStep: {
      step: "connection",
      error: `HTTP 500; the server said: ${ESC}[31mboom\nforged line`,
    },
    ...overrides,
  };
}

describe("formatDebugTrace", () => {
  it("shows each step on its line, details under it, the failure last", () => {
    const text = formatDebugTrace(trace());
    const lines = text.split("\n");
    expect(lines[0]).toBe("MCP debug: demo");
    expect(text).toContain(
      "[ok]   config: http https://mcp.example/mcp (from /home/settings.json)",
    );
    expect(text).toContain("headers: X-Api-Key (values not shown)");
    expect(text).toContain("oauth: clientSecret ***, scope read");
    expect(text).toContain("iss in authorization responses (RFC 9207): yes");
    expect(text).toContain("DPoP algorithms: ES256");
    expect(text).toContain("client identity: stored dcr client client-1: stored");
    expect(text).toContain("client secret: set (not shown)");
    expect(text).toContain("expires 2026-12-03T06:00:00.000Z (in 59 min)");
    expect(text).toContain("DPoP-bound: yes (key stored)");
    expect(text).toContain("refresh lock: held by pid 4242 (not running: stale), taken 2 min ago");
    expect(lines.at(-1)).toBe(
      "result: failed at connection: HTTP 500; the server said: ␛[31mboom␊forged line",
    );
  });

  it("never lets a server's text drive the terminal or start a line of its own", () => {
    const text = formatDebugTrace(trace());
    expect(text).not.toContain(ESC);
    expect(text).toContain("token endpoint: https://as.example/token␛]52;c;cHdu␛\\");
    expect(text.split("\n").filter((l) => l.startsWith("forged line"))).toEqual([]);
  });

  it("a connected stdio server: no OAuth section, the connection's facts", () => {
    const text = formatDebugTrace({
      version: 1,
      server: "local",
      config: {
        transport: "stdio",
        source: "/p/.mcp.json",
        enabled: true,
        command: "node",
        args: ["server.js", "--token=***"],
        env: ["API_TOKEN"],
      },
      connection: {
        status: "ok",
        protocolVersion: "2026-07-28",
        serverName: "mock",
        serverVersion: "1.0.0",
        capabilities: ["tools", "resources"],
        tools: 3,
      },
      http: [],
      notes: [],
      result: "connected",
    });
    expect(text).toContain("[ok]   config: stdio node server.js --token=*** (from /p/.mcp.json)");
    expect(text).toContain("env: API_TOKEN (values not shown)");
    expect(text).toContain("[skip] OAuth: a stdio server");
    expect(text).toContain("[ok]   connection: protocol 2026-07-28; server mock 1.0.0");
    expect(text).toContain("capabilities: tools, resources");
    expect(text).toContain("tools: 3");
    expect(text.split("\n").at(-1)).toBe("result: connected");
  });
});

describe("relativeTime", () => {
  it("reads as people say it", () => {
    expect(relativeTime(30)).toBe("in 30 s");
    expect(relativeTime(-120)).toBe("2 min ago");
    expect(relativeTime(7200)).toBe("in 2 h");
    expect(relativeTime(-3 * 86_400)).toBe("3 d ago");
  });
});
