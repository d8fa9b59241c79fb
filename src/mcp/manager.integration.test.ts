import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { McpServerConfig } from "../config/schema.js";
import { type ConnectFn, connectMcpServer, type McpConnection, serverLogFile } from "./connect.js";
import { createElicitationStore } from "./elicitation-store.js";
import { createMcpManager, type McpManager, type McpManagerOptions } from "./manager.js";
import {
  freePort,
  isAlive,
  POLL,
  remoteServer,
  startHttpMock,
  startModernMock,
  stdioMock,
  useTempHome,
} from "./test-support.js";

const home = useTempHome();

/** A manager whose connections are recorded, so tests can check their child processes. */
function manager(
  servers: readonly McpServerConfig[],
  options: Partial<McpManagerOptions> = {},
): { manager: McpManager; connections: McpConnection[] } {
  const connections: McpConnection[] = [];
  const connect: ConnectFn = async (o) => {
    const c = await connectMcpServer(o);
    connections.push(c);
    return c;
  };
  const m = home.closeAfter(createMcpManager({ servers, paths: home.paths, connect, ...options }));
  return { manager: m, connections };
}

function statusOf(m: McpManager, name: string) {
  return m.getSnapshot().find((s) => s.name === name)?.status;
}

const signal = new AbortController().signal;

