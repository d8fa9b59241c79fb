import { mkdir, readFile, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WrenPaths } from "../utils/paths.js";
import { type McpCliIo, redactServer, runMcpCli } from "./cli.js";
import { remoteServer, STDIO_MOCK, startModernMock, stdioMock, tempPaths } from "./test-support.js";

let paths: WrenPaths;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ paths, cleanup } = await tempPaths());
  await mkdir(paths.home, { recursive: true });
});
afterEach(async () => {
  await cleanup();
});

async function run(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: McpCliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
    cwd: paths.project,
    paths,
  };
  const code = await runMcpCli(argv, io);
  return { code, stdout, stderr };
}

async function settings(servers: Record<string, unknown>): Promise<void> {
  await writeFile(paths.userSettings, JSON.stringify({ mcpServers: servers }, null, 2));
}

const mock = { command: process.execPath, args: [STDIO_MOCK] };

describe("wren mcp call", () => {
  it("prints the result as JSON and exits 0", async () => {
    await settings({ mock });
    const r = await run(["call", "mock", "add", '{"a":2,"b":3}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      content: [{ type: "text", text: "5" }],
      structuredContent: { sum: 5 },
    });
  });

  it("exits 1 when the result is an error", async () => {
    await settings({ mock });
    const r = await run(["call", "mock", "fail", '{"message":"nope"}']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ isError: true, content: [{ text: "nope" }] });
  });

  it("declines elicitation with a log line on stderr", async () => {
    await settings({ mock });
    const r = await run(["call", "mock", "elicit"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\\"action\\":\\"decline\\"');
    expect(r.stderr).toBe(
      'wren: mock asked for input ("The mock server needs a few values"); declined (not interactive)\n',
    );
  });

  it("exits 2 on bad JSON, unknown server or bad usage; 1 when the server fails", async () => {
    await settings({
      mock,
      dead: { command: process.execPath, args: [STDIO_MOCK, "--exit-immediately"] },
    });
    expect((await run(["call", "mock", "add", "{nope"])).code).toBe(2);
    expect((await run(["call", "mock", "add", "[1]"])).stderr).toContain("must be a JSON object");
    expect((await run(["call", "nope", "add"])).stderr).toBe('wren: no MCP server named "nope"\n');
    expect((await run(["call", "mock"])).code).toBe(2);
    expect((await run(["frob"])).code).toBe(2);
    expect((await run([])).code).toBe(2);
    expect((await run(["list", "--nope"])).code).toBe(2);
    const dead = await run(["call", "dead", "echo", "{}"]);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain("wren: server process exited: mock-stdio: exiting immediately");
  });

  it("exits 2 on invalid configuration", async () => {
    await writeFile(paths.userSettings, '{ "mcpServers": { "x": { "url": "${MISSING}" } } }');
    const r = await run(["list"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("environment variable MISSING is not set");
  });
});

describe("wren mcp list / get / tools", () => {
  it("lists servers with status and tool count", async () => {
    await settings({
      mock,
      off: { ...mock, enabled: false },
      dead: { command: process.execPath, args: [STDIO_MOCK, "--exit-immediately"] },
    });
    const r = await run(["list"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+TRANSPORT\s+STATUS\s+TOOLS\s+AUTH$/);
    expect(lines[1]).toMatch(/^mock\s+stdio\s+connected\s+11\s+-$/);
    expect(lines[2]).toMatch(/^off\s+stdio\s+disabled\s+-\s+-$/);
    expect(lines[3]).toMatch(/^dead\s+stdio\s+failed: server process exited/);
    const json = JSON.parse((await run(["list", "--json"])).stdout);
    expect(json[0]).toEqual({
      name: "mock",
      transport: "stdio",
      status: "connected",
      tools: 11,
      auth: "-",
    });
  });

  it("says so when nothing is configured", async () => {
    expect((await run(["list"])).stdout).toContain("No MCP servers configured");
  });

  it("shows one server with secrets redacted", async () => {
    await settings({
      corp: {
        url: "https://mcp.example.com/mcp?api_key=abc&team=core",
        headers: { Authorization: "Bearer sekrit", "X-Team": "core" },
        oauth: { clientId: "wren", clientSecret: "${SECRET}" },
        enabled: false,
      },
    });
    const r = await run(["get", "corp"], { SECRET: "hunter2" });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("sekrit");
    expect(r.stdout).not.toContain("hunter2");
    expect(r.stdout).not.toContain("abc");
    expect(r.stdout).toContain('headers: {"Authorization":"***","X-Team":"***"}');
    expect(r.stdout).toContain('"clientSecret":"***"');
    expect(r.stdout).toContain("api_key=***&team=core");
    expect(r.stdout).toContain("status: disabled");
  });

  it("shows the protocol revision negotiated with a connected server", async () => {
    const modern = await startModernMock();
    try {
      await settings({ mock, modern: { url: `http://127.0.0.1:${modern.port}/mcp` } });
      const stdio = await run(["get", "mock"]);
      expect(stdio.stdout).toContain("  protocol: 2025-11-25");
      const http = await run(["get", "modern", "--json"]);
      expect(JSON.parse(http.stdout)).toMatchObject({ protocol: "2026-07-28" });
    } finally {
      await modern.stop();
    }
  });

  it("lists a server's tools", async () => {
    await settings({ mock: { ...mock, includeTools: ["echo", "add"] } });
    const r = await run(["tools", "mock"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TOOL\s+DESCRIPTION\necho\s+Echoes the text back\nadd\s+Adds two/);
  });
});

describe("wren mcp add / remove", () => {
  it("adds remote and stdio servers to the chosen scope", async () => {
    const http = await run([
      "add",
      "notion",
      "https://mcp.notion.com/mcp",
      "--header",
      "X-Team: core",
      "--scope",
      "project",
    ]);
    expect(http).toMatchObject({ code: 0 });
    expect(http.stdout).toBe(
      `Added notion (http https://mcp.notion.com/mcp) to ${paths.projectMcpJson}\n`,
    );
    expect(JSON.parse(await readFile(paths.projectMcpJson, "utf8"))).toEqual({
      mcpServers: {
        notion: { type: "http", url: "https://mcp.notion.com/mcp", headers: { "X-Team": "core" } },
      },
    });
    const stdio = await run([
      "add",
      "fs",
      "--env",
      "A=1",
      "--",
      "npx",
      "-y",
      "server-fs",
      "--flag",
    ]);
    expect(stdio.code).toBe(0);
    expect(JSON.parse(await readFile(paths.userSettings, "utf8")).mcpServers.fs).toEqual({
      type: "stdio",
      command: "npx",
      args: ["-y", "server-fs", "--flag"],
      env: { A: "1" },
    });
    const sse = await run(["add", "old", "https://x.example/sse", "--transport", "sse"]);
    expect(sse.code).toBe(0);
    expect((await run(["add", "old", "https://x.example/sse"])).stderr).toContain("already exists");
    expect((await run(["add", "bad name", "https://x"])).code).toBe(2);
    expect((await run(["add", "x", "ftp://x"])).code).toBe(2);
    expect((await run(["add", "x"])).code).toBe(2);
    expect((await run(["add", "x", "https://x", "--", "cmd"])).code).toBe(2);
    expect((await run(["add", "x", "https://x", "--scope", "global"])).code).toBe(2);
  });

  it("removes a server from the file that defines it, keeping the rest", async () => {
    await writeFile(
      paths.userSettings,
      '{\n  // keep me\n  "model": "a/b",\n  "mcpServers": { "a": { "url": "https://a" }, "b": { "url": "https://b" } }\n}\n',
    );
    await writeFile(paths.projectMcpJson, '{ "mcpServers": { "a": { "url": "https://p" } } }');
    const r = await run(["remove", "a"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `Removed a from ${paths.projectMcpJson}\na is also defined in ${paths.userSettings}\n`,
    );
    expect((await run(["remove", "a", "--scope", "user"])).code).toBe(0);
    const text = await readFile(paths.userSettings, "utf8");
    expect(text).toContain("// keep me");
    expect(text).toContain('"b"');
    expect(text).not.toContain('"a"');
    expect((await run(["remove", "a"])).code).toBe(2);
  });
});

describe("redactServer", () => {
  it("redacts secret-looking env values and keeps plain ones", () => {
    const redacted = redactServer(
      stdioMock("s", [], {
        env: { GITHUB_TOKEN: "ghp_x", LOG_LEVEL: "debug", OPAQUE: "a".repeat(40) },
      }),
    );
    expect(redacted.env).toEqual({ GITHUB_TOKEN: "***", LOG_LEVEL: "debug", OPAQUE: "***" });
    expect(redactServer(remoteServer("r", "https://u:p@x.example/mcp")).url).toBe(
      "https://u:***@x.example/mcp",
    );
  });
});
