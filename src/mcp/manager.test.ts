// Unit tests with an injected connect standing in for the process/network boundary;
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
      request: async () => {
        throw new Error("not in this fake");
      },
      notifyRootsChanged: async () => {},
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
  it("close() aborts a server that is still connecting instead of waiting for it", async () => {
    let aborted = false;
    // A connect that notices the abort but only ends much later (a child holding the pipes).
    const stuck: ConnectFn = ({ signal }) =>
      new Promise<McpConnection>(() => {
        signal?.addEventListener("abort", () => {
          aborted = true;
        });
      });
    const m = createMcpManager({ servers: [stdioMock("slow")], paths, connect: stuck });
    m.start();
    expect(m.getSnapshot()[0]?.status.state).toBe("connecting");
    await m.close();
    expect(aborted).toBe(true);
  });

  it("names tools across servers uniquely and keeps tools() stable between changes", async () => {
    const servers = { "a.b": fake(["x"]), a_b: fake(["x"]) };
    const m = createMcpManager({
      servers: [stdioMock("a.b"), stdioMock("a_b")],
      paths,
      connect: fakeFactory(servers),
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
    // Every connect waits until all twenty have begun: one after another, none would finish.
    const count = 20;
    let begun = 0;
    let allBegun = (): void => {};
    const everyone = new Promise<void>((resolve) => {
      allBegun = resolve;
    });
    const gated: ConnectFn = async (options) => {
      begun += 1;
      if (begun === count) allBegun();
      await everyone;
      return fakeFactory({ [options.server.name]: fake(["x"]) })(options);
    };
    const configs = Array.from({ length: count }, (_, i) => stdioMock(`s${i}`));
    const m = createMcpManager({ servers: configs, paths, connect: gated });
    m.start();
    // start() returns with every server still connecting; it waits for none of them.
    expect(m.getSnapshot().map((s) => s.status.state)).toEqual(Array(count).fill("connecting"));
    await m.whenSettled();
    expect(begun).toBe(count);
    expect(m.getSnapshot().every((s) => s.status.state === "connected")).toBe(true);
    await m.close();
  });

  it("gives up restarting after maxAttempts failed restarts", async () => {
    const servers = { s: fake(["x"]) };
    const m = createMcpManager({
      servers: [stdioMock("s")],
      paths,
      connect: fakeFactory(servers),
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
    const m = createMcpManager({ servers: [remote], paths, connect: fakeFactory(servers) });
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

  it("setEnabled connects or closes for the session, and leaves saving to the caller", async () => {
    const servers = { s: fake(["x"]) };
    // The source file does not exist: a manager that tried to save would reject.
    const m = createMcpManager({
      servers: [{ ...stdioMock("s"), enabled: false, source: "/nonexistent/settings.json" }],
      paths,
      connect: fakeFactory(servers),
    });
    m.start();
    expect(m.getSnapshot()[0]?.status).toEqual({ state: "disabled" });
    expect((await m.setEnabled("s", true)).status).toEqual({ state: "connected", toolCount: 1 });
    expect((await m.setEnabled("s", false)).status).toEqual({ state: "disabled" });
    expect(servers.s.connects).toBe(1);
    await expect(m.setEnabled("nope", true)).rejects.toThrow('no MCP server named "nope"');
    await m.close();
  });

  it("shows a server whose entry could not be read as failed, and never connects it", async () => {
    const servers = { s: fake(["x"]) };
    const m = createMcpManager({
      servers: [
        { ...stdioMock("s"), enabled: false, invalid: "settings.json: mcpServers.s.type: bad" },
      ],
      paths,
      connect: fakeFactory(servers),
    });
    m.start();
    expect(m.getSnapshot()[0]?.status).toEqual({
      state: "failed",
      reason: "settings.json: mcpServers.s.type: bad",
    });
    await expect(m.setEnabled("s", true)).rejects.toThrow("mcpServers.s.type: bad");
    await expect(m.callTool("s", "x", {})).rejects.toThrow("mcpServers.s.type: bad");
    expect(servers.s.connects).toBe(0);
    await m.close();
  });
});

describe("prompts and roots (unit)", () => {
  it("refreshes a server's prompts on list_changed and announces root changes", async () => {
    let names = ["first"];
    let onPromptsChanged: (() => void) | undefined;
    let rootsAnnounced = 0;
    let rootsOffered: unknown;
    const factory: ConnectFn = async ({ hooks }) => {
      onPromptsChanged = hooks?.onPromptsChanged;
      rootsOffered = hooks?.roots?.();
      const ended = new Promise<ConnectionEnd>(() => {});
      return {
        pid: undefined,
        serverInfo: undefined,
        instructions: "use me well",
        protocolVersion: "2025-11-25",
        capabilities: { prompts: { listChanged: true } },
        listTools: async () => [],
        // Stands in for the SDK client: only listPrompts is asked of it here.
        request: async (send) =>
          send(
            {
              listPrompts: async () => ({ prompts: names.map((name) => ({ name })) }),
            } as unknown as Parameters<typeof send>[0],
            {},
          ),
        notifyRootsChanged: async () => {
          rootsAnnounced++;
        },
        callTool: async () => ({ content: [] }),
        close: async () => {},
        ended,
      };
    };
    const m = createMcpManager({ servers: [stdioMock("p")], paths, connect: factory });
    m.start();
    await m.whenSettled();
    expect(m.prompts().map((p) => p.name)).toEqual(["first"]);
    expect(m.getSnapshot()[0]?.instructions).toBe("use me well");
    expect(rootsOffered).toEqual([{ uri: "file:///nonexistent/project", name: "project" }]);
    names = ["first", "second"];
    onPromptsChanged?.();
    await expect.poll(() => m.prompts().map((p) => p.name), POLL).toEqual(["first", "second"]);
    await m.roots.add("/").catch(() => {});
    await expect.poll(() => rootsAnnounced, POLL).toBe(1);
    await m.close();
  });
});
