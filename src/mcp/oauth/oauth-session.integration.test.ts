// A signed-in session against mock-mcps/http-oauth.mjs: re-authorization on a 401, the legacy
// SSE transport, concurrency across calls and processes, refresh, step-up, logout, secrets and
// the manager's view of it all.

import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { STATIC_RESOURCE_URI } from "../../../mock-mcps/tools.mjs";
import type { RemoteServerConfig } from "../../config/schema.js";
import type { McpConnection } from "../connect.js";
import { McpNeedsAuthError } from "../errors.js";
import { McpAuthDeniedError } from "./errors.js";
import { oauthTestbed } from "./sign-in-test-support.js";
import { createOAuthStorage } from "./storage.js";
import type { OAuthMock } from "./test-support.js";

const bed = oauthTestbed();
const { mockWith, serverFor, harness, settledManager, browserUrls } = bed;

describe("a signed-in session against the mock", () => {
  let mock: OAuthMock;
  beforeAll(async () => {
    mock = await mockWith();
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

  it("reads the server's resources on the signed-in connection, re-authorizing on a 401 there too", async () => {
    const connection = await harness().signIn(serverFor(mock));
    const listed = await connection.resources?.list();
    expect(listed?.resources.map((r) => r.uri)).toContain(STATIC_RESOURCE_URI);
    await mock.hook("revoke-all");
    const read = await connection.resources?.read(STATIC_RESOURCE_URI);
    expect(read?.contents[0]).toMatchObject({ uri: STATIC_RESOURCE_URI });
    expect(await browserUrls()).toHaveLength(2);
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
      dir: bed.paths.mcpOAuthDir,
      serverName: "demo",
      serverUrl: server.url,
    });
    const state = await storage.read();
    const secrets = [state.client?.information.client_id ?? "x"].filter((s) => s.length > 8);
    const text = JSON.stringify(error, Object.getOwnPropertyNames(error));
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/at_[A-Za-z0-9_-]{10}|rt_[A-Za-z0-9_-]{10}/);
    const logs = await readdir(bed.paths.logsDir).catch(() => [] as string[]);
    for (const file of logs) {
      const content = await readFile(join(bed.paths.logsDir, file), "utf8");
      expect(content).not.toMatch(
        /at_[A-Za-z0-9_-]{10}|rt_[A-Za-z0-9_-]{10}|code_[A-Za-z0-9_-]{10}/,
      );
    }
    await writeFile(join(bed.dir, "done"), "");
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
});
