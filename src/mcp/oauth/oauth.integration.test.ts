// The real provider, loopback, browser launcher and SDK client against mock-mcps/http-oauth.mjs,
// with a fake browser (a script used as $BROWSER that follows the redirect).
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RemoteServerConfig } from "../../config/schema.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { connectMcpServer, type McpConnection } from "../connect.js";
import { McpConnectionError, McpNeedsAuthError } from "../errors.js";
import { createMcpManager, type McpManager } from "../manager.js";
import { type AuthPrompt, type AuthPromptStore, createAuthPromptStore } from "./auth-store.js";
import {
  McpAuthCancelledError,
  McpAuthClientIdentityError,
  McpAuthDeniedError,
  McpAuthError,
  McpAuthIssuerError,
  McpAuthPortBusyError,
  McpAuthTimeoutError,
} from "./errors.js";
import { describeLogout } from "./logout-text.js";
import { createMcpOAuth, type McpOAuth } from "./mcp-oauth.js";
import { createOAuthStorage } from "./storage.js";
import { FAKE_BROWSER, type OAuthMock, startOAuthMock } from "./test-support.js";

let dir: string;
let paths: WrenPaths;
let browserLog: string;
const connections: McpConnection[] = [];
const mocks: OAuthMock[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-oauth-it-"));
  paths = resolvePaths({ WREN_HOME: join(dir, "home") }, dir);
  browserLog = join(dir, "browser.log");
});

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
  // A connection's background stream may still be finishing a write as it closes.
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
});

afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
});

async function mockWith(args: readonly string[] = []): Promise<OAuthMock> {
  const mock = await startOAuthMock(args);
  mocks.push(mock);
  return mock;
}

function serverFor(mock: OAuthMock, name = "demo"): RemoteServerConfig {
  return {
    name,
    type: "http",
    url: mock.url,
    headers: {},
    oauth: {},
    enabled: true,
    source: join(dir, "settings.json"),
  };
}

interface Harness {
  readonly oauth: McpOAuth;
  readonly store: AuthPromptStore;
  connect(server: RemoteServerConfig): Promise<McpConnection>;
  signIn(server: RemoteServerConfig): Promise<McpConnection>;
}

function harness(
  options: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    interactive?: boolean;
    now?: () => number;
  } = {},
): Harness {
  const store = createAuthPromptStore();
  const oauth = createMcpOAuth({
    paths,
    ...(options.interactive !== false && { interaction: store }),
    env: {
      BROWSER: FAKE_BROWSER,
      FAKE_BROWSER_LOG: browserLog,
      PATH: process.env.PATH,
      ...options.env,
    },
    platform: "linux",
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.now && { now: options.now }),
  });
  const wrapped = oauth.wrapConnect(connectMcpServer);
  const connect = async (server: RemoteServerConfig, signIn = false): Promise<McpConnection> => {
    const connection = await wrapped({ server, paths, connectTimeoutMs: 10_000, signIn });
    connections.push(connection);
    return connection;
  };
  return {
    oauth,
    store,
    connect: (server) => connect(server),
    signIn: (server) => connect(server, true),
  };
}

/** A manager of `server` with the harness's OAuth, started and settled; the test closes it. */
async function settledManager(
  server: RemoteServerConfig,
): Promise<{ manager: McpManager; store: AuthPromptStore }> {
  const { oauth, store } = harness();
  const manager = createMcpManager({
    servers: [server],
    paths,
    connect: oauth.wrapConnect(connectMcpServer),
    logout: async (s) => describeLogout(s.name, await oauth.logout(s)),
  });
  manager.start();
  await manager.whenSettled();
  return { manager, store };
}

async function browserUrls(): Promise<string[]> {
  const text = await readFile(browserLog, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean);
}

/** Resolves with the first prompt the store shows. */
function nextPrompt(store: AuthPromptStore): Promise<AuthPrompt> {
  return new Promise((resolve) => {
    const check = (): void => {
      const prompt = store.getSnapshot()[0];
      if (prompt) {
        unsubscribe();
        resolve(prompt);
      }
    };
    const unsubscribe = store.subscribe(check);
    check();
  });
}

