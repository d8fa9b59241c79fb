// `wren mcp debug NAME` against the OAuth mock, signed in and not, and a stdio server; and
// WREN_DEBUG=oauth's log. A real authorization server: debug-oidc.integration.test.ts; a
// hostile one: debug-hostile.integration.test.ts.
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOAuthStorage } from "../oauth/storage.js";
import { type OAuthMock, startOAuthMock } from "../oauth/test-support.js";
import { STDIO_MOCK } from "../test-support.js";
import { signIn, useDebugHomes } from "./test-support.js";

const { home, debug } = useDebugHomes();
let mock: OAuthMock;

beforeAll(async () => {
  mock = await startOAuthMock();
});

afterAll(async () => {
  await mock.close();
});

describe("wren mcp debug", () => {
  it("traces discovery and says what a sign-in would do when not signed in (exit 1)", async () => {
    const paths = await home("not-signed-in", { demo: { url: mock.url } });
    const before = await mock.stats();
    const { code, out } = await debug(paths, ["demo"]);
    expect(code).toBe(1);
    expect(out).toContain(`POST ${mock.url} -> 401`);
    expect(out).toMatch(/\[ok\] {3}protected resource metadata \(RFC 9728\)/);
    expect(out).toContain("/.well-known/oauth-protected-resource");
    expect(out).toMatch(/\[ok\] {3}authorization server metadata \(RFC 8414\)/);
    expect(out).toContain(`issuer: ${mock.base}`);
    expect(out).toContain("PKCE methods: S256");
    expect(out).toMatch(/\[ok\] {3}issuer check/);
    expect(out).toContain("a sign-in would register one at");
    expect(out).toContain("redirect URI: http://127.0.0.1:<free port>/callback");
    expect(out).toMatch(/\[warn\] stored tokens: not signed in/);
    expect(out).toContain("refresh lock: free");
    expect(out).toContain("result: failed at connection: needs sign-in");
    expect(out).toContain("run wren mcp auth demo");
    // Debug never registers a client nor starts a sign-in.
    const after = await mock.stats();
    expect(after.register).toBe(before.register);
    expect(after.authorize).toBe(before.authorize);
  });

  it("signed in: stored token state without values, the connection, exit 0; --json parses", async () => {
    const paths = await home("signed-in", { demo: { url: mock.url } });
    await signIn(paths, mock.url);
    const storage = createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "demo",
      serverUrl: mock.url,
    });
    const { code, out } = await debug(paths, ["demo"]);
    expect(code).toBe(0);
    expect(out).toMatch(/client identity: stored dcr client \S+/);
    expect(out).toMatch(/redirect URI: http:\/\/127\.0\.0\.1:\d+\/callback/);
    expect(out).toContain("refresh token: yes");
    expect(out).toContain("DPoP-bound: no");
    expect(out).toMatch(/expires \S+ \(in \d+ (s|min|h)\)/);
    expect(out).toMatch(/\[ok\] {3}connection: protocol \S+; server \S+/);
    expect(out).toMatch(/tools: \d+ \(signed in with OAuth\)/);
    expect(out).toContain("result: connected");

    const json = await debug(paths, ["demo", "--json"]);
    expect(json.code).toBe(0);
    const trace = JSON.parse(json.out);
    expect(trace).toMatchObject({
      version: 1,
      server: "demo",
      result: "connected",
      config: { transport: "http", url: mock.url },
      oauth: {
        tokens: { present: true, refreshToken: true, dpopBound: false },
        client: { kind: "stored", obtainedBy: "dcr" },
        authorizationServer: { status: "ok", metadata: { issuer: mock.base } },
        lock: { held: false },
      },
      connection: { status: "ok" },
    });
    expect(trace.connection.tools).toBeGreaterThan(0);
    expect(typeof trace.connection.protocolVersion).toBe("string");

    // Whatever the tokens are now (a connect may refresh them), no value is in either output.
    const state = await storage.read();
    const secrets = [
      state.tokens?.access_token,
      state.tokens?.refresh_token,
      state.client?.information.client_secret,
    ].filter((s): s is string => s !== undefined);
    expect(secrets.length).toBeGreaterThan(1);
    for (const secret of secrets) {
      expect(out).not.toContain(secret);
      expect(json.out).not.toContain(secret);
    }
  });

  it("names a held refresh lock: its pid and age", async () => {
    const paths = await home("locked", { demo: { url: mock.url } });
    const storage = createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "demo",
      serverUrl: mock.url,
    });
    await mkdir(paths.mcpOAuthDir, { recursive: true });
    await writeFile(storage.lockFile, `${process.pid} ${Date.now() - 5_000} abcd`);
    try {
      const { out } = await debug(paths, ["demo", "--json"]);
      const trace = JSON.parse(out);
      expect(trace.oauth.lock).toMatchObject({ held: true, pid: process.pid, alive: true });
      expect(trace.oauth.lock.ageMs).toBeGreaterThanOrEqual(5_000);
      const text = await debug(paths, ["demo"]);
      expect(text.out).toMatch(
        new RegExp(`refresh lock: held by pid ${process.pid} \\(running\\), taken \\d+ s ago`),
      );
    } finally {
      await rm(storage.lockFile, { force: true });
    }
  });

  it("an unknown server name is a usage error (exit 2)", async () => {
    const paths = await home("unknown", { demo: { url: mock.url } });
    const { code, err } = await debug(paths, ["nope"]);
    expect(code).toBe(2);
    expect(err).toContain('no MCP server named "nope"');
  });

  it("a stdio server: no OAuth, the connection and its tools (exit 0)", async () => {
    const paths = await home("stdio", {
      local: {
        command: process.execPath,
        args: [STDIO_MOCK],
        env: { API_TOKEN: "stdio-secret-0123456789" },
      },
    });
    const { code, out } = await debug(paths, ["local"]);
    expect(code).toBe(0);
    expect(out).toContain("[skip] OAuth: a stdio server");
    expect(out).toContain("env: API_TOKEN (values not shown)");
    expect(out).toMatch(/connection: protocol \S+; server \S+/);
    expect(out).toMatch(/tools: \d+/);
    expect(out).not.toContain("stdio-secret-0123456789");
  });
});

