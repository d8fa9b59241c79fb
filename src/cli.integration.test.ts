import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { wrenBin } from "./test-utils/pty.js";

function wren(args: string[], input = ""): { code: number | null; stdout: string; stderr: string } {
  const home = mkdtempSync(join(tmpdir(), "wren-cli-"));
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
    expect(result.stderr).toContain("Unknown option '--frobnicate'");
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
});
