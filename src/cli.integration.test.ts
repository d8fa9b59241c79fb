import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runWren, type WrenRun } from "./test-utils/run-wren.js";

/** Runs the built wren with WREN_HOME in `home`/.wren and `home` as both HOME and the project. */
function wren(
  args: string[],
  stdin = "",
  home = mkdtempSync(join(tmpdir(), "wren-cli-")),
): Promise<WrenRun> {
  return runWren(args, { home, cwd: home, stdin, env: { WREN_HOME: join(home, ".wren") } });
}

describe("wren command line", () => {
  it("prints help and version", async () => {
    const help = await wren(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("wren mcp call NAME TOOL [JSON]");
    const version = await wren(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("exits 2 with the usage line on an unknown flag", async () => {
    const result = await wren(["--frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("wren: unknown option --frobnicate");
    expect(result.stderr).toContain("usage: wren");
  });

  it("exits 2 when --auth-mcp names no configured server", async () => {
    const result = await wren(["--auth-mcp", "nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no MCP server named "nope"');
  });

  it("asks for a terminal when the REPL is started without one", async () => {
    const result = await wren([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the REPL needs a terminal");
  });

  it("wren mcp add in Claude Code's forms, then list shows them; warnings on stderr", async () => {
    const home = mkdtempSync(join(tmpdir(), "wren-cli-mcp-"));
    const add = await wren(
      ["mcp", "add", "-t", "http", "-H", "X-A: 1", "web", "https://w.example/mcp"],
      "",
      home,
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toContain("local scope");
    const user = ["mcp", "add", "-s", "user", "-e", "K=V", "tool", "--", "nothing-such-cmd"];
    expect((await wren(user, "", home)).code).toBe(0);
    writeFileSync(
      join(home, ".mcp.json"),
      JSON.stringify({ servers: {}, mcpServers: { g: { httpUrl: "https://g.example/mcp" } } }),
    );
    const list = await wren(["--trust-project", "mcp", "list", "--json"], "", home);
    expect(list.code).toBe(0);
    const names = JSON.parse(list.stdout).map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(["web", "tool", "g"]));
    expect(list.stderr).toContain('servers: unknown key, ignored (did you mean "mcpServers"');
    expect(list.stderr).toContain('httpUrl: unknown key, ignored (did you mean "url" with');
    const help = await wren(["mcp", "add", "--help"], "", home);
    expect(help.stdout).toContain("-t, --transport stdio|http|sse|streamable-http");
  });

  it("wren -p with a bad --mcp-config reports the problem once", async () => {
    const home = mkdtempSync(join(tmpdir(), "wren-cli-bad-"));
    writeFileSync(join(home, "bad.json"), '{ "mcpServers": { "a": { "command": "x" }, }');
    const result = await wren(
      ["-p", "hi", "--model", "mock/m", "--mcp-config", "bad.json"],
      "",
      home,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.match(/bad\.json/g)).toHaveLength(1);
  });
});
