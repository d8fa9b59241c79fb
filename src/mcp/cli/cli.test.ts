// `wren mcp call`, `list`, `get`, `tools`, `resources` through the CLI edge, against the mocks.
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { STDIO_MOCK, startModernMock } from "../test-support.js";
import { useMcpCli } from "./test-support.js";

const cli = useMcpCli();
const mock = { command: process.execPath, args: [STDIO_MOCK] };

describe("wren mcp call", () => {
  it("prints the result as JSON and exits 0", async () => {
    await cli.settings({ mock });
    const r = await cli.run(["call", "mock", "add", '{"a":2,"b":3}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      content: [{ type: "text", text: "5" }],
      structuredContent: { sum: 5 },
    });
  });

  it("exits 1 when the result is an error", async () => {
    await cli.settings({ mock });
    const r = await cli.run(["call", "mock", "fail", '{"message":"nope"}']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ isError: true, content: [{ text: "nope" }] });
  });

  it("declines elicitation with a log line on stderr", async () => {
    await cli.settings({ mock });
    const r = await cli.run(["call", "mock", "elicit"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\\"action\\":\\"decline\\"');
    expect(r.stderr).toBe(
      'wren: mock asked for input ("The mock server needs a few values"); declined (not interactive)\n',
    );
  });

  it("exits 2 on bad JSON, unknown server or bad usage; 1 when the server fails", async () => {
    await cli.settings({
      mock,
      dead: { command: process.execPath, args: [STDIO_MOCK, "--exit-immediately"] },
    });
    expect((await cli.run(["call", "mock", "add", "{nope"])).code).toBe(2);
    expect((await cli.run(["call", "mock", "add", "[1]"])).stderr).toContain(
      "must be a JSON object",
    );
    expect((await cli.run(["call", "nope", "add"])).stderr).toBe(
      'wren: no MCP server named "nope"\n',
    );
    expect((await cli.run(["call", "mock"])).code).toBe(2);
    expect((await cli.run(["frob"])).code).toBe(2);
    expect((await cli.run([])).code).toBe(2);
    expect((await cli.run(["list", "--nope"])).code).toBe(2);
    const dead = await cli.run(["call", "dead", "echo", "{}"]);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain(
      "wren: dead: server process exited: mock-stdio: exiting immediately",
    );
  });

  it("lists a server with a bad entry as failed with its error; the others still work", async () => {
    await cli.settings({
      x: { url: "${MISSING}" },
      ws: { type: "websocket", url: "wss://w" },
      mock,
    });
    const list = await cli.run(["list", "--json"]);
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
    const call = await cli.run(["call", "x", "echo"]);
    expect(call.code).toBe(2);
    expect(call.stderr).toContain("environment variable MISSING is not set");
    expect((await cli.run(["call", "mock", "add", '{"a":1,"b":1}'])).code).toBe(0);
  });

  it("exits 2 on other invalid configuration", async () => {
    await writeFile(cli.paths.userSettings, '{ "permissions": { "allow": "all" } }');
    const r = await cli.run(["list"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("permissions.allow: expected an array");
  });

  /** `wren mcp call mock slow ARGS --timeout MS`. */
  const callSlow = (args: string, timeoutMs: string) =>
    cli.run(["call", "mock", "slow", args, "--timeout", timeoutMs]);

  it("has --timeout, and keeps waiting while the server reports progress", async () => {
    await cli.settings({ mock });
    // 5 steps of 150 ms: longer than the timeout in total, but progress arrives in between.
    const slow = await callSlow('{"steps":5,"stepMs":150}', "400");
    expect(slow.code).toBe(0);
    expect(slow.stdout).toContain("done after 5 steps");
    expect((await callSlow("{}", "soon")).code).toBe(2);
  });

  it("names the server when a call times out", async () => {
    await cli.settings({ mock });
    const r = await callSlow('{"steps":1,"stepMs":3000}', "300");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("wren: mock: timed out after 300ms\n");
  });
});

describe("wren mcp list / get / tools", () => {
  it("lists servers with status and tool count", async () => {
    await cli.settings({
      mock,
      off: { ...mock, enabled: false },
      dead: { command: process.execPath, args: [STDIO_MOCK, "--exit-immediately"] },
    });
    const r = await cli.run(["list"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+TRANSPORT\s+STATUS\s+TOOLS\s+AUTH$/);
    expect(lines[1]).toMatch(/^mock\s+stdio\s+connected\s+11\s+-$/);
    expect(lines[2]).toMatch(/^off\s+stdio\s+disabled\s+-\s+-$/);
    expect(lines[3]).toMatch(/^dead\s+stdio\s+failed: server process exited/);
    const json = JSON.parse((await cli.run(["list", "--json"])).stdout);
    expect(json[0]).toEqual({
      name: "mock",
      transport: "stdio",
      status: "connected",
      tools: 11,
      auth: "-",
    });
  });

  it("says so when nothing is configured", async () => {
    expect((await cli.run(["list"])).stdout).toContain("No MCP servers configured");
  });

  it("shows one server with secrets redacted", async () => {
    await cli.settings({
      corp: {
        url: "https://mcp.example.com/mcp?api_key=abc&team=core",
        headers: { Authorization: "Bearer sekrit", "X-Team": "core" },
        oauth: { clientId: "wren", clientSecret: "${SECRET}" },
        enabled: false,
      },
    });
    const r = await cli.run(["get", "corp"], { SECRET: "hunter2" });
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
    await cli.settings({
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
      const r = await cli.run(argv);
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
      await cli.settings({ mock, modern: { url: `http://127.0.0.1:${modern.port}/mcp` } });
      const stdio = await cli.run(["get", "mock"]);
      expect(stdio.stdout).toContain("  protocol: 2025-11-25");
      const http = await cli.run(["get", "modern", "--json"]);
      expect(JSON.parse(http.stdout)).toMatchObject({ protocol: "2026-07-28" });
    } finally {
      await modern.stop();
    }
  });

  it("lists a server's tools", async () => {
    await cli.settings({ mock: { ...mock, includeTools: ["echo", "add"] } });
    const r = await cli.run(["tools", "mock"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TOOL\s+DESCRIPTION\necho\s+Echoes the text back\nadd\s+Adds two/);
  });

  it("lists a server's resources, as a table or JSON", async () => {
    await cli.settings({ mock });
    const r = await cli.run(["resources", "mock"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^URI\s+NAME\s+TYPE\s+DESCRIPTION\nmock:\/\/static\/hello\.txt\s+Hello\s+text\/plain/,
    );
    const json = await cli.run(["resources", "mock", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      resources: [{ uri: "mock://static/hello.txt" }],
      templates: [],
    });
  });
});
