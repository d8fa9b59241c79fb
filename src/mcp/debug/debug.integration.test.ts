// `wren mcp debug NAME` against real servers: the OAuth mock signed in and not, a real
// authorization server (oidc-provider), one whose metadata names another issuer, a stdio
// server, and a hostile server whose texts carry escape sequences and secrets.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMcpCli } from "../../cli.js";
import type { RemoteServerConfig } from "../../config/schema.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { runAuthCli } from "../oauth/cli.js";
import { authorizeInBrowser, startOidcAs } from "../oauth/oidc-test-support.js";
import { createOAuthStorage } from "../oauth/storage.js";
import { type OAuthMock, startOAuthMock } from "../oauth/test-support.js";
import { STDIO_MOCK } from "../test-support.js";

let mock: OAuthMock;
let dir: string;

beforeAll(async () => {
  mock = await startOAuthMock();
  dir = await mkdtemp(join(tmpdir(), "wren-mcp-debug-"));
});

afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

/** A fresh WREN_HOME whose user settings hold `servers`. */
async function home(name: string, servers: Record<string, unknown>): Promise<WrenPaths> {
  const paths = resolvePaths({ WREN_HOME: join(dir, name) }, dir);
  await mkdir(paths.home, { recursive: true });
  await writeFile(paths.userSettings, JSON.stringify({ mcpServers: servers }));
  return paths;
}

async function debug(
  paths: WrenPaths,
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runMcpCli(["debug", ...args], {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: { PATH: process.env.PATH },
    cwd: dir,
    paths,
    connectTimeoutMs: 15_000,
  });
  return { code, out, err };
}

/** Signs in to `url` as `demo` through the paste flow (the mock approves at once). */
async function signIn(
  paths: WrenPaths,
  url: string,
  env: NodeJS.ProcessEnv = { PATH: process.env.PATH },
  browser: (authorizationUrl: string) => Promise<string> = async (authorizationUrl) => {
    const response = await fetch(authorizationUrl, { redirect: "manual" });
    return response.headers.get("location") ?? "";
  },
): Promise<void> {
  let out = "";
  const stdin = new PassThrough();
  const server: RemoteServerConfig = {
    name: "demo",
    type: "http",
    url,
    headers: {},
    oauth: {},
    enabled: true,
    source: "test",
  };
  const running = runAuthCli(server, {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: () => true },
    stdin,
    env,
    paths,
    noBrowser: true,
    oauth: { platform: "linux" },
  });
  // The authorization URL, printed on a line of its own (its path is the server's choice).
  const AUTHORIZE = /^(http:\S+\?\S*response_type=code\S*)$/m;
  await expect.poll(() => AUTHORIZE.test(out), { timeout: 15_000 }).toBe(true);
  const authorize = AUTHORIZE.exec(out)?.[1] ?? "";
  stdin.write(`${await browser(authorize)}\n`);
  await running; // throws when the sign-in fails
}

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

describe("wren mcp debug against a real authorization server", () => {
  it("oidc-provider: discovery through the resource's metadata, the issuer checked", async () => {
    const as = await startOidcAs(["--device-flow"]);
    try {
      const paths = await home("oidc", { demo: { url: as.mcpUrl } });
      const { code, out } = await debug(paths, ["demo", "--json"]);
      expect(code).toBe(1);
      const trace = JSON.parse(out);
      expect(trace.oauth.resourceMetadata).toMatchObject({
        status: "ok",
        authorizationServers: [as.issuer],
      });
      expect(trace.oauth.authorizationServer).toMatchObject({
        status: "ok",
        url: as.issuer,
        metadata: { issuer: as.issuer, code_challenge_methods_supported: ["S256"] },
        issuerCheck: { status: "ok" },
      });
      expect(trace.oauth.authorizationServer.metadata.device_authorization_endpoint).toMatch(
        /^http:/,
      );
      expect(trace.failedStep).toMatchObject({ step: "connection" });
      expect(trace.failedStep.error).toContain("needs sign-in");
    } finally {
      await as.close();
    }
  });

  it("oidc-provider signed in: DPoP-bound tokens by their properties, connected, no secret", async () => {
    const as = await startOidcAs();
    try {
      const paths = await home("oidc-signed-in", { demo: { url: as.mcpUrl } });
      await signIn(paths, as.mcpUrl, { PATH: process.env.PATH }, (url) => authorizeInBrowser(url));
      const { code, out } = await debug(paths, ["demo", "--json"]);
      expect(code).toBe(0);
      const trace = JSON.parse(out);
      expect(trace.oauth.tokens).toMatchObject({
        present: true,
        issuer: as.issuer,
        dpopBound: true,
        dpopKey: true,
        refreshToken: true,
      });
      expect(trace.oauth.client).toMatchObject({ kind: "stored", obtainedBy: "dcr" });
      expect(trace.connection).toMatchObject({ status: "ok", auth: "oauth" });
      const state = await createOAuthStorage({
        dir: paths.mcpOAuthDir,
        serverName: "demo",
        serverUrl: as.mcpUrl,
      }).read();
      const secrets = [
        state.tokens?.access_token,
        state.tokens?.refresh_token,
        state.dpopKey?.jwk.d,
      ];
      for (const secret of secrets) {
        expect(secret).toBeDefined();
        expect(out).not.toContain(secret);
      }
    } finally {
      await as.close();
    }
  });

  it("metadata naming another issuer: the issuer check fails first (RFC 8414 §3.3)", async () => {
    const as = await startOidcAs(["--issuer", "https://elsewhere.example"]);
    try {
      const paths = await home("mismatch", { demo: { url: as.mcpUrl } });
      const { code, out } = await debug(paths, ["demo"]);
      expect(code).toBe(1);
      expect(out).toMatch(/\[FAIL\] authorization server metadata/);
      expect(out).toContain("issuer: https://elsewhere.example");
      expect(out).toMatch(/\[FAIL\] issuer check: issuer https:\/\/elsewhere\.example/);
      expect(out).toMatch(/result: failed at issuer check: .*RFC 8414/);
    } finally {
      await as.close();
    }
  });
});

