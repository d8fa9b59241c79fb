import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runMcpCli } from "./cli.js";
import { MCP_CLI_USAGE } from "./mcp/cli/cli-args.js";
import { resolvePaths, type WrenPaths } from "./utils/paths.js";

let root: string;
let paths: WrenPaths;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "wren-cli-"));
  paths = resolvePaths({ WREN_HOME: join(root, "home") }, join(root, "project"));
  await mkdir(paths.project, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function mcp(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runMcpCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd: paths.project,
    paths,
  });
  return { code, stdout, stderr };
}

describe("runMcpCli: the CLI edge turns commands and errors into text and exit codes", () => {
  it("prints asked-for help on stdout (0) and the usage without a command on stderr (2)", async () => {
    expect(await mcp(["--help"])).toEqual({ code: 0, stdout: `${MCP_CLI_USAGE}\n`, stderr: "" });
    expect(await mcp([])).toEqual({ code: 2, stdout: "", stderr: `${MCP_CLI_USAGE}\n` });
  });

  it("maps a usage error, a configuration error and a task failure to 2, 2 and 1", async () => {
    expect(await mcp(["frob"])).toEqual({
      code: 2,
      stdout: "",
      stderr: 'wren: unknown command "mcp frob" (wren mcp --help lists them)\n',
    });
    expect(await mcp(["remove", "nope", "-s", "user"])).toEqual({
      code: 2,
      stdout: "",
      stderr: `wren: no MCP server named "nope" in ${paths.userSettings}\n`,
    });
    await mkdir(paths.home, { recursive: true });
    await writeFile(paths.userSettings, '{ "permissions": { "allow": "all" } }');
    const invalid = await mcp(["list"]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^wren: invalid configuration:\n.*permissions\.allow/);
    await writeFile(
      paths.userSettings,
      JSON.stringify({ mcpServers: { down: { command: join(root, "no-such-server") } } }),
    );
    const failed = await mcp(["tools", "down"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^wren: down: /);
  });

  it("keeps foreign text off the terminal's control channel", async () => {
    const hostile = await mcp(["frob\u001b]0;pwned\u0007"]);
    expect(hostile.code).toBe(2);
    expect(hostile.stderr).not.toContain("\u001b]");
  });
});
