// `wren mcp add`, `add-json` and `remove`: which settings file each scope writes, what stays.
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { useMcpCli } from "./test-support.js";

const cli = useMcpCli();

describe("wren mcp add / remove", () => {
  it("adds remote and stdio servers to the chosen scope", async () => {
    const http = await cli.run([
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
      `Added notion (http https://mcp.notion.com/mcp) to ${cli.paths.projectMcpJson}\n`,
    );
    expect(JSON.parse(await readFile(cli.paths.projectMcpJson, "utf8"))).toEqual({
      mcpServers: {
        notion: { type: "http", url: "https://mcp.notion.com/mcp", headers: { "X-Team": "core" } },
      },
    });
    const stdio = await cli.run([
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
    expect(JSON.parse(await readFile(cli.paths.userSettings, "utf8")).mcpServers.fs).toEqual({
      type: "stdio",
      command: "npx",
      args: ["-y", "server-fs", "--flag"],
      env: { A: "1" },
    });
    const sse = await cli.run([
      "add",
      "old",
      "https://x.example/sse",
      "--transport",
      "sse",
      "-s",
      "user",
    ]);
    expect(sse.code).toBe(0);
    expect((await cli.run(["add", "-s", "user", "old", "https://x.example/sse"])).stderr).toContain(
      "already exists",
    );
    expect((await cli.run(["add", "bad name", "https://x"])).code).toBe(2);
    expect((await cli.run(["add", "x", "ftp://x"])).code).toBe(2);
    expect((await cli.run(["add", "x"])).code).toBe(2);
    expect((await cli.run(["add", "x", "https://x", "--", "cmd"])).code).toBe(2);
    expect((await cli.run(["add", "x", "https://x", "--scope", "global"])).code).toBe(2);
  });

  it("accepts Claude Code's forms, local scope by default (in WREN_HOME, not the repo)", async () => {
    const http = await cli.run([
      "add",
      "-t",
      "streamable-http",
      "-H",
      "X-A: 1",
      "web",
      "https://w.example/mcp",
    ]);
    expect(http.code).toBe(0);
    expect(http.stdout).toContain(`local scope (${cli.paths.project})`);
    const local = JSON.parse(await readFile(cli.paths.localMcpServers, "utf8"));
    expect(local.projects[cli.paths.project].mcpServers.web).toEqual({
      type: "http",
      url: "https://w.example/mcp",
      headers: { "X-A": "1" },
    });
    expect(await readFile(cli.paths.projectMcpJson, "utf8").catch(() => "none")).toBe("none");
    const stdio = await cli.run([
      "add",
      "-e",
      "K=V",
      "airtable",
      "--",
      "npx",
      "-y",
      "airtable-mcp",
    ]);
    expect(stdio.code).toBe(0);
    const bare = await cli.run(["add", "-t", "stdio", "fs", "node", "server.js"]);
    expect(bare.code).toBe(0);
    const servers = JSON.parse(await readFile(cli.paths.localMcpServers, "utf8")).projects[
      cli.paths.project
    ].mcpServers;
    expect(servers.airtable).toEqual({
      type: "stdio",
      command: "npx",
      args: ["-y", "airtable-mcp"],
      env: { K: "V" },
    });
    expect(servers.fs).toEqual({ type: "stdio", command: "node", args: ["server.js"] });
    const json = await cli.run([
      "add-json",
      "-s",
      "project",
      "j",
      '{"type":"sse","url":"https://s.example/sse"}',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(await readFile(cli.paths.projectMcpJson, "utf8")).mcpServers.j).toEqual({
      type: "sse",
      url: "https://s.example/sse",
    });
    expect((await cli.run(["add-json", "k", '{"type":"websocket"}'])).code).toBe(2);
    // Local servers are read back for this project, and removed from where they are.
    const listed = JSON.parse((await cli.run(["get", "airtable", "--json"])).stdout);
    expect(listed).toMatchObject({ name: "airtable", source: cli.paths.localMcpServers });
    expect((await cli.run(["remove", "airtable"])).stdout).toContain(
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
      const help = await cli.run([sub, "--help"]);
      expect(help.code, sub).toBe(0);
      expect(help.stdout, sub).toContain(`usage: wren mcp ${sub}`);
    }
    const unknown = await cli.run(["add", "x", "npx", "-y", "pkg"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "wren: unknown option -y (a stdio server's own options go after --: wren mcp add NAME -- CMD ARGS...)\n",
    );
    expect((await cli.run(["add", "x", "-t"])).stderr).toBe("wren: -t needs a value\n");
    expect((await cli.run(["list", "--nope"])).stderr).toBe("wren: unknown option --nope\n");
    const all = unknown.stderr + (await cli.run(["add", "x", "-t"])).stderr;
    expect(all).not.toContain("after '--'");
  });

  it("removes a server from the file that defines it, keeping the rest", async () => {
    await writeFile(
      cli.paths.userSettings,
      '{\n  // keep me\n  "model": "a/b",\n  "mcpServers": { "a": { "url": "https://a" }, "b": { "url": "https://b" } }\n}\n',
    );
    await writeFile(cli.paths.projectMcpJson, '{ "mcpServers": { "a": { "url": "https://p" } } }');
    const r = await cli.run(["remove", "a"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `Removed a from ${cli.paths.projectMcpJson}\na is also defined in ${cli.paths.userSettings}\n`,
    );
    expect((await cli.run(["remove", "a", "--scope", "user"])).code).toBe(0);
    const text = await readFile(cli.paths.userSettings, "utf8");
    expect(text).toContain("// keep me");
    expect(text).toContain('"b"');
    expect(text).not.toContain('"a"');
    expect((await cli.run(["remove", "a"])).code).toBe(2);
  });
});