describe("wren mcp debug against a hostile server", () => {
  const ESC = "\u001b";
  const HEADER_SECRET = "hdr-secret-value-0123456789";
  const STORED_TOKEN = "stored-access-token-0123456789";
  const STORED_REFRESH = "stored-refresh-token-0123456789";
  let server: Server;
  let base = "";

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? "";
      if (url.startsWith("/.well-known/oauth-protected-resource")) {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ resource: `${base}/mcp`, authorization_servers: [base] }));
        return;
      }
      if (url.startsWith("/.well-known/oauth-authorization-server")) {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            issuer: base,
            authorization_endpoint: `${base}/authorize${ESC}]52;c;cHdu${ESC}\\`,
            token_endpoint: `${base}/token${ESC}[2J`,
            registration_endpoint: `${base}/register?access_token=leaked-in-metadata-0123456789`,
            response_types_supported: ["code"],
            code_challenge_methods_supported: [`S256${ESC}]0;owned${ESC}\\`],
          }),
        );
        return;
      }
      // The MCP endpoint fails, echoing what it was sent: the header, the stored token.
      res.statusCode = 500;
      res.setHeader("content-type", "text/plain");
      res.end(
        `${ESC}[31mboom${ESC}[0m ${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\ ` +
          `authorization=${req.headers.authorization ?? ""} x-api-key=${req.headers["x-api-key"] ?? ""} ` +
          "id=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlX2hlcmU",
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("escape sequences never reach the output raw; no secret value does either", async () => {
    const paths = await home("hostile", {
      evil: { url: `${base}/mcp`, headers: { "X-Api-Key": HEADER_SECRET } },
    });
    const storage = createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "evil",
      serverUrl: `${base}/mcp`,
    });
    await storage.update((state) => ({
      ...state,
      issuer: base,
      tokens: {
        access_token: STORED_TOKEN,
        token_type: "Bearer",
        refresh_token: STORED_REFRESH,
        expires_at: Date.now() + 3_600_000,
      },
    }));
    const text = await debug(paths, ["evil"]);
    const json = await debug(paths, ["evil", "--json"]);
    expect(text.code).toBe(1);
    expect(json.code).toBe(1);
    // The server's own words are there, inert.
    expect(text.out).toContain("␛[31mboom");
    expect(text.out).toMatch(
      /result: failed at connection: HTTP 500.*; the server said: ␛\[31mboom/,
    );
    for (const output of [text.out, text.err, json.out, json.err]) {
      expect(output).not.toContain(ESC);
      for (const secret of [HEADER_SECRET, STORED_TOKEN, STORED_REFRESH]) {
        expect(output).not.toContain(secret);
      }
      expect(output).not.toContain("leaked-in-metadata-0123456789");
      expect(output).not.toContain("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0");
    }
    const trace = JSON.parse(json.out);
    expect(trace.result).toBe("failed");
    // The stored file still holds the token: debug did not drop or print it.
    expect((await storage.read()).tokens?.access_token).toBe(STORED_TOKEN);
  });
});
