// The harness of the OAuth integration tests against mock-mcps/http-oauth.mjs (the
// oauth-*.integration.test.ts files): a temp WREN_HOME per test, the fake browser (a script used
// as $BROWSER that follows the redirect and logs each URL), the real provider, loopback and SDK
// client, and mocks stopped after each file.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach } from "vitest";
import type { RemoteServerConfig } from "../../config/schema.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { connectMcpServer, type McpConnection } from "../connect.js";
import { createMcpManager, type McpManager } from "../manager.js";
import { type AuthPrompt, type AuthPromptStore, createAuthPromptStore } from "./auth-store.js";
import { describeLogout } from "./logout-text.js";
import { createMcpOAuth, type McpOAuth } from "./mcp-oauth.js";
import { FAKE_BROWSER, type OAuthMock, startOAuthMock } from "./test-support.js";

/** One wren (OAuth, prompt store) over the testbed's home. */
export interface Harness {
  readonly oauth: McpOAuth;
  readonly store: AuthPromptStore;
  connect(server: RemoteServerConfig): Promise<McpConnection>;
  signIn(server: RemoteServerConfig): Promise<McpConnection>;
}

/** Options of {@link OAuthTestbed.harness}. */
export interface HarnessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  readonly interactive?: boolean;
  readonly now?: () => number;
}

/** What a test file of the OAuth flows uses (see {@link oauthTestbed}). */
export interface OAuthTestbed {
  /** This test's temp directory. */
  readonly dir: string;
  /** This test's wren paths (WREN_HOME inside {@link dir}). */
  readonly paths: WrenPaths;
  /** Starts a mock for this file, stopped after it. */
  mockWith(args?: readonly string[]): Promise<OAuthMock>;
  serverFor(mock: OAuthMock, name?: string): RemoteServerConfig;
  harness(options?: HarnessOptions): Harness;
  /** A manager of `server` with a harness's OAuth, started and settled; the test closes it. */
  settledManager(
    server: RemoteServerConfig,
  ): Promise<{ manager: McpManager; store: AuthPromptStore }>;
  /** The URLs the fake browser opened in this test. */
  browserUrls(): Promise<string[]>;
}

/**
 * Registers the hooks of a test file: a fresh home before each test, its connections closed
 * and its directory removed after, the file's mocks stopped at the end.
 */
export function oauthTestbed(): OAuthTestbed {
  let dir = "";
  let paths: WrenPaths | undefined;
  let browserLog = "";
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

  const home = (): WrenPaths => {
    if (!paths) throw new Error("the testbed's paths exist inside a test only");
    return paths;
  };

  function harness(options: HarnessOptions = {}): Harness {
    const store = createAuthPromptStore();
    const oauth = createMcpOAuth({
      paths: home(),
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
      const connection = await wrapped({ server, paths: home(), connectTimeoutMs: 10_000, signIn });
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

  return {
    get dir() {
      return dir;
    },
    get paths() {
      return home();
    },
    async mockWith(args = []) {
      const mock = await startOAuthMock(args);
      mocks.push(mock);
      return mock;
    },
    serverFor(mock, name = "demo") {
      return {
        name,
        type: "http",
        url: mock.url,
        headers: {},
        oauth: {},
        enabled: true,
        source: join(dir, "settings.json"),
      };
    },
    harness,
    async settledManager(server) {
      const { oauth, store } = harness();
      const manager = createMcpManager({
        servers: [server],
        paths: home(),
        connect: oauth.wrapConnect(connectMcpServer),
        logout: async (s) => describeLogout(s.name, await oauth.logout(s)),
      });
      manager.start();
      await manager.whenSettled();
      return { manager, store };
    },
    async browserUrls() {
      const text = await readFile(browserLog, "utf8").catch(() => "");
      return text.split("\n").filter(Boolean);
    },
  };
}

/** Resolves with the first prompt the store shows. */
export function nextPrompt(store: AuthPromptStore): Promise<AuthPrompt> {
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
export async function callbackUrlFor(authorizationUrl: string): Promise<string> {
  const response = await fetch(authorizationUrl, { redirect: "manual" });
  await response.body?.cancel();
  const location = response.headers.get("location");
  if (!location) throw new Error(`no redirect from ${authorizationUrl}`);
  return location;
}
