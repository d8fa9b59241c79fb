import type { CallToolResult } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import type { McpToolDefinition } from "./connect.js";
import { McpConnectionError } from "./errors.js";
import {
  assignToolNames,
  bridgeTool,
  DEFAULT_RESULT_LIMITS,
  filterTools,
  MAX_TOOL_NAME,
  mapToolResult,
  type ServerToolCaller,
  truncateParts,
} from "./tool-bridge.js";

const definition = (name: string, extra: Partial<McpToolDefinition> = {}): McpToolDefinition => ({
  name,
  inputSchema: { type: "object", properties: { text: { type: "string" } } },
  ...extra,
});

describe("assignToolNames", () => {
  it("prefixes with mcp__server__ and sanitizes to [A-Za-z0-9_-]", () => {
    expect(
      assignToolNames([
        { server: "fs", tool: "read_file" },
        { server: "my.server", tool: "do thing/now" },
      ]),
    ).toEqual(["mcp__fs__read_file", "mcp__my_server__do_thing_now"]);
  });

  it("truncates to 64 characters with a deterministic hash suffix", () => {
    const long = "x".repeat(100);
    const [a] = assignToolNames([{ server: "srv", tool: long }]);
    const [b] = assignToolNames([{ server: "srv", tool: long }]);
    expect(a).toHaveLength(MAX_TOOL_NAME);
    expect(a).toBe(b);
    expect(a).toMatch(/^mcp__srv__x+_[0-9a-f]{6}$/);
  });

  it("gives a colliding name a suffix and keeps the first one plain", () => {
    const names = assignToolNames([
      { server: "a", tool: "x.y" },
      { server: "a", tool: "x_y" },
      { server: "a", tool: "x y" },
    ]);
    expect(names[0]).toBe("mcp__a__x_y");
    expect(names[1]).toMatch(/^mcp__a__x_y_[0-9a-f]{6}$/);
    expect(names[2]).toMatch(/^mcp__a__x_y_[0-9a-f]{6}$/);
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it("truncated names that still collide stay unique", () => {
    const names = assignToolNames([
      { server: "s".repeat(70), tool: "a" },
      { server: "s".repeat(70), tool: "b" },
    ]);
    expect(names[0]).not.toBe(names[1]);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
  });
});

describe("filterTools", () => {
  const tools = ["read_file", "write_file", "list_dir", "delete_file"].map((name) => ({ name }));
  it("keeps everything without patterns", () => {
    expect(filterTools(tools)).toHaveLength(4);
  });
  it("applies include, then exclude, as globs", () => {
    expect(filterTools(tools, ["*_file"], ["delete_*"]).map((t) => t.name)).toEqual([
      "read_file",
      "write_file",
    ]);
    expect(filterTools(tools, undefined, ["*_file"]).map((t) => t.name)).toEqual(["list_dir"]);
  });
});

describe("mapToolResult", () => {
  it("maps text, image and structuredContent", () => {
    const outcome = mapToolResult({
      content: [
        { type: "text", text: "hello" },
        { type: "image", data: "AAAA", mimeType: "image/png" },
      ],
      structuredContent: { sum: 3 },
    });
    expect(outcome).toEqual({
      status: "ok",
      content: [
        { type: "text", text: "hello" },
        { type: "image", data: "AAAA", mimeType: "image/png" },
      ],
      structured: { sum: 3 },
    });
  });

  it("describes audio, embedded resources and resource links as text", () => {
    const outcome = mapToolResult({
      content: [
        { type: "audio", data: "AAAAAAAA", mimeType: "audio/wav" },
        { type: "resource", resource: { uri: "file:///a.txt", mimeType: "text/plain", text: "A" } },
        { type: "resource", resource: { uri: "file:///b.bin", blob: "AAAA" } },
        { type: "resource_link", uri: "file:///c", name: "c", description: "the c file" },
      ],
    });
    expect(outcome.status).toBe("ok");
    const texts =
      outcome.status === "ok" ? outcome.content.map((p) => p.type === "text" && p.text) : [];
    expect(texts[0]).toBe("[audio audio/wav, 6 bytes: audio is not passed to the model]");
    expect(texts[1]).toBe("[resource file:///a.txt (text/plain)]\nA");
    expect(texts[2]).toContain("3 bytes of binary data");
    expect(texts[3]).toBe("[resource link: c <file:///c> the c file]");
  });

  it("gives structured-only results a text rendering", () => {
    const outcome = mapToolResult({ content: [], structuredContent: { a: 1 } });
    expect(outcome).toMatchObject({ status: "ok", content: [{ type: "text", text: '{"a":1}' }] });
  });

  it("turns isError into an error outcome carrying the text", () => {
    const outcome = mapToolResult({ isError: true, content: [{ type: "text", text: "boom" }] });
    expect(outcome).toMatchObject({ status: "error", message: "boom" });
    expect(mapToolResult({ isError: true, content: [] })).toMatchObject({
      status: "error",
      message: "the tool reported an error",
    });
  });

  it("truncates oversized text with a note saying so", () => {
    const result: CallToolResult = { content: [{ type: "text", text: "0123456789".repeat(50) }] };
    const outcome = mapToolResult(result, { maxTextChars: 120, maxImageChars: 10 });
    if (outcome.status !== "ok") throw new Error("expected ok");
    expect(outcome.content[0]).toEqual({ type: "text", text: "0123456789".repeat(12) });
    expect(outcome.content[1]).toEqual({
      type: "text",
      text: "[output truncated: the tool returned 500 characters of text; only the first 120 are shown]",
    });
  });

  it("replaces images over the limit with a note", () => {
    const outcome = mapToolResult(
      { content: [{ type: "image", data: "A".repeat(40), mimeType: "image/png" }] },
      { maxTextChars: 1000, maxImageChars: 10 },
    );
    expect(outcome).toMatchObject({
      content: [{ type: "text", text: "[image image/png, 30 bytes: too large, omitted]" }],
    });
  });
});

describe("truncateParts", () => {
  it("keeps parts within budget untouched", () => {
    const parts = [{ type: "text", text: "abc" }] as const;
    expect(truncateParts(parts, 3)).toEqual(parts);
  });
  it("drops text parts after the budget is spent", () => {
    const out = truncateParts(
      [
        { type: "text", text: "aaaa" },
        { type: "text", text: "bbbb" },
      ],
      4,
    );
    expect(out.map((p) => p.type === "text" && p.text.slice(0, 4))).toEqual(["aaaa", "[out"]);
  });
  it("spends the budget on higher-priority parts first, keeping their order", () => {
    const out = mapToolResult(
      {
        content: [
          { type: "text", text: "debug ".repeat(10), annotations: { priority: 0.2 } },
          { type: "text", text: "ERROR", annotations: { priority: 1 } },
          { type: "text", text: "plain" },
        ],
      },
      { ...DEFAULT_RESULT_LIMITS, maxTextChars: 14 },
    );
    expect(out.status === "ok" && out.content.map((p) => p.type === "text" && p.text)).toEqual([
      "debug debug ".slice(0, 4),
      "ERROR",
      "plain",
      "[output truncated: the tool returned 70 characters of text; only the first 14 are shown]",
    ]);
  });
});

describe("bridgeTool", () => {
  const signal = new AbortController().signal;

  it("names the server in the description and forwards calls, progress and signal", async () => {
    const calls: unknown[] = [];
    const call: ServerToolCaller = async (server, tool, args, options) => {
      calls.push({ server, tool, args, hasSignal: options.signal === signal });
      options.onProgress?.({ progress: 1, total: 2 });
      return { content: [{ type: "text", text: "ok" }] };
    };
    const progress: unknown[] = [];
    const tool = bridgeTool({
      server: "fs",
      definition: definition("read", { description: "Reads a file" }),
      name: "mcp__fs__read",
      call,
    });
    expect(tool.description).toContain('from server "fs"');
    expect(tool.description).toContain("Reads a file");
    expect(tool.origin).toBe("mcp:fs");
    const outcome = await tool.execute(
      { text: "x" },
      { signal, onProgress: (p) => progress.push(p) },
    );
    expect(outcome).toEqual({ status: "ok", content: [{ type: "text", text: "ok" }] });
    expect(calls).toEqual([{ server: "fs", tool: "read", args: { text: "x" }, hasSignal: true }]);
    expect(progress).toEqual([{ progress: 1, total: 2 }]);
  });

  it("treats every MCP tool as external, whatever its annotations claim", () => {
    const tool = bridgeTool({
      server: "fs",
      definition: definition("read", { annotations: { readOnlyHint: true } }),
      name: "mcp__fs__read",
      call: async () => ({ content: [] }),
    });
    expect(tool.effect).toBe("external");
  });

  it("says a JSON-RPC error answer came from the tool, and a failure on the way from the client", async () => {
    const outcome = (error: Error) =>
      bridgeTool({
        server: "fs",
        definition: definition("read"),
        name: "mcp__fs__read",
        call: async () => {
          throw error;
        },
      }).execute({}, { signal });
    // A real session hands both to the model and carries on; only the second is wren's failure.
    expect(
      await outcome(new McpConnectionError("fs", "server-error", "MCP error -32601: no such")),
    ).toEqual({ status: "error", message: "fs: MCP error -32601: no such", source: "tool" });
    expect(
      await outcome(new McpConnectionError("fs", "protocol", "Invalid result for tools/call")),
    ).toMatchObject({ status: "error", source: "client" });
  });

  it("turns thrown errors into error outcomes and aborts into cancelled", async () => {
    const failing = bridgeTool({
      server: "fs",
      definition: definition("read"),
      name: "mcp__fs__read",
      call: async () => {
        throw new McpConnectionError("fs", "exited", "server process exited: boom");
      },
    });
    expect(await failing.execute({}, { signal })).toEqual({
      status: "error",
      message: "fs: server process exited: boom",
      source: "client",
    });
    const controller = new AbortController();
    const cancelled = bridgeTool({
      server: "fs",
      definition: definition("read"),
      name: "mcp__fs__read",
      call: async () => {
        controller.abort();
        throw new Error("aborted");
      },
    });
    expect(await cancelled.execute({}, { signal: controller.signal })).toEqual({
      status: "cancelled",
    });
    expect(await failing.execute([1, 2], { signal })).toMatchObject({ status: "error" });
  });
});
