// Unit tests with an injected clientFactory standing in for the process/network boundary;
// the integration tests cover the same paths against real servers.
import type { CallToolResult } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import type { McpServerConfig } from "../config/schema.js";
import { resolvePaths } from "../utils/paths.js";
import type { ConnectFn, ConnectionEnd, McpConnection, McpToolDefinition } from "./connect.js";
import { McpConnectionError } from "./errors.js";
import { createMcpManager } from "./manager.js";
import { stdioMock } from "./test-support.js";

/** Generous: these machines are small and often busy. */
const POLL = { timeout: 10_000 };

const paths = resolvePaths({ WREN_HOME: "/nonexistent/wren" }, "/nonexistent/project");

interface FakeServer {
  tools: McpToolDefinition[];
  /** Fails the next connects with this error. */
  failWith?: Error;
  connects: number;
  /** Ends the live connection as if the process exited. */
  exit?: () => void;
}

function fakeFactory(servers: Record<string, FakeServer>): ConnectFn {
  return async ({ server }) => {
    const fake = servers[server.name];
    if (!fake) throw new Error(`no fake for ${server.name}`);
    fake.connects++;
    if (fake.failWith) throw fake.failWith;
    let end: (e: ConnectionEnd) => void = () => {};
    const ended = new Promise<ConnectionEnd>((r) => {
      end = r;
    });
    fake.exit = () =>
      end({ requested: false, error: new McpConnectionError(server.name, "exited", "exited") });
    const connection: McpConnection = {
      pid: undefined,
      serverInfo: undefined,
      instructions: undefined,
      protocolVersion: "2025-11-25",
      listTools: async () => fake.tools,
      callTool: async (name): Promise<CallToolResult> => ({
        content: [{ type: "text", text: `${server.name}:${name}` }],
      }),
      close: async () =>
        end({ requested: true, error: new McpConnectionError(server.name, "closed", "closed") }),
      ended,
    };
    return connection;
  };
}

const tool = (name: string): McpToolDefinition => ({ name, inputSchema: { type: "object" } });
const fake = (tools: string[]): FakeServer => ({ tools: tools.map(tool), connects: 0 });

describe("createMcpManager (unit)", () => {
  it("names tools across servers uniquely and keeps tools() stable between changes", async () => {
    const servers = { "a.b": fake(["x"]), a_b: fake(["x"]) };
    const m = createMcpManager({
      servers: [stdioMock("a.b"), stdioMock("a_b")],
      paths,
      clientFactory: fakeFactory(servers),
    });
    m.start();
    await m.whenSettled();
    const tools = m.tools();
    expect(m.tools()).toBe(tools);
    expect(tools[0]?.name).toBe("mcp__a_b__x");
    expect(tools[1]?.name).toMatch(/^mcp__a_b__x_[0-9a-f]{6}$/);
    expect(await tools[1]?.execute({}, { signal: new AbortController().signal })).toEqual({
      status: "ok",
      content: [{ type: "text", text: "a_b:x" }],
    });
    await m.close();
  });

  it("connects servers in parallel, not one after another", async () => {
    const slow: ConnectFn = async (options) => {
      await new Promise((r) => setTimeout(r, 200));
      return fakeFactory({ [options.server.name]: fake(["x"]) })(options);
    };
    const configs = Array.from({ length: 20 }, (_, i) => stdioMock(`s${i}`));
    const m = createMcpManager({ servers: configs, paths, clientFactory: slow });
    const started = performance.now();
    m.start();
    expect(performance.now() - started).toBeLessThan(100);
    await m.whenSettled();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(m.getSnapshot().every((s) => s.status.state === "connected")).toBe(true);
    await m.close();
  });

  it("gives up restarting after maxAttempts failed restarts", async () => {
    const servers = { s: fake(["x"]) };
    const m = createMcpManager({
      servers: [stdioMock("s")],
      paths,
      clientFactory: fakeFactory(servers),
      restart: { baseDelayMs: 5, maxAttempts: 3 },
    });
    m.start();
    await m.whenSettled();
    servers.s.failWith = new McpConnectionError("s", "exited", "server process exited: boom");
    servers.s.exit?.();
    await expect
      .poll(() => m.getSnapshot()[0]?.status, POLL)
      .toEqual({
        state: "failed",
        reason: "server process exited: boom; gave up after 3 restarts",
      });
    expect(servers.s.connects).toBe(4);
    await m.close();
  });

  it("does not restart remote servers; the next call reconnects", async () => {
    const servers = { r: fake(["x"]) };
    const remote: McpServerConfig = {
      name: "r",
      type: "http",
      url: "http://x",
      headers: {},
      oauth: {},
      enabled: true,
      source: "test",
    };
    const m = createMcpManager({ servers: [remote], paths, clientFactory: fakeFactory(servers) });
    m.start();
    await m.whenSettled();
    servers.r.exit?.();
    await expect.poll(() => m.getSnapshot()[0]?.status.state, POLL).toBe("failed");
    expect(servers.r.connects).toBe(1);
    await m.callTool("r", "x", {});
    expect(servers.r.connects).toBe(2);
    expect(m.getSnapshot()[0]?.status).toEqual({ state: "connected", toolCount: 1 });
    await m.close();
  });

  it("setEnabled persists through the injected writer", async () => {
    const writes: [string, boolean][] = [];
    const m = createMcpManager({
      servers: [{ ...stdioMock("s"), enabled: false }],
      paths,
      clientFactory: fakeFactory({ s: fake(["x"]) }),
      persistEnabled: async (server, enabled) => {
        writes.push([server.name, enabled]);
      },
    });
    m.start();
    expect(m.getSnapshot()[0]?.status).toEqual({ state: "disabled" });
    expect((await m.setEnabled("s", true)).status).toEqual({ state: "connected", toolCount: 1 });
    expect((await m.setEnabled("s", false)).status).toEqual({ state: "disabled" });
    expect(writes).toEqual([
      ["s", true],
      ["s", false],
    ]);
    await expect(m.setEnabled("nope", true)).rejects.toThrow('no MCP server named "nope"');
    await m.close();
  });
});