/** Follows the authorization URL like a browser would, stopping at the loopback callback. */
async function callbackUrlFor(authorizationUrl: string): Promise<string> {
  const response = await fetch(authorizationUrl, { redirect: "manual" });
  await response.body?.cancel();
  const location = response.headers.get("location");
  if (!location) throw new Error(`no redirect from ${authorizationUrl}`);
  return location;
}

describe("mix-up defences against a hostile authorization server", () => {
  /** Signs in to a mock started with `args`; resolves with what the sign-in rejected with. */
  async function refusal(
    args: readonly string[],
  ): Promise<{ error: unknown; mock: OAuthMock; oauth: McpOAuth }> {
    const hostile = await mockWith(args);
    const { signIn, oauth } = harness();
    const error = await signIn(serverFor(hostile)).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, mock: hostile, oauth };
  }

  it("refuses a callback whose iss names another issuer, and never exchanges the code", async () => {
    const { error, mock, oauth } = await refusal(["--iss", "wrong"]);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toContain('"https://attacker.example"');
    expect(message).toContain(JSON.stringify(mock.base));
    expect((await mock.stats()).tokenAuthorizationCode).toBe(0);
    expect(await oauth.hasTokens(serverFor(mock))).toBe(false);
  });

  it("refuses a callback without iss when the server's metadata promises one", async () => {
    const { error, mock } = await refusal(["--iss", "omit"]);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    expect((error as Error).message).toMatch(/carries no issuer/);
    expect((error as Error).message).toContain(JSON.stringify(mock.base));
    expect((await mock.stats()).tokenAuthorizationCode).toBe(0);
  });

  it("accepts a callback without iss from a server that never promised one", async () => {
    const legacy = await mockWith(["--iss", "none"]);
    const { signIn } = harness();
    const connection = await signIn(serverFor(legacy));
    expect((await connection.listTools()).length).toBeGreaterThan(0);
  });

  it("checks a pasted callback URL's iss the same way", async () => {
    const honest = await mockWith();
    const { signIn, store } = harness({ env: { FAKE_BROWSER_MODE: "ignore" } });
    const signing = signIn(serverFor(honest));
    signing.catch(() => {});
    const prompt = await nextPrompt(store);
    const callback = new URL(await callbackUrlFor(prompt.url));
    expect(callback.searchParams.get("iss")).toBe(honest.base);
    callback.searchParams.set("iss", "https://attacker.example");
    prompt.submit(callback.href);
    const error = await signing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    expect((error as McpAuthIssuerError).received).toBe("https://attacker.example");
    expect((await honest.stats()).tokenAuthorizationCode).toBe(0);
  });

  it("refuses a pasted URL without iss when the server promises one", async () => {
    const honest = await mockWith();
    const { signIn, store } = harness({ env: { FAKE_BROWSER_MODE: "ignore" } });
    const signing = signIn(serverFor(honest));
    signing.catch(() => {});
    const prompt = await nextPrompt(store);
    const callback = new URL(await callbackUrlFor(prompt.url));
    callback.searchParams.delete("iss");
    prompt.submit(callback.href);
    const error = await signing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    expect((error as Error).message.split("\n")).toHaveLength(1);
    expect((error as Error).message).toContain(JSON.stringify(honest.base));
    expect((await honest.stats()).tokenAuthorizationCode).toBe(0);
  });

  it("an authorization-server migration re-registers; old credentials never reach the new one", async () => {
    const resource = await mockWith();
    const newAs = await mockWith();
    const server = serverFor(resource);
    const first = harness();
    await first.signIn(server);
    const storage = createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: server.name,
      serverUrl: server.url,
    });
    const signedIn = await storage.read();
    expect(signedIn.tokens?.refresh_token).toBeDefined();
    const firstClient = signedIn.client?.information.client_id;
    const before = await resource.stats();

    // The resource now names another authorization server, and refuses the stored token.
    await resource.hook("move-as", `to=${encodeURIComponent(newAs.base)}`);
    await resource.hook("force-401");
    const second = harness();
    // The new server serves other resources, so this sign-in ends at its authorization
    // endpoint (invalid_target); what matters is where the credentials went.
    await second.signIn(server).catch(() => undefined);

    const after = await resource.stats();
    const moved = await newAs.stats();
    expect(after.tokenRefresh - before.tokenRefresh).toBe(0); // the old server is not asked again
    expect(moved.register).toBe(1); // registered anew at the new server
    expect(moved.authorize).toBe(1);
    expect(moved.tokenRefresh).toBe(0); // the old refresh token never reached it
    const state = await storage.read();
    expect(state.discovery?.authorizationServerUrl).toMatch(new RegExp(`^${newAs.base}/?$`));
    expect(state.tokens).toBeUndefined();
    expect(state.client?.information.client_id).not.toBe(firstClient);
  });

  it("a refused registration is one line naming the step and the way out", async () => {
    const { error, mock } = await refusal(["--reject-registration"]);
    expect(error).toBeInstanceOf(McpAuthClientIdentityError);
    expect((error as Error).message).toBe(
      `sign-in failed: no client identity at ${JSON.stringify(mock.base)} — dynamic client registration: refused (HTTP 400 invalid_client_metadata: registration is closed); configured client: oauth.clientId is not set; set oauth.clientId to a client registered for wren`,
    );
    expect((await mock.stats()).authorize).toBe(0);
  });

  it("refuses metadata whose issuer is not where it was found, before registering", async () => {
    const { error, mock } = await refusal(["--metadata-issuer", "https://other.example"]);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    const message = (error as Error).message;
    expect(message).toContain('"https://other.example"');
    expect(message).toContain(JSON.stringify(mock.base));
    const stats = await mock.stats();
    expect(stats.register).toBe(0);
    expect(stats.authorize).toBe(0);
    expect(await browserUrls()).toEqual([]);
  });
});