describe("WREN_DEBUG=oauth", () => {
  it("logs discovery, registration and token answers by status to logs/oauth.log, no secret", async () => {
    const paths = await home("debug-log", { demo: { url: mock.url } });
    await signIn(paths, mock.url, { PATH: process.env.PATH, WREN_DEBUG: "oauth" });
    const log = await readFile(join(paths.logsDir, "oauth.log"), "utf8");
    expect(log).toMatch(
      /resource-metadata GET \S+\/\.well-known\/oauth-protected-resource\S* -> 200/,
    );
    expect(log).toMatch(
      /authorization-server-metadata GET \S+ -> 200: issuer \S+ \(matches the discovery URL\)/,
    );
    expect(log).toMatch(/registration POST \S+\/register -> 201: client registered/);
    expect(log).toMatch(
      /token POST \S+\/token \(authorization_code\) -> 200: token_type Bearer, .*refresh token yes/,
    );
    expect((await stat(join(paths.logsDir, "oauth.log"))).mode & 0o777).toBe(0o600);
    const state = await createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "demo",
      serverUrl: mock.url,
    }).read();
    for (const secret of [state.tokens?.access_token, state.tokens?.refresh_token]) {
      expect(secret).toBeDefined();
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/code=[^*\s]/);
  });

  it("writes nothing without it", async () => {
    const paths = await home("no-debug-log", { demo: { url: mock.url } });
    await signIn(paths, mock.url);
    await expect(stat(join(paths.logsDir, "oauth.log"))).rejects.toThrow();
  });
});
