// The interactive sign-in against mock-mcps/http-oauth.mjs: the real provider, loopback, browser
// launcher and SDK client with a fake browser; the prompt, paste, Esc, denial, timeout and ports.

import { readdir, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { connectMcpServer } from "../connect.js";
import { McpAuthError, McpConnectionError, McpNeedsAuthError } from "../errors.js";
import {
  McpAuthCancelledError,
  McpAuthDeniedError,
  McpAuthPortBusyError,
  McpAuthTimeoutError,
} from "./errors.js";
import { callbackUrlFor, nextPrompt, oauthTestbed } from "./sign-in-test-support.js";
import { createOAuthStorage } from "./storage.js";
import type { OAuthMock } from "./test-support.js";

const bed = oauthTestbed();
const { mockWith, serverFor, harness, browserUrls } = bed;

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

    const files = await readdir(bed.paths.mcpOAuthDir);
    const stateFile = files.find((f) => f.endsWith(".json"));
    expect(stateFile).toMatch(/^demo-[0-9a-f]{12}\.json$/);
    expect((await stat(bed.paths.mcpOAuthDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(bed.paths.mcpOAuthDir, stateFile ?? ""))).mode & 0o777).toBe(0o600);

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

  it("rejects a callback with the wrong state in place and keeps waiting", async () => {
    const { oauth, store } = harness({ env: { FAKE_BROWSER_MODE: "wrong-state" } });
    const server = serverFor(mock);
    const wrapped = oauth.wrapConnect(connectMcpServer);
    const signing = wrapped({ server, paths: bed.paths, signIn: true });
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

  it("a sign-in asked for where nobody can answer fails at once, sending nothing", async () => {
    const before = await mock.stats();
    const quiet = harness({ interactive: false });
    const error = await quiet.signIn(serverFor(mock)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthError);
    expect((error as Error).message).toBe("no sign-in prompt here: run wren mcp auth demo");
    expect(await mock.stats()).toEqual(before);
  });

  it("a busy remembered port re-registers on another port; a busy fixed port is a clear error", async () => {
    const server = serverFor(mock, "ports");
    const first = harness();
    await first.signIn(server);
    const storage = createOAuthStorage({
      dir: bed.paths.mcpOAuthDir,
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