describe("createMcpManager", () => {
  it("starts in the background and reports status through subscribe/getSnapshot", async () => {
    const { manager: m } = manager([
      stdioMock("mock"),
      stdioMock("dies", ["--exit-immediately"]),
      { ...stdioMock("off"), enabled: false },
    ]);
    const first = m.getSnapshot();
    expect(m.getSnapshot()).toBe(first);
    let notified = 0;
    m.subscribe(() => notified++);
    m.start();
    expect(statusOf(m, "mock")).toEqual({ state: "connecting" });
    expect(statusOf(m, "off")).toEqual({ state: "disabled" });
    await m.whenSettled();
    expect(notified).toBeGreaterThan(0);
    expect(statusOf(m, "mock")).toEqual({ state: "connected", toolCount: 11 });
    expect(statusOf(m, "dies")).toEqual({
      state: "failed",
      reason:
        "server process exited: mock-stdio: exiting immediately with code 3 (--exit-immediately)",
    });
    const settled = m.getSnapshot();
    expect(m.getSnapshot()).toBe(settled);
  });

  it("bridges tools of connected servers, filtered by include/exclude", async () => {
    const { manager: m } = manager([
      stdioMock("a", [], { includeTools: ["e*", "add"], excludeTools: ["elicit"] }),
    ]);
    m.start();
    await m.whenSettled();
    const tools = m.tools();
    expect(m.tools()).toBe(tools);
    // The server has a resource, so the model also gets read_mcp_resource.
    expect(tools.map((t) => t.name)).toEqual(["mcp__a__echo", "mcp__a__add", "read_mcp_resource"]);
    const add = tools[1];
    expect(await add?.execute({ a: 1, b: 2 }, { signal })).toEqual({
      status: "ok",
      content: [{ type: "text", text: "3" }],
      structured: { sum: 3 },
    });
    expect((await m.listTools("a")).map((t) => t.name)).toEqual(["echo", "add"]);
  });

  it("refreshes a server's tools on notifications/tools/list_changed", async () => {
    const { manager: m } = manager([stdioMock("mock")]);
    m.start();
    await m.whenSettled();
    await m.callTool("mock", "add_tool", { name: "fresh" });
    await expect
      .poll(() => statusOf(m, "mock"), POLL)
      .toEqual({ state: "connected", toolCount: 12 });
    expect(m.tools().map((t) => t.name)).toContain("mcp__mock__fresh");
  });

  it("restarts a stdio server that exits, with backoff, and gives up after N tries", async () => {
    const { manager: m, connections } = manager([stdioMock("crash", ["--crash-after", "1"])], {
      restart: { baseDelayMs: 50, maxAttempts: 1, stableAfterMs: 60_000 },
    });
    m.start();
    await m.whenSettled();
    const outcome = await m.tools()[0]?.execute({ text: "x" }, { signal });
    expect(outcome).toMatchObject({ status: "error" });
    expect(outcome?.status === "error" && outcome.message).toContain(
      "crash: server process exited: mock-stdio: crashing on tools/call #1",
    );
    expect(statusOf(m, "crash")).toMatchObject({ state: "failed", retryInMs: 50 });
    expect(statusOf(m, "crash")).toMatchObject({
      reason: expect.stringMatching(/restarting in 50ms$/),
    });
    await expect.poll(() => statusOf(m, "crash")?.state, POLL).toBe("connected");
    expect(connections).toHaveLength(2);
    await expect(m.callTool("crash", "echo", { text: "y" })).rejects.toThrow(/exited/);
    await expect
      .poll(() => statusOf(m, "crash"), POLL)
      .toMatchObject({
        state: "failed",
        reason: expect.stringMatching(/gave up after 1 restarts$/),
      });
  });

  it("close() closes every client and leaves no child process behind", async () => {
    const { manager: m, connections } = manager([stdioMock("a"), stdioMock("b")]);
    m.start();
    await m.whenSettled();
    const pids = connections.map((c) => c.pid ?? -1);
    expect(pids.every(isAlive)).toBe(true);
    await m.close();
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it("close() while a server is still connecting does not wait for its timeout", async () => {
    // An hour's timeout: a close() that waited for it would outlast the test.
    const { manager: m } = manager([stdioMock("hang", ["--hang"], { timeout: 3_600_000 })]);
    m.start();
    // The server is up and sitting on initialize once its log says so.
    const log = () => readFile(serverLogFile(home.paths, "hang"), "utf8").catch(() => "");
    await expect.poll(log, POLL).toContain("ignoring initialize (--hang)");
    // Resolves without waiting out the hour, or the test times out.
    await m.close();
  });

  it("faults end in a clear status: hang past timeout, connection refused, garbage", async () => {
    const port = await freePort();
    const { manager: m } = manager(
      [
        stdioMock("hang", ["--hang"]),
        remoteServer("gone", `http://127.0.0.1:${port}/mcp`, { timeout: 20_000 }),
        // Their own larger timeouts win over the short connect timeout meant for `hang`.
        stdioMock("garbage", ["--garbage"], { timeout: 20_000 }),
      ],
      { connectTimeoutMs: 300 },
    );
    m.start();
    await m.whenSettled();
    expect(statusOf(m, "hang")).toEqual({ state: "failed", reason: "timed out after 300ms" });
    expect(statusOf(m, "gone")).toEqual({
      state: "failed",
      reason: `connection refused (127.0.0.1:${port})`,
    });
    expect(statusOf(m, "garbage")).toEqual({ state: "connected", toolCount: 11 });
  });

  it("reconnect() replaces the connection", async () => {
    const { manager: m, connections } = manager([stdioMock("a")]);
    m.start();
    await m.whenSettled();
    const state = await m.reconnect("a");
    expect(state.status).toEqual({ state: "connected", toolCount: 11 });
    expect(connections).toHaveLength(2);
    expect(isAlive(connections[0]?.pid ?? -1)).toBe(false);
  });

  it("setEnabled() connects or disconnects a server for the session", async () => {
    const { manager: m } = manager([{ ...stdioMock("m"), enabled: false }]);
    m.start();
    expect(statusOf(m, "m")).toEqual({ state: "disabled" });
    const enabled = await m.setEnabled("m", true);
    expect(enabled.status).toEqual({ state: "connected", toolCount: 11 });
    const disabled = await m.setEnabled("m", false);
    expect(disabled.status).toEqual({ state: "disabled" });
    await expect(m.callTool("m", "echo", { text: "x" })).rejects.toThrow("m is disabled");
  });

  it("answers elicitation through the store", async () => {
    const store = createElicitationStore();
    const { manager: m } = manager([stdioMock("e")], { elicitation: store.handler });
    m.start();
    await m.whenSettled();
    const call = m.callTool("e", "elicit", {});
    await expect.poll(() => store.getSnapshot().length, POLL).toBe(1);
    const pending = store.getSnapshot()[0];
    expect(pending?.server).toBe("e");
    expect(Object.keys(pending?.schema.properties ?? {})).toContain("color");
    store.resolve(pending?.id ?? 0, { action: "accept", content: { name: "ann", color: "red" } });
    const result = await call;
    expect(
      JSON.parse(String(result.content[0]?.type === "text" && result.content[0].text)),
    ).toEqual({
      action: "accept",
      content: { name: "ann", color: "red", confirm: false },
    });
    expect(store.getSnapshot()).toEqual([]);
  });

  it("marks a server behind a 401 as needs-auth", async () => {
    const server = await startHttpMock(["--require-header", "X-Key=k"]);
    home.stopAfter(server);
    const { manager: m } = manager([remoteServer("n", `http://127.0.0.1:${server.port}/mcp`)]);
    m.start();
    await m.whenSettled();
    expect(statusOf(m, "n")).toEqual({
      state: "needs-auth",
      message: "n needs sign-in: run .mcp auth n",
    });
  });

  it("reconnects a dropped HTTP server on next use", async () => {
    const port = await freePort();
    let server = await startHttpMock(["--port", String(port)]);
    const { manager: m } = manager([remoteServer("h", `http://127.0.0.1:${port}/mcp`)]);
    m.start();
    await m.whenSettled();
    expect(statusOf(m, "h")?.state).toBe("connected");
    await server.stop();
    await expect(m.callTool("h", "echo", { text: "x" })).rejects.toThrow(/connection refused|lost/);
    expect(statusOf(m, "h")?.state).toBe("failed");
    server = await startHttpMock(["--port", String(port)]);
    home.stopAfter(server);
    expect(await m.callTool("h", "echo", { text: "back" })).toMatchObject({
      content: [{ text: "back" }],
    });
    expect(statusOf(m, "h")?.state).toBe("connected");
  });

  it("a restarted HTTP server (new session) is reconnected and the call retried", async () => {
    const port = await freePort();
    let server = await startHttpMock(["--port", String(port)]);
    const { manager: m } = manager([remoteServer("h", `http://127.0.0.1:${port}/mcp`)]);
    m.start();
    await m.whenSettled();
    await server.stop();
    server = await startHttpMock(["--port", String(port)]);
    home.stopAfter(server);
    // Two calls fail on the stale session together; both end up on one new connection.
    const [a, b] = await Promise.all([
      m.callTool("h", "echo", { text: "again" }),
      m.callTool("h", "echo", { text: "too" }),
    ]);
    expect(a).toMatchObject({ content: [{ text: "again" }] });
    expect(b).toMatchObject({ content: [{ text: "too" }] });
    expect(statusOf(m, "h")).toEqual({ state: "connected", toolCount: 11 });
  });

  it("a message over the stdio transport's 10 MB limit drops the connection with a clear error", async () => {
    const { manager: m } = manager([stdioMock("huge")], {
      restart: { baseDelayMs: 50, maxAttempts: 1, stableAfterMs: 60_000 },
    });
    m.start();
    await m.whenSettled();
    const huge = m.tools().find((t) => t.name === "mcp__huge__big");
    const outcome = await huge?.execute({ bytes: 11_000_000 }, { signal });
    expect(outcome).toEqual({
      status: "error",
      message: "huge: connection dropped: ReadBuffer exceeded maximum size of 10485760 bytes",
      source: "client",
    });
    await expect.poll(() => statusOf(m, "huge")?.state, POLL).toBe("connected");
  });

  it("mirrors a tool argument into its SEP-2243 Mcp-Param header, base64 when not plain ASCII", async () => {
    const modern = await startModernMock();
    home.stopAfter(modern);
    const { manager: m } = manager([remoteServer("modern", `http://127.0.0.1:${modern.port}/mcp`)]);
    m.start();
    await m.whenSettled();
    const where = m.tools().find((t) => t.name === "mcp__modern__where");
    // The mock answers with the header exactly as it arrived on the wire.
    expect(await where?.execute({ region: "us-west1" }, { signal })).toMatchObject({
      content: [{ type: "text", text: "us-west1" }],
    });
    const encoded = `=?base64?${Buffer.from("Hello, 世界").toString("base64")}?=`;
    expect(await where?.execute({ region: "Hello, 世界" }, { signal })).toMatchObject({
      content: [{ type: "text", text: encoded }],
    });
    expect(await where?.execute({ region: " padded" }, { signal })).toMatchObject({
      content: [{ type: "text", text: `=?base64?${Buffer.from(" padded").toString("base64")}?=` }],
    });
  });

  it("an oversized result reaches the model truncated, with a note", async () => {
    const { manager: m } = manager([stdioMock("big")], {
      resultLimits: { maxTextChars: 1000, maxImageChars: 1000 },
    });
    m.start();
    await m.whenSettled();
    const big = m.tools().find((t) => t.name === "mcp__big__big");
    const outcome = await big?.execute({ bytes: 5_000_000 }, { signal });
    expect(outcome?.status).toBe("ok");
    if (outcome?.status !== "ok") return;
    expect(outcome.content[0]).toMatchObject({
      type: "text",
      text: expect.stringMatching(/^0123/),
    });
    expect(outcome.content[1]).toEqual({
      type: "text",
      text: "[output truncated: the tool returned 5000000 characters of text; only the first 1000 are shown]",
    });
  });
});
