import { mkdir, readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type WrenConfig } from "../config/load.js";
import { debugReport } from "../mcp/debug/debug.js";
import { createMcpManager, type McpManager } from "../mcp/manager.js";
import { STDIO_MOCK, tempPaths } from "../mcp/test-support.js";
import type { WrenPaths } from "../utils/paths.js";
import { mcpCommand } from "./mcp.js";
import type { CommandContext, CommandResult } from "./types.js";

let paths: WrenPaths;
let cleanup: () => Promise<void>;
let manager: McpManager;
let context: CommandContext;

// One manager for the file: starting servers is the slow part. Tests leave it as they found it.
beforeAll(async () => {
  ({ paths, cleanup } = await tempPaths());
  await mkdir(paths.home, { recursive: true });
  const servers = {
    mock: { command: process.execPath, args: [STDIO_MOCK] },
    broken: { command: process.execPath, args: [STDIO_MOCK, "--exit-immediately"] },
    remote: { url: "http://127.0.0.1:9/mcp", enabled: false, headers: { Authorization: "x" } },
  };
  await writeFile(paths.userSettings, JSON.stringify({ mcpServers: servers }, null, 2));
  const config: WrenConfig = await loadConfig({ paths, env: {} });
  manager = createMcpManager({ servers: config.servers, paths });
  manager.start();
  await manager.whenSettled();
  context = { paths, config: () => config, signal: new AbortController().signal, mcp: manager };
});
afterAll(async () => {
  await manager.close();
  await cleanup();
});

function text(result: CommandResult): string {
  return (result.output ?? []).map((o) => (o.kind === "text" ? o.text : "")).join("\n");
}

describe(".mcp", () => {
  it("lists servers as a table by default", async () => {
    const result = await mcpCommand.run("", context);
    expect(result.output).toEqual([
      {
        kind: "table",
        columns: ["name", "transport", "status", "tools", "auth"],
        rows: [
          ["mock", "stdio", "connected", "11", "-"],
          [
            "broken",
            "stdio",
            "failed: server process exited: mock-stdio: exiting immediately with code 3 (--exit-immediately)",
            "-",
            "-",
          ],
          ["remote", "http", "disabled", "-", "header"],
        ],
      },
    ]);
    expect(await mcpCommand.run("list", context)).toEqual(result);
  });

  it("lists one server's tools", async () => {
    const result = await mcpCommand.run("tools mock", context);
    const table = result.output?.[0];
    expect(table?.kind === "table" && table.rows[0]).toEqual(["echo", "Echoes the text back"]);
  });

  it("reconnects, disables (persisted) and enables servers", async () => {
    expect(text(await mcpCommand.run("reconnect mock", context))).toBe(
      "mock: connected (11 tools)",
    );
    const disabled = text(await mcpCommand.run("disable mock", context));
    expect(disabled).toBe(`mock disabled (saved in ${paths.userSettings}): disabled`);
    expect(JSON.parse(await readFile(paths.userSettings, "utf8")).mcpServers.mock.enabled).toBe(
      false,
    );
    expect(text(await mcpCommand.run("enable mock", context))).toContain("connected (11 tools)");
  });

  it("reports errors as text, never throws", async () => {
    expect(await mcpCommand.run("tools nope", context)).toMatchObject({
      output: [{ tone: "error", text: 'no MCP server named "nope"' }],
    });
    expect(text(await mcpCommand.run("tools", context))).toBe("usage: .mcp tools NAME");
    expect(text(await mcpCommand.run("frob x", context))).toContain('unknown subcommand "frob"');
    expect(text(await mcpCommand.run("tools remote", context))).toBe(
      "remote is disabled: run .mcp enable remote",
    );
    expect(text(await mcpCommand.run("reconnect broken", context))).toMatch(/^broken: failed: /);
    expect(text(await mcpCommand.run("auth mock", context))).toBe(
      "mock is a stdio server; only remote servers sign in",
    );
    expect(text(await mcpCommand.run("", { ...context, mcp: undefined }))).toBe(
      "MCP is not available in this session",
    );
  });

  it("completes subcommands and server names", () => {
    expect(mcpCommand.complete?.([], context)).toEqual([
      "list",
      "tools",
      "resources",
      "reconnect",
      "enable",
      "disable",
      "auth",
      "logout",
      "debug",
    ]);
    expect(mcpCommand.complete?.(["debug"], context)).toEqual(["mock", "broken", "remote"]);
    expect(mcpCommand.complete?.(["tools"], context)).toEqual(["mock", "broken", "remote"]);
    expect(mcpCommand.complete?.(["enable"], context)).toEqual(["remote"]);
    expect(mcpCommand.complete?.(["auth"], context)).toEqual(["remote"]);
    expect(mcpCommand.complete?.(["disable"], context)).toEqual(["mock", "broken"]);
    expect(mcpCommand.complete?.(["tools", "mock"], context)).toEqual([]);
  });
});

describe(".mcp debug NAME", () => {
  it("shows the trace of a fresh attempt: connected, or failed in the error tone", async () => {
    const withDebug: CommandContext = {
      ...context,
      debugMcp: (server) => debugReport(server, { paths }),
    };
    const ok = await mcpCommand.run("debug mock", withDebug);
    expect(ok.output?.[0]).toMatchObject({ kind: "text", tone: "normal" });
    expect(text(ok)).toContain("[skip] OAuth: a stdio server");
    expect(text(ok).split("\n").at(-1)).toBe("result: connected");
    const failed = await mcpCommand.run("debug broken", withDebug);
    expect(failed.output?.[0]).toMatchObject({ kind: "text", tone: "error" });
    expect(text(failed)).toMatch(/result: failed at connection: .*exiting immediately/);
    expect(text(await mcpCommand.run("debug nope", withDebug))).toBe('no MCP server named "nope"');
    expect(text(await mcpCommand.run("debug mock", context))).toBe("debug is not available here");
  });
});

describe(".mcp while MCP loads", () => {
  it("waits for MCP to load, with a progress line, then runs", async () => {
    const progress: (string | undefined)[] = [];
    let release: (m: McpManager) => void = () => {};
    const loading = new Promise<McpManager>((resolve) => {
      release = resolve;
    });
    const { mcp: _, ...rest } = context;
    const running = mcpCommand.run("tools mock", {
      ...rest,
      loadMcp: () => loading,
      progress: (line) => progress.push(line),
    });
    expect(progress).toEqual(["loading MCP servers…"]);
    release(manager);
    const result = await running;
    expect(result.output?.[0]).toMatchObject({ kind: "table", columns: ["tool", "description"] });
    expect(progress).toEqual(["loading MCP servers…", undefined]);
  });

  it("says how to add a server when none is configured, and stops waiting on Esc", async () => {
    const { mcp: _, ...rest } = context;
    const none = await mcpCommand.run("list", { ...rest, loadMcp: async () => undefined });
    expect(text(none)).toContain("wren mcp add NAME URL");
    const controller = new AbortController();
    const waiting = mcpCommand.run("list", {
      ...rest,
      signal: controller.signal,
      loadMcp: () => new Promise<McpManager | undefined>(() => {}),
    });
    controller.abort();
    expect(text(await waiting)).toBe("cancelled");
  });
});
