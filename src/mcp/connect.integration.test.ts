import { getEventListeners } from "node:events";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { connectMcpServer, type McpConnection, serverLogFile } from "./connect.js";
import { McpConnectionError, McpNeedsAuthError } from "./errors.js";
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

async function connected(...args: Parameters<typeof connectMcpServer>): Promise<McpConnection> {
  return home.closeAfter(await connectMcpServer(...args));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error("expected a failure");
}

describe("stdio", () => {
  it("connects, lists and calls tools; stderr goes to the server's log file", async () => {
    const c = await connected({ server: stdioMock("mock", ["--stderr-noise"]), paths: home.paths });
    expect(c.pid).toBeTypeOf("number");
    expect((await c.listTools()).map((t) => t.name)).toContain("echo");
    expect(await c.callTool("add", { a: 2, b: 3 })).toMatchObject({
      structuredContent: { sum: 5 },
    });
    const log = await readFile(serverLogFile(home.paths, "mock"), "utf8");
    expect(log).toContain("WARN this is noise from --stderr-noise");
  });

  it("tolerates garbage on stdout", async () => {
    const c = await connected({ server: stdioMock("garbage", ["--garbage"]), paths: home.paths });
    expect(await c.callTool("echo", { text: "hi" })).toMatchObject({
      content: [{ type: "text", text: "hi" }],
    });
  });

  it("reports a process that exits at once with its last stderr line", async () => {
    const error = await failure(
      connectMcpServer({ server: stdioMock("dies", ["--exit-immediately"]), paths: home.paths }),
    );
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error.message).toBe(
      "server process exited: mock-stdio: exiting immediately with code 3 (--exit-immediately)",
    );
  });

  it("reports a missing command", async () => {
    const error = await failure(
      connectMcpServer({
        server: { ...stdioMock("missing"), command: "wren-no-such-command", args: [] },
        paths: home.paths,
      }),
    );
    expect(error).toMatchObject({
      kind: "spawn",
      message: "command not found: wren-no-such-command",
    });
  });

  it("times out a server that never answers initialize, and ends the child", async () => {
    const error = await failure(
      connectMcpServer({
        server: stdioMock("hang", ["--hang"]),
        paths: home.paths,
        connectTimeoutMs: 300,
      }),
    );
    expect(error).toMatchObject({ kind: "timeout", message: "timed out after 300ms" });
  });

  it("a crash mid-call rejects the call with a clear error and ends the connection", async () => {
    const c = await connected({
      server: stdioMock("crash", ["--crash-after", "1"]),
      paths: home.paths,
    });
    const error = await failure(c.callTool("echo", { text: "x" }));
    expect(error).toMatchObject({ kind: "exited" });
    expect(error.message).toContain("server process exited: mock-stdio: crashing on tools/call #1");
    const end = await c.ended;
    expect(end.requested).toBe(false);
    expect(c.pid !== undefined && isAlive(c.pid)).toBe(false);
  });

  it("a call past the timeout fails with a timeout error", async () => {
    // The handshake gets the longer connect timeout, so a slow start does not count.
    const c = await connected({
      server: stdioMock("slow", [], { timeout: 500 }),
      paths: home.paths,
      connectTimeoutMs: 10_000,
    });
    const error = await failure(c.callTool("slow", { steps: 1, stepMs: 10_000 }));
    expect(error).toMatchObject({ kind: "timeout", message: "timed out after 500ms" });
  });

  it("forwards progress and honours the abort signal", async () => {
    const c = await connected({ server: stdioMock("slow"), paths: home.paths });
    const progress: unknown[] = [];
    const controller = new AbortController();
    const call = c.callTool(
      "slow",
      { steps: 50, stepMs: 40 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p);
          if (progress.length === 2) controller.abort();
        },
      },
    );
    await expect(call).rejects.toBeDefined();
    expect(progress[0]).toEqual({ progress: 1, total: 50, message: "step 1 of 50" });
    // The server saw notifications/cancelled and stopped.
    await expect
      .poll(async () => readFile(serverLogFile(home.paths, "slow"), "utf8"), POLL)
      .toContain("slow: cancelled after");
  });

  it("leaves no listener on a signal shared by many calls", async () => {
    // One turn's signal goes to every tool call of the turn; past ten listeners Node prints a
    // warning on stderr, over the REPL's screen.
    const c = await connected({ server: stdioMock("mock"), paths: home.paths });
    const { signal } = new AbortController();
    for (let i = 0; i < 12; i++) {
      await c.callTool("add", { a: i, b: 1 }, { signal });
      await c.listTools({ signal });
    }
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("close() ends the child process", async () => {
    const c = await connectMcpServer({ server: stdioMock("bye"), paths: home.paths });
    const pid = c.pid ?? -1;
    expect(isAlive(pid)).toBe(true);
    await c.close();
    expect(isAlive(pid)).toBe(false);
    expect((await c.ended).requested).toBe(true);
  });
});

