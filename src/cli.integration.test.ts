import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { wrenBin } from "./test-utils/pty.js";

function wren(
  args: string[],
  input = "",
  home = mkdtempSync(join(tmpdir(), "wren-cli-")),
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [wrenBin, ...args], {
    env: { PATH: process.env.PATH, HOME: home, WREN_HOME: join(home, ".wren") },
    cwd: home,
    input,
    encoding: "utf8",
    timeout: 15_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("wren command line", () => {
  it("prints help and version", () => {
    const help = wren(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("wren mcp call NAME TOOL [JSON]");
    const version = wren(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("exits 2 with the usage line on an unknown flag", () => {
    const result = wren(["--frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("wren: unknown option --frobnicate");
    expect(result.stderr).toContain("usage: wren");
  });

  it("exits 2 when --auth-mcp names no configured server", () => {
    const result = wren(["--auth-mcp", "nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no MCP server named "nope"');
  });

  it("asks for a terminal when the REPL is started without one", () => {
    const result = wren([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the REPL needs a terminal");
  });

  it("wren mcp add in Claude Code's forms, then list shows them; warnings on stderr", () => {
    const home = mkdtempSync(join(tmpdir(), "wren-cli-mcp-"));
    const add = wren(
      ["mcp", "add", "-t", "http", "-H", "X-A: 1", "web", "https://w.example/mcp"],
      "",
      home,
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toContain("local scope");
    expect(
      wren(["mcp", "add", "-s", "user", "-e", "K=V", "tool", "--", "nothing-such-cmd"], "", home)
        .code,
    ).toBe(0);
    writeFileSync(
      join(home, ".mcp.json"),
      JSON.stringify({ servers: {}, mcpServers: { g: { httpUrl: "https://g.example/mcp" } } }),
    );
    const list = wren(["--trust-project", "mcp", "list", "--json"], "", home);
    expect(list.code).toBe(0);
    const names = JSON.parse(list.stdout).map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(["web", "tool", "g"]));
    expect(list.stderr).toContain('servers: unknown key, ignored (did you mean "mcpServers"');
    expect(list.stderr).toContain('httpUrl: unknown key, ignored (did you mean "url" with');
    const help = wren(["mcp", "add", "--help"], "", home);
    expect(help.stdout).toContain("-t, --transport stdio|http|sse|streamable-http");
  });

  it("wren -p with a bad --mcp-config reports the problem once", () => {
    const home = mkdtempSync(join(tmpdir(), "wren-cli-bad-"));
    writeFileSync(join(home, "bad.json"), '{ "mcpServers": { "a": { "command": "x" }, }');
    const result = wren(["-p", "hi", "--model", "mock/m", "--mcp-config", "bad.json"], "", home);
    expect(result.code).toBe(2);
    expect(result.stderr.match(/bad\.json/g)).toHaveLength(1);
  });
});