describe("OAuth sign-in against the mock", () => {
  let mock: OAuthMock;
  beforeAll(async () => {
    mock = await mockWith();
  });

  it("signs in through the browser, stores tokens 0600 in a 0700 dir, and the next run opens no browser", async () => {
    const server = serverFor(mock);
    const first = harness();
    const before = await mock.stats();
    const connection = await first.signIn(server);
    const tools = await connection.listTools();
    expect(tools.map((t) => t.name)).toContain("echo");
    expect(await browserUrls()).toHaveLength(1);
    const after = await mock.stats();
    expect(after.register - before.register).toBe(1);
    expect(after.tokenAuthorizationCode - before.tokenAuthorizationCode).toBe(1);
    expect(first.store.getSnapshot()).toEqual([]);

    const files = await readdir(paths.mcpOAuthDir);
    const stateFile = files.find((f) => f.endsWith(".json"));
    expect(stateFile).toMatch(/^demo-[0-9a-f]{12}\.json$/);
    expect((await stat(paths.mcpOAuthDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(paths.mcpOAuthDir, stateFile ?? ""))).mode & 0o777).toBe(0o600);

    // A second process (a new McpOAuth, no sign-in requested) connects with the stored tokens.
    const second = harness();
    const again = await second.connect(server);
    const result = await again.callTool("echo", { text: "hi" });
    expect(result.content).toEqual([{ type: "text", text: "hi" }]);
    expect(await browserUrls()).toHaveLength(1);
    expect((await mock.stats()).authorize).toBe(after.authorize);
  });

  it("never opens a browser or registers at startup: needs auth with a one-line hint", async () => {
    const server = serverFor(mock, "fresh");
    const before = await mock.stats();
    const { connect, store } = harness();
    const error = await connect(server).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpNeedsAuthError);
    expect((error as Error).message).toBe("fresh needs sign-in: run .mcp auth fresh");
    expect(store.getSnapshot()).toEqual([]);
    expect(await browserUrls()).toEqual([]);
    expect((await mock.stats()).register).toBe(before.register);
  });

  it("rethrows errors that are not a 401 untouched, without prompting", async () => {
    const { signIn, store } = harness();
    const server = { ...serverFor(mock), url: `${mock.base}/nope` };
    const error = await signIn(server).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect((error as McpConnectionError).kind).toBe("not-found");
    expect(store.getSnapshot()).toEqual([]);
    expect(await browserUrls()).toEqual([]);
  });

  /** After one sign-in: a 401 refreshes silently; with every token revoked, the browser again. */
  async function expectReauthorization(connection: McpConnection): Promise<void> {
    await mock.hook("force-401");
    expect((await connection.callTool("echo", { text: "a" })).isError).toBeFalsy();
    expect(await browserUrls()).toHaveLength(1);
    await mock.hook("revoke-all");
    const result = await connection.callTool("echo", { text: "b" });
    expect(result.content).toEqual([{ type: "text", text: "b" }]);
    expect(await browserUrls()).toHaveLength(2);
  }

  it("re-authorizes on a 401 mid-session and retries the call once on the live client", async () => {
    const { signIn } = harness();
    await expectReauthorization(await signIn(serverFor(mock)));
  });

  it("over legacy SSE: signs in with the /sse resource, reuses the tokens and re-authorizes on a 401", async () => {
    const server: RemoteServerConfig = {
      ...serverFor(mock, "legacy"),
      type: "sse",
      url: mock.sseUrl,
    };
    const { signIn } = harness();
    const connection = await signIn(server);
    expect((await connection.listTools()).map((t) => t.name)).toContain("echo");
    const [first] = await browserUrls();
    expect(new URL(first ?? "").searchParams.get("resource")).toBe(mock.sseUrl);

    // Another process connects with the stored tokens, no browser.
    const again = await harness().connect(server);
    expect((await again.callTool("echo", { text: "stored" })).content).toEqual([
      { type: "text", text: "stored" },
    ]);
    // 401s on message POSTs: a silent refresh, then the browser once every token is revoked.
    await expectReauthorization(connection);
  });

  it("two calls refused at once after the server forgot the client: one registration, one prompt", async () => {
    const fresh = await mockWith();
    const server = serverFor(fresh);
    const { signIn } = harness();
    const connection = await signIn(server);
    await fresh.hook("forget-clients");
    const before = await fresh.stats();
    const results = await Promise.all([
      connection.callTool("echo", { text: "one" }),
      connection.callTool("echo", { text: "two" }),
    ]);
    expect(results.map((r) => r.content)).toEqual([
      [{ type: "text", text: "one" }],
      [{ type: "text", text: "two" }],
    ]);
    const after = await fresh.stats();
    expect(after.register - before.register).toBe(1);
    expect(after.clients).toBe(1);
    expect(await browserUrls()).toHaveLength(2);
  });

  it("two processes signing in at once for the first time both end up signed in", async () => {
    const fresh = await mockWith();
    const server = serverFor(fresh);
    // Two McpOAuth instances over one WREN_HOME: two wren processes as far as storage goes.
    const [one, two] = await Promise.all([harness().signIn(server), harness().signIn(server)]);
    for (const connection of [one, two]) {
      expect((await connection.callTool("echo", { text: "hi" })).isError).toBeFalsy();
    }
    expect((await fresh.stats()).register).toBe(2);
    // What is stored is one consistent client + tokens pair: a third process refreshes with it
    // and connects without a browser.
    await fresh.hook("expire-access-tokens");
    const third = await harness().connect(server);
    expect((await fresh.stats()).tokenRefresh).toBe(1);
    expect((await third.callTool("echo", { text: "stored" })).isError).toBeFalsy();
    expect(await browserUrls()).toHaveLength(2);
  });

  it("refreshes silently before the request when the expiry is known", async () => {
    // wren's clock moves past the token's expiry (an hour at the mock); no time passes.
    let clock = Date.now();
    const server = serverFor(mock);
    const { signIn } = harness({ now: () => clock });
    const connection = await signIn(server);
    // Counted before the clock moves: the connection's background GET stream may open at any
    // moment and be the request that refreshes.
    const before = await mock.stats();
    clock += 3_600_000;
    await connection.callTool("echo", { text: "later" });
    const after = await mock.stats();
    expect(after.tokenRefresh - before.tokenRefresh).toBe(1);
    expect(after.unauthorized).toBe(before.unauthorized);
  });

  it("rejects a callback with the wrong state in place and keeps waiting", async () => {
    const { oauth, store } = harness({ env: { FAKE_BROWSER_MODE: "wrong-state" } });
    const server = serverFor(mock);
    const wrapped = oauth.wrapConnect(connectMcpServer);
    const signing = wrapped({ server, paths, signIn: true });
    signing.catch(() => {});
    const prompt = await nextPrompt(store);
    await expect.poll(() => store.getSnapshot()[0]?.error).toMatch(/state does not match/);
    // A pasted URL with a wrong state is rejected the same way; the prompt stays.
    prompt.submit("http://127.0.0.1:1/callback?code=abc&state=nope");
    expect(store.getSnapshot()[0]?.error).toMatch(/state does not match/);
    store.getSnapshot()[0]?.cancel();
    await expect(signing).rejects.toBeInstanceOf(McpAuthCancelledError);
  });

  it("turns access_denied into a readable error", async () => {
    const denying = await mockWith(["--deny"]);
    const { signIn } = harness();
    const error = await signIn(serverFor(denying)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthDeniedError);
    expect((error as Error).message).toBe("authorization denied: The user denied the request");
  });

  it("Esc cancels with McpAuthCancelledError and closes the loopback", async () => {
    const { signIn, store } = harness({ env: { FAKE_BROWSER_MODE: "ignore" } });
    const signing = signIn(serverFor(mock));
    signing.catch(() => {});
    const prompt = await nextPrompt(store);
    expect(prompt.url).toContain(`${mock.base}/authorize?`);
    prompt.cancel();
    const error = await signing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthCancelledError);
    expect((error as Error).message).toBe("authorization cancelled");
    expect(store.getSnapshot()).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${prompt.callbackPort}/callback`)).rejects.toThrow();
  });

  it("a pasted callback URL wins the race against the loopback", async () => {
    const { signIn, store } = harness({ env: { FAKE_BROWSER_MODE: "ignore" } });
    const signing = signIn(serverFor(mock));
    const prompt = await nextPrompt(store);
    const callback = await callbackUrlFor(prompt.url);
    prompt.submit(callback);
    const connection = await signing;
    expect((await connection.listTools()).length).toBeGreaterThan(0);
    expect(store.getSnapshot()).toEqual([]);
    // The loopback was dismissed: nothing listens on the callback port any more.
    await expect
      .poll(() =>
        fetch(callback).then(
          () => "open",
          () => "closed",
        ),
      )
      .toBe("closed");
  });

  it("headless: opens no browser, leads with the paste and offers the ssh -L hint", async () => {
    const { signIn, store } = harness({
      env: { BROWSER: "", SSH_CONNECTION: "10.0.0.2 5555 10.0.0.1 22", USER: "dev" },
    });
    const signing = signIn(serverFor(mock));
    const prompt = await nextPrompt(store);
    expect(prompt.browser).toEqual({ kind: "off", reason: "ssh" });
    expect(prompt.sshHint).toBe(
      `ssh -N -L ${prompt.callbackPort}:127.0.0.1:${prompt.callbackPort} dev@10.0.0.1`,
    );
    // The query string alone is accepted too.
    prompt.submit(new URL(await callbackUrlFor(prompt.url)).search);
    await signing;
    expect(await browserUrls()).toEqual([]);
  });

  it("times out when nobody answers", async () => {
    const { signIn } = harness({ env: { FAKE_BROWSER_MODE: "ignore" }, timeoutMs: 300 });
    const error = await signIn(serverFor(mock)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthTimeoutError);
  });

  it("steps up on 403 insufficient_scope with the union of scopes, once", async () => {
    const scoped = await mockWith(["--require-scope", "add=mcp:admin"]);
    const { signIn } = harness();
    const connection = await signIn(serverFor(scoped));
    const result = await connection.callTool("add", { a: 2, b: 3 });
    expect(result.structuredContent).toEqual({ sum: 5 });
    const urls = await browserUrls();
    expect(urls).toHaveLength(2);
    expect(new URL(urls[1] ?? "").searchParams.get("scope")?.split(" ").sort()).toEqual([
      "mcp:admin",
      "mcp:read",
      "mcp:write",
    ]);
  });

  it("signs in and then steps up within one call when the new token lacks a scope", async () => {
    const scoped = await mockWith(["--require-scope", "add=mcp:admin"]);
    const { signIn } = harness();
    const connection = await signIn(serverFor(scoped));
    await scoped.hook("revoke-all");
    const result = await connection.callTool("add", { a: 2, b: 3 });
    expect(result.structuredContent).toEqual({ sum: 5 });
    const urls = await browserUrls();
    expect(urls).toHaveLength(3);
    expect(new URL(urls[2] ?? "").searchParams.get("scope")?.split(" ")).toContain("mcp:admin");
  });

  it("logout revokes at the server (RFC 7009) and deletes the tokens", async () => {
    const server = serverFor(mock);
    const { signIn, oauth } = harness();
    await signIn(server);
    const before = await mock.stats();
    const result = await oauth.logout(server);
    expect(result).toEqual({ hadTokens: true, revocation: { kind: "revoked", count: 2 } });
    expect((await mock.stats()).revoke - before.revoke).toBe(2);
    expect(await oauth.hasTokens(server)).toBe(false);
  });

  it("keeps secrets out of everything but the state file", async () => {
    // Its own mock: the forced 401s below must not leak into other tests.
    const own = await mockWith();
    const server = serverFor(own);
    const { signIn } = harness();
    const connection = await signIn(server);
    await own.hook("revoke-all");
    await own.hook("force-401", "count=50");
    const quiet = harness({ interactive: false });
    const error = await quiet.connect(server).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpNeedsAuthError);
    await connection.close();
    const storage = createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "demo",
      serverUrl: server.url,
    });
    const state = await storage.read();
    const secrets = [state.client?.information.client_id ?? "x"].filter((s) => s.length > 8);
    const text = JSON.stringify(error, Object.getOwnPropertyNames(error));
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/at_[A-Za-z0-9_-]{10}|rt_[A-Za-z0-9_-]{10}/);
    const logs = await readdir(paths.logsDir).catch(() => [] as string[]);
    for (const file of logs) {
      const content = await readFile(join(paths.logsDir, file), "utf8");
      expect(content).not.toMatch(
        /at_[A-Za-z0-9_-]{10}|rt_[A-Za-z0-9_-]{10}|code_[A-Za-z0-9_-]{10}/,
      );
    }
    await writeFile(join(dir, "done"), "");
  });

  it("through the manager: needs auth at start, .mcp auth signs in, logout needs it again", async () => {
    const { manager } = await settledManager(serverFor(mock));
    try {
      expect(manager.getSnapshot()[0]?.status).toEqual({
        state: "needs-auth",
        message: "demo needs sign-in: run .mcp auth demo",
      });
      expect((await manager.reconnect("demo", { signIn: true })).status.state).toBe("connected");
      expect(manager.tools().length).toBeGreaterThan(0);
      // The manager passes on its logout hook's line (the count is checked through oauth.logout).
      expect(await manager.logout("demo")).toBe(
        "demo: signed out (revoked at the server; tokens deleted here)",
      );
      expect(manager.getSnapshot()[0]?.status.state).toBe("needs-auth");
    } finally {
      await manager.close();
    }
  });

  it("through the manager: a refused .mcp auth rejects with its typed error and still needs sign-in", async () => {
    const denying = await mockWith(["--deny"]);
    const { manager } = await settledManager(serverFor(denying));
    try {
      const error = await manager.reconnect("demo", { signIn: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpAuthDeniedError);
      expect(manager.getSnapshot()[0]?.status).toEqual({
        state: "needs-auth",
        message: "demo needs sign-in: run .mcp auth demo",
      });
    } finally {
      await manager.close();
    }
  });

  it("a sign-in asked for where nobody can answer fails at once, sending nothing", async () => {
    const before = await mock.stats();
    const quiet = harness({ interactive: false });
    const error = await quiet.signIn(serverFor(mock)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthError);
    expect((error as Error).message).toBe("no sign-in prompt here: run wren mcp auth demo");
    expect(await mock.stats()).toEqual(before);
  });

  it("a server that asks only after the handshake: needs auth at start, no browser until .mcp auth", async () => {
    const open = await mockWith(["--open-initialize"]);
    const { manager, store } = await settledManager(serverFor(open));
    try {
      expect(manager.getSnapshot()[0]?.status).toEqual({
        state: "needs-auth",
        message: "demo needs sign-in: run .mcp auth demo",
      });
      expect(store.getSnapshot()).toEqual([]);
      expect(await browserUrls()).toEqual([]);
      expect((await open.stats()).authorize).toBe(0);
      expect((await manager.reconnect("demo", { signIn: true })).status).toMatchObject({
        state: "connected",
        auth: "oauth",
      });
      expect(await browserUrls()).toHaveLength(1);
    } finally {
      await manager.close();
    }
  });

  it("a busy remembered port re-registers on another port; a busy fixed port is a clear error", async () => {
    const server = serverFor(mock, "ports");
    const first = harness();
    await first.signIn(server);
    const storage = createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "ports",
      serverUrl: mock.url,
    });
    const remembered = (await storage.read()).client?.redirectPort ?? 0;
    await first.oauth.logout(server);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(remembered, "127.0.0.1", r));
    try {
      const before = await mock.stats();
      await harness().signIn(server);
      expect((await mock.stats()).register - before.register).toBe(1);
      expect((await storage.read()).client?.redirectPort).not.toBe(remembered);
      const fixed = { ...server, oauth: { callbackPort: remembered } };
      await harness().oauth.logout(fixed);
      const error = await harness()
        .signIn(fixed)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpAuthPortBusyError);
      expect((error as Error).message).toBe(
        `callback port ${remembered} on 127.0.0.1 is in use: free it, or change oauth.callbackPort of ports`,
      );
    } finally {
      blocker.close();
    }
  });
});

describe("client credentials (machine to machine) against the mock", () => {
  let mock: OAuthMock;
  beforeAll(async () => {
    mock = await mockWith(["--client-credentials", "svc-bot:cc-s3cret-value"]);
  });

  const machine = (clientSecret: string): RemoteServerConfig => ({
    ...serverFor(mock, "machine"),
    oauth: {
      grantType: "client_credentials",
      clientId: "svc-bot",
      clientSecret,
      issuer: mock.base,
    },
  });

  it("gets a token with no prompt, no browser and nothing on disk, and a new one when it expires", async () => {
    const { connect, store } = harness();
    const before = await mock.stats();
    const connection = await connect(machine("cc-s3cret-value"));
    expect(connection.auth).toBe("oauth");
    expect((await connection.callTool("echo", { text: "m2m" })).content).toEqual([
      { type: "text", text: "m2m" },
    ]);
    await mock.hook("expire-access-tokens");
    expect((await connection.callTool("echo", { text: "again" })).isError).toBeFalsy();
    const after = await mock.stats();
    expect(after.tokenClientCredentials - before.tokenClientCredentials).toBe(2);
    expect(after.register).toBe(before.register);
    expect(after.authorize).toBe(before.authorize);
    expect(store.getSnapshot()).toEqual([]);
    expect(await browserUrls()).toEqual([]);
    expect(await readdir(paths.mcpOAuthDir).catch(() => [])).toEqual([]);
  });

  it("a wrong secret is one readable line that does not quote the secret", async () => {
    const { connect, store } = harness();
    const error = await connect(machine("not-the-secret")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error).toMatchObject({ kind: "auth" });
    expect((error as Error).message).toMatch(/^client credentials refused \(invalid_client/);
    expect((error as Error).message).not.toContain("not-the-secret");
    expect(store.getSnapshot()).toEqual([]);
    expect(await browserUrls()).toEqual([]);
  });

  it("never sends the credentials to an authorization server other than the configured issuer", async () => {
    const before = await mock.stats();
    const server = machine("cc-s3cret-value");
    const elsewhere = {
      ...server,
      oauth: { ...(server.oauth || {}), issuer: "https://as.elsewhere.example" },
    };
    const error = await harness()
      .connect(elsewhere)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error).toMatchObject({ kind: "auth" });
    expect((error as Error).message).toBe(
      `the server sends sign-ins to ${mock.base}, not to oauth.issuer https://as.elsewhere.example: the client credentials were not sent`,
    );
    expect((await mock.stats()).tokenClientCredentials).toBe(before.tokenClientCredentials);
  });

  it("through the manager: connected at start with auth oauth; .mcp auth is not a thing for it", async () => {
    const { manager } = await settledManager(machine("cc-s3cret-value"));
    try {
      expect(manager.getSnapshot()[0]?.status).toMatchObject({ state: "connected", auth: "oauth" });
    } finally {
      await manager.close();
    }
  });
});