describe("remote", () => {
  it("connects over Streamable HTTP and legacy SSE", async () => {
    const server = await startHttpMock();
    home.stopAfter(server);
    const http = await connected({
      server: remoteServer("h", `http://127.0.0.1:${server.port}/mcp`),
      paths: home.paths,
    });
    const sse = await connected({
      server: remoteServer("s", `http://127.0.0.1:${server.port}/sse`, { type: "sse" }),
      paths: home.paths,
    });
    expect(await http.callTool("echo", { text: "a" })).toMatchObject({ content: [{ text: "a" }] });
    expect(await sse.callTool("echo", { text: "b" })).toMatchObject({ content: [{ text: "b" }] });
  });

  it("speaks 2026-07-28 to a server that speaks only it, and 2025-11-25 to an older one", async () => {
    const modern = await startModernMock();
    const older = await startHttpMock();
    home.stopAfter(modern, older);
    const m = await connected({
      server: remoteServer("modern", `http://127.0.0.1:${modern.port}/mcp`),
      paths: home.paths,
    });
    expect(m.protocolVersion).toBe("2026-07-28");
    expect((await m.listTools()).map((t) => t.name)).toEqual(["echo", "add", "where", "bump"]);
    expect(await m.callTool("add", { a: 2, b: 3 })).toMatchObject({ content: [{ text: "5" }] });
    const o = await connected({
      server: remoteServer("older", `http://127.0.0.1:${older.port}/mcp`),
      paths: home.paths,
    });
    expect(o.protocolVersion).toBe("2025-11-25");
    expect(await o.callTool("echo", { text: "x" })).toMatchObject({ content: [{ text: "x" }] });
    const log = await readFile(serverLogFile(home.paths, "modern"), "utf8");
    expect(log).toContain("protocol 2026-07-28");
  });

  it("falls back to legacy SSE when an http server rejects the Streamable HTTP POST", async () => {
    const server = await startHttpMock();
    home.stopAfter(server);
    // Configured without a type, as configs for SSE servers often are.
    const c = await connected({
      server: remoteServer("legacy", `http://127.0.0.1:${server.port}/sse`),
      paths: home.paths,
    });
    expect(await c.callTool("echo", { text: "old" })).toMatchObject({ content: [{ text: "old" }] });
    const log = await readFile(serverLogFile(home.paths, "legacy"), "utf8");
    expect(log).toContain("connecting (sse 127.0.0.1");
  });

  it("sends configured headers; a 401 means needs-auth, or a failure when OAuth is off", async () => {
    const server = await startHttpMock(["--require-header", "X-Key=secret"]);
    home.stopAfter(server);
    const url = `http://127.0.0.1:${server.port}`;
    await connected({
      server: remoteServer("ok", `${url}/mcp`, { headers: { "X-Key": "secret" } }),
      paths: home.paths,
    });
    await connected({
      server: remoteServer("ok-sse", `${url}/sse`, { type: "sse", headers: { "X-Key": "secret" } }),
      paths: home.paths,
    });
    const needsAuth = await failure(
      connectMcpServer({ server: remoteServer("n", `${url}/mcp`), paths: home.paths }),
    );
    expect(needsAuth).toBeInstanceOf(McpNeedsAuthError);
    expect(needsAuth.message).toBe("n needs sign-in: run .mcp auth n");
    const sse = await failure(
      connectMcpServer({
        server: remoteServer("n2", `${url}/sse`, { type: "sse" }),
        paths: home.paths,
      }),
    );
    expect(sse).toBeInstanceOf(McpNeedsAuthError);
    const off = await failure(
      connectMcpServer({
        server: remoteServer("off", `${url}/mcp`, { oauth: false }),
        paths: home.paths,
      }),
    );
    expect(off).toMatchObject({ kind: "http", status: 401 });
  });

  it("reports connection refused and 404 in one line", async () => {
    const port = await freePort();
    const refused = await failure(
      connectMcpServer({
        server: remoteServer("r", `http://127.0.0.1:${port}/mcp`),
        paths: home.paths,
      }),
    );
    expect(refused).toMatchObject({
      kind: "refused",
      message: `connection refused (127.0.0.1:${port})`,
    });
    const server = await startHttpMock();
    home.stopAfter(server);
    const missing = await failure(
      connectMcpServer({
        server: remoteServer("m", `http://127.0.0.1:${server.port}/nope`),
        paths: home.paths,
      }),
    );
    expect(missing).toMatchObject({ kind: "not-found", status: 404 });
  });

  it("times out a hung HTTP server", async () => {
    const server = await startHttpMock(["--hang"]);
    home.stopAfter(server);
    const error = await failure(
      connectMcpServer({
        server: remoteServer("hang", `http://127.0.0.1:${server.port}/mcp`, { timeout: 300 }),
        paths: home.paths,
      }),
    );
    expect(error).toMatchObject({ kind: "timeout", message: "timed out after 300ms" });
  });
});
