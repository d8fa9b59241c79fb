import { mkdir, readFile, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runMcpCli } from "../../cli.js";
import { redactServer } from "../../config/redact-server.js";
import type { WrenPaths } from "../../utils/paths.js";
import {
  remoteServer,
  STDIO_MOCK,
  startModernMock,
  stdioMock,
  tempPaths,
} from "../test-support.js";
import type { McpCliIo } from "./cli.js";

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
    expect(dead.stderr).toContain(
      "wren: dead: server process exited: mock-stdio: exiting immediately",
    );
  });

  it("lists a server with a bad entry as failed with its error; the others still work", async () => {
    await settings({ x: { url: "${MISSING}" }, ws: { type: "websocket", url: "wss://w" }, mock });
    const list = await run(["list", "--json"]);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout);
    expect(rows.find((r: { name: string }) => r.name === "x")).toMatchObject({
      status: "failed",
      error: expect.stringContaining("environment variable MISSING is not set"),
    });
    expect(rows.find((r: { name: string }) => r.name === "ws")).toMatchObject({
      status: "failed",
      error: expect.stringContaining("mcpServers.ws.type"),
    });
    expect(rows.find((r: { name: string }) => r.name === "mock")).toMatchObject({
      status: "connected",
    });
    const call = await run(["call", "x", "echo"]);
    expect(call.code).toBe(2);
    expect(call.stderr).toContain("environment variable MISSING is not set");
    expect((await run(["call", "mock", "add", '{"a":1,"b":1}'])).code).toBe(0);
  });

  it("exits 2 on other invalid configuration", async () => {
    await writeFile(paths.userSettings, '{ "permissions": { "allow": "all" } }');
    const r = await run(["list"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("permissions.allow: expected an array");
  });

  it("has --timeout, and keeps waiting while the server reports progress", async () => {
    await settings({ mock });
    // 5 steps of 150 ms: longer than the timeout in total, but progress arrives in between.
    const slow = await run([
      "call",
      "mock",
      "slow",
      '{"steps":5,"stepMs":150}',
      "--timeout",
      "400",
    ]);
    expect(slow.code).toBe(0);
    expect(slow.stdout).toContain("done after 5 steps");
    expect((await run(["call", "mock", "slow", "{}", "--timeout", "soon"])).code).toBe(2);
  });

  it("names the server when a call times out", async () => {
    await settings({ mock });
    const r = await run(["call", "mock", "slow", '{"steps":1,"stepMs":3000}', "--timeout", "300"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("wren: mock: timed out after 300ms\n");
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

  it("redacts secrets a stdio server gets on its command line", async () => {
    await settings({
      gh: {
        command: "npx",
        args: [
          "-y",
          "@acme/mcp",
          "--token=ghtok-in-args",
          "--api-key",
          "apikey-in-args",
          "--verbose",
        ],
        env: { ACME_PASSWORD: "pw-in-env" },
        enabled: false,
      },
    });
    for (const argv of [
      ["get", "gh"],
      ["get", "gh", "--json"],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      for (const secret of ["ghtok-in-args", "apikey-in-args", "pw-in-env"]) {
        expect(r.stdout).not.toContain(secret);
      }
      expect(r.stdout).toContain("--token=***");
      expect(r.stdout).toContain("--verbose");
    }
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

  it("lists a server's resources, as a table or JSON", async () => {
    await settings({ mock });
    const r = await run(["resources", "mock"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^URI\s+NAME\s+TYPE\s+DESCRIPTION\nmock:\/\/static\/hello\.txt\s+Hello\s+text\/plain/,
    );
    const json = await run(["resources", "mock", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      resources: [{ uri: "mock://static/hello.txt" }],
      templates: [],
    });
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
      "--scope",
      "user",
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
    const sse = await run([
      "add",
      "old",
      "https://x.example/sse",
      "--transport",
      "sse",
      "-s",
      "user",
    ]);
    expect(sse.code).toBe(0);
    expect((await run(["add", "-s", "user", "old", "https://x.example/sse"])).stderr).toContain(
      "already exists",
    );
    expect((await run(["add", "bad name", "https://x"])).code).toBe(2);
    expect((await run(["add", "x", "ftp://x"])).code).toBe(2);
    expect((await run(["add", "x"])).code).toBe(2);
    expect((await run(["add", "x", "https://x", "--", "cmd"])).code).toBe(2);
    expect((await run(["add", "x", "https://x", "--scope", "global"])).code).toBe(2);
  });

  it("accepts Claude Code's forms, local scope by default (in WREN_HOME, not the repo)", async () => {
    const http = await run([
      "add",
      "-t",
      "streamable-http",
      "-H",
      "X-A: 1",
      "web",
      "https://w.example/mcp",
    ]);
    expect(http.code).toBe(0);
    expect(http.stdout).toContain(`local scope (${paths.project})`);
    const local = JSON.parse(await readFile(paths.localMcpServers, "utf8"));
    expect(local.projects[paths.project].mcpServers.web).toEqual({
      type: "http",
      url: "https://w.example/mcp",
      headers: { "X-A": "1" },
    });
    expect(await readFile(paths.projectMcpJson, "utf8").catch(() => "none")).toBe("none");
    const stdio = await run(["add", "-e", "K=V", "airtable", "--", "npx", "-y", "airtable-mcp"]);
    expect(stdio.code).toBe(0);
    const bare = await run(["add", "-t", "stdio", "fs", "node", "server.js"]);
    expect(bare.code).toBe(0);
    const servers = JSON.parse(await readFile(paths.localMcpServers, "utf8")).projects[
      paths.project
    ].mcpServers;
    expect(servers.airtable).toEqual({
      type: "stdio",
      command: "npx",
      args: ["-y", "airtable-mcp"],
      env: { K: "V" },
    });
    expect(servers.fs).toEqual({ type: "stdio", command: "node", args: ["server.js"] });
    const json = await run([
      "add-json",
      "-s",
      "project",
      "j",
      '{"type":"sse","url":"https://s.example/sse"}',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(await readFile(paths.projectMcpJson, "utf8")).mcpServers.j).toEqual({
      type: "sse",
      url: "https://s.example/sse",
    });
    expect((await run(["add-json", "k", '{"type":"websocket"}'])).code).toBe(2);
    // Local servers are read back for this project, and removed from where they are.
    const listed = JSON.parse((await run(["get", "airtable", "--json"])).stdout);
    expect(listed).toMatchObject({ name: "airtable", source: paths.localMcpServers });
    expect((await run(["remove", "airtable"])).stdout).toContain(
      "Removed airtable from local scope",
    );
  });

  it("answers --help on every subcommand and words argument errors itself", async () => {
    for (const sub of [
      "list",
      "get",
      "tools",
      "call",
      "add",
      "add-json",
      "remove",
      "auth",
      "logout",
    ]) {
      const help = await run([sub, "--help"]);
      expect(help.code, sub).toBe(0);
      expect(help.stdout, sub).toContain(`usage: wren mcp ${sub}`);
    }
    const unknown = await run(["add", "x", "npx", "-y", "pkg"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "wren: unknown option -y (a stdio server's own options go after --: wren mcp add NAME -- CMD ARGS...)\n",
    );
    expect((await run(["add", "x", "-t"])).stderr).toBe("wren: -t needs a value\n");
    expect((await run(["list", "--nope"])).stderr).toBe("wren: unknown option --nope\n");
    const all = unknown.stderr + (await run(["add", "x", "-t"])).stderr;
    expect(all).not.toContain("after '--'");
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

  it("redacts every oauth secret: client secrets, the IdP's, an inline key", () => {
    const oauth = {
      grantType: "enterprise",
      clientId: "w",
      clientSecret: "as-secret",
      issuer: "https://as.example",
      idpIssuer: "https://idp.example",
      idpClientId: "c",
      idpClientSecret: "idp-secret",
      idTokenFile: "~/.id-token",
    } as const;
    const shown = JSON.stringify(redactServer(remoteServer("r", "https://x.example", { oauth })));
    expect(shown).not.toContain("as-secret");
    expect(shown).not.toContain("idp-secret");
    expect(shown).toContain('"idTokenFile":"~/.id-token"');
    const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----";
    const keyed = redactServer(
      remoteServer("k", "https://x.example", {
        oauth: {
          grantType: "client_credentials",
          clientId: "b",
          issuer: "https://as",
          privateKey: pem,
        },
      }),
    );
    expect(JSON.stringify(keyed)).not.toContain("MIIEvQ");
  });
});
