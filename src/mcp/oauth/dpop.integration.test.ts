// DPoP end to end: the real provider, SDK transports and fake browser against
// mock-mcps/http-oauth.mjs with --dpop (the mock verifies every proof, binds tokens to the
// proof's key and refuses a bound token presented as Bearer).
import { mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RemoteServerConfig } from "../../config/schema.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { connectMcpServer, type McpConnection } from "../connect.js";
import { McpNeedsAuthError } from "../errors.js";
import { createAuthPromptStore } from "./auth-store.js";
import { createMcpOAuth } from "./mcp-oauth.js";
import { createOAuthStorage } from "./storage.js";
import { FAKE_BROWSER, type OAuthMock, startOAuthMock } from "./test-support.js";

/** The mock's DPoP counters (beside the ones test-support types). */
interface DpopStats {
  readonly dpopTokenRequests: number;
  readonly dpopNonceChallenges: number;
  readonly dpopRejected: number;
  readonly bearerWithBoundToken: number;
  readonly tokenRefresh: number;
}

let dir: string;
let paths: WrenPaths;
const connections: McpConnection[] = [];
const mocks: OAuthMock[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-dpop-it-"));
  paths = resolvePaths({ WREN_HOME: join(dir, "home") }, dir);
});
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
});
afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
});

async function mockWith(args: readonly string[]): Promise<OAuthMock> {
  const mock = await startOAuthMock(args);
  mocks.push(mock);
  return mock;
}

async function dpopStats(mock: OAuthMock): Promise<DpopStats> {
  const response = await fetch(`${mock.base}/__test/stats`);
  return (await response.json()) as DpopStats;
}

function serverFor(mock: OAuthMock): RemoteServerConfig {
  return {
    name: "bound",
    type: "http",
    url: mock.url,
    headers: {},
    oauth: {},
    enabled: true,
    source: join(dir, "settings.json"),
  };
}

/** A fresh wren OAuth instance, as another wren process would have: nothing shared but disk. */
function process_(interactive: boolean) {
  const oauth = createMcpOAuth({
    paths,
    ...(interactive && { interaction: createAuthPromptStore() }),
    env: { BROWSER: FAKE_BROWSER, PATH: process.env.PATH },
    platform: "linux",
  });
  const wrapped = oauth.wrapConnect(connectMcpServer);
  const connect = async (server: RemoteServerConfig, signIn = false): Promise<McpConnection> => {
    const connection = await wrapped({ server, paths, connectTimeoutMs: 10_000, signIn });
    connections.push(connection);
    return connection;
  };
  return {
    connect: (server: RemoteServerConfig) => connect(server),
    signIn: (server: RemoteServerConfig) => connect(server, true),
  };
}

function storageOf(server: RemoteServerConfig) {
  return createOAuthStorage({
    dir: paths.mcpOAuthDir,
    serverName: server.name,
    serverUrl: server.url,
  });
}

describe("DPoP (RFC 9449)", () => {
  it("signs in with DPoP-bound tokens, answering both servers' nonces, and keeps the key beside them", async () => {
    const mock = await mockWith(["--dpop", "--dpop-nonce"]);
    const server = serverFor(mock);
    const connection = await process_(true).signIn(server);
    expect((await connection.callTool("echo", { text: "bound" })).content).toEqual([
      { type: "text", text: "bound" },
    ]);
    const stats = await dpopStats(mock);
    expect(stats.dpopTokenRequests).toBeGreaterThanOrEqual(1);
    // One use_dpop_nonce from the token endpoint, one from the resource server.
    expect(stats.dpopNonceChallenges).toBe(2);
    expect(stats.dpopRejected).toBe(0);
    expect(stats.bearerWithBoundToken).toBe(0);
    const storage = storageOf(server);
    const state = await storage.read();
    expect(state.tokens?.token_type).toBe("DPoP");
    expect(state.dpopKey?.jwk.d).toEqual(expect.any(String));
    expect((await stat(storage.file)).mode & 0o777).toBe(0o600);
  });

  it("lets another process present and refresh the bound tokens with the stored key", async () => {
    const mock = await mockWith(["--dpop"]);
    const server = serverFor(mock);
    await process_(true).signIn(server);
    const key = (await storageOf(server).read()).dpopKey;
    // A second wren: no sign-in, the stored tokens and key.
    const peer = await process_(false).connect(server);
    expect((await peer.callTool("echo", { text: "peer" })).isError).toBeFalsy();
    await mock.hook("expire-access-tokens");
    // The refresh token is bound to the key too: the refresh only works with the same one.
    expect((await peer.callTool("echo", { text: "refreshed" })).isError).toBeFalsy();
    const stats = await dpopStats(mock);
    expect(stats.tokenRefresh).toBe(1);
    expect(stats.dpopRejected).toBe(0);
    expect((await storageOf(server).read()).dpopKey).toEqual(key);
  });

  it("never sends a bound token as Bearer when its key is missing (the attacker's downgrade)", async () => {
    // The metadata does not advertise DPoP: only the resource server's challenge asks for it,
    // so a process that has not been challenged yet has no reason of its own to use a proof.
    const mock = await mockWith(["--dpop", "--dpop-unadvertised"]);
    const server = serverFor(mock);
    await (await process_(true).signIn(server)).close();
    const storage = storageOf(server);
    const { dpopKey: _gone, ...withoutKey } = await storage.read();
    expect(withoutKey.tokens?.token_type).toBe("DPoP");
    await writeFile(`${storage.file}.tmp`, JSON.stringify(withoutKey));
    await rename(`${storage.file}.tmp`, storage.file);
    await expect(process_(false).connect(server)).rejects.toBeInstanceOf(McpNeedsAuthError);
    expect((await dpopStats(mock)).bearerWithBoundToken).toBe(0);
    // The token is still on disk (nothing was refreshed or presented with a foreign key).
    expect(JSON.parse(await readFile(storage.file, "utf8")).tokens.access_token).toBe(
      withoutKey.tokens?.access_token,
    );
  });
});
