import { describe, expect, it } from "vitest";
import type { McpConnection } from "./connection.js";
import { type GuardedRequest, guardedConnection } from "./guarded-connection.js";

function fakeConnection(closed: string[]): McpConnection {
  const answer = <T>(value: T): Promise<T> => Promise.resolve(value);
  return {
    pid: 42,
    serverInfo: { name: "s", version: "1" },
    instructions: "be kind",
    protocolVersion: "2026-07-28",
    ended: new Promise(() => {}),
    listTools: () => answer([]),
    callTool: () => answer({ content: [] }),
    request: <T>() => answer("sent" as T),
    notifyRootsChanged: () => answer(undefined),
    resources: {
      capabilities: { resources: true, subscribe: true, completions: true },
      list: () => answer({ resources: [], templates: [] }),
      read: (uri) => answer({ contents: [{ uri, text: "t" }] }),
      subscribe: () => answer(undefined),
      complete: () => answer(["v"]),
    },
    close: async () => void closed.push("connection"),
  };
}

describe("guardedConnection", () => {
  it("runs every request kind through the guard, resources included, and passes the rest", async () => {
    const seen: GuardedRequest[] = [];
    const closed: string[] = [];
    const inner = fakeConnection(closed);
    const wrapped = guardedConnection(inner, {
      run: (request, kind) => {
        seen.push(kind);
        return request();
      },
      auth: () => "oauth",
    });
    await wrapped.listTools();
    await wrapped.callTool("t", {});
    expect(await wrapped.request(async () => "x")).toBe("sent");
    await wrapped.resources?.list();
    expect(await wrapped.resources?.read("mock://a")).toEqual({
      contents: [{ uri: "mock://a", text: "t" }],
    });
    await wrapped.resources?.subscribe("mock://a");
    expect(await wrapped.resources?.complete("mock://{x}", "x", "")).toEqual(["v"]);
    expect(seen).toEqual([
      "listTools",
      "callTool",
      "request",
      "resources",
      "resources",
      "resources",
      "resources",
    ]);
    expect(wrapped.resources?.capabilities).toBe(inner.resources?.capabilities);
    expect([wrapped.pid, wrapped.protocolVersion, wrapped.auth]).toEqual([
      42,
      "2026-07-28",
      "oauth",
    ]);
    expect(wrapped.ended).toBe(inner.ended);
    await wrapped.close();
    expect(closed).toEqual(["connection"]);
  });

  it("a connection without resources stays without them; the guard's close replaces the connection's", async () => {
    const closed: string[] = [];
    const { resources: _, ...bare } = fakeConnection(closed);
    const wrapped = guardedConnection(bare, {
      run: (request) => request(),
      auth: () => undefined,
      close: async () => void closed.push("guard"),
    });
    expect(wrapped.resources).toBeUndefined();
    expect(wrapped.auth).toBeUndefined();
    await wrapped.close();
    expect(closed).toEqual(["guard"]);
  });
});
