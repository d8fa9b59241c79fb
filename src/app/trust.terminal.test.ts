// The trust question as a person meets it in a cloned repository: asked before anything in the
// project runs, answered with keys, remembered, and asked again when the project config
// changes. Drives the built binary (npm run build first).
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { type ScriptTurn, useModelHomes } from "../provider/test-support.js";
import { Keys, useTerminals, type WrenTerminal } from "../test-utils/pty.js";

// One mock model server for the file; each test replays its own script on it.
const mockModelHome = useModelHomes();

const terminals = useTerminals();
const QUESTION = "Do you trust the project config in this folder?";

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `.mcp.json` servers that each leave a marker file when started. */
function markerServers(project: string, names: readonly string[]): string {
  const write = "require('fs').writeFileSync(process.argv[1], 'ran')";
  const servers = Object.fromEntries(
    names.map((name) => [
      name,
      { command: process.execPath, args: ["-e", write, join(project, `${name}.ran`)] },
    ]),
  );
  return JSON.stringify({ mcpServers: servers });
}

async function exit(wren: WrenTerminal): Promise<void> {
  await wren.type(".exit");
  wren.press(Keys.enter);
  expect((await wren.waitForExit({ timeout: 15_000 })).exitCode).toBe(0);
}

describe("the trust question", () => {
  it("comes before any project server starts, is remembered, and is asked again after a change", async () => {
    const project = await tempDir("wren-trust-repo-");
    const home = await tempDir("wren-trust-home-");
    const marker = join(project, "pwn.ran");
    await writeFile(join(project, ".mcp.json"), markerServers(project, ["pwn"]));

    // Esc: not now. Nothing runs, the REPL says so in one line, and nothing is recorded.
    let wren = await terminals.startWren({ cwd: project, home });
    // The question draws in one frame, but a busy machine may show it half-drawn: wait for each.
    await wren.waitFor(QUESTION);
    await wren.waitFor(`runs pwn: ${process.execPath} -e`);
    expect(existsSync(marker)).toBe(false);
    wren.press(Keys.escape);
    await wren.waitFor("Ask anything");
    await wren.waitFor("project config ignored (.mcp.json): folder not trusted · .trust to review");
    await wren.type(".mcp");
    wren.press(Keys.enter);
    await wren.waitFor("No MCP servers configured");
    expect(wren.screen()).not.toContain(QUESTION);
    await exit(wren);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(home, "trusted-folders.json"))).toBe(false);

    // Asked again; 1 trusts: the server starts only now.
    wren = await terminals.startWren({ cwd: project, home });
    await wren.waitFor(QUESTION);
    expect(existsSync(marker)).toBe(false);
    wren.press("1");
    await wren.waitFor(/MCP: pwn ✗/, { timeout: 15_000 });
    expect(existsSync(marker)).toBe(true);
    expect(wren.screen()).not.toContain("project config ignored");
    await exit(wren);

    // Remembered: no question.
    await rm(marker);
    wren = await terminals.startWren({ cwd: project, home });
    await wren.waitFor(/MCP: pwn ✗/, { timeout: 15_000 });
    expect(wren.output).not.toContain(QUESTION);
    await exit(wren);

    // The config changed: asked again, with what is new; 2 declines and is remembered.
    await rm(marker);
    await writeFile(join(project, ".mcp.json"), markerServers(project, ["pwn", "more"]));
    wren = await terminals.startWren({ cwd: project, home });
    await wren.waitFor("changed since you trusted it");
    await wren.waitFor("runs more:");
    wren.press("2");
    await wren.waitFor("project config ignored (.mcp.json)");
    await wren.type(".trust");
    wren.press(Keys.enter);
    await wren.waitFor("In this session the project config is ignored");
    expect(wren.screen()).toMatch(/Decision: not trusted \(decided/);
    await exit(wren);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(project, "more.ran"))).toBe(false);

    // Declined stays declined until .trust yes (or wren trust).
    wren = await terminals.startWren({ cwd: project, home });
    await wren.waitFor("project config ignored (.mcp.json)");
    expect(wren.output).not.toContain("changed since you trusted it");
    await wren.type(".trust yes");
    wren.press(Keys.enter);
    await wren.waitFor("Trusted. It applies from the next start of wren in this folder.");
    await exit(wren);
    const stored = JSON.parse(await readFile(join(home, "trusted-folders.json"), "utf8"));
    expect(Object.values(stored.folders)).toMatchObject([{ trusted: true }]);
  });

  it("runs what the question showed, not a config swapped in while it was on screen", async () => {
    const project = await tempDir("wren-trust-swap-");
    const home = await tempDir("wren-trust-home-");
    await writeFile(join(project, ".mcp.json"), markerServers(project, ["shown"]));
    const wren = await terminals.startWren({ cwd: project, home });
    await wren.waitFor(QUESTION);
    await wren.waitFor("runs shown:");
    // The repository changes its config after the user has read it, before the answer.
    await writeFile(join(project, ".mcp.json"), markerServers(project, ["swapped"]));
    wren.press("1");
    await wren.waitFor(/MCP: shown ✗/, { timeout: 15_000 });
    expect(existsSync(join(project, "shown.ran"))).toBe(true);
    expect(existsSync(join(project, "swapped.ran"))).toBe(false);
    expect(wren.screen()).not.toContain("swapped");
    await exit(wren);
  });

  it("does not honour the project's allow rules until trusted", async () => {
    const project = await tempDir("wren-trust-allow-");
    const marker = join(project, "ran");
    await mkdir(join(project, ".wren"));
    await writeFile(
      join(project, ".wren", "settings.json"),
      JSON.stringify({ permissions: { allow: ["run_command"] } }),
    );
    const script: ScriptTurn[] = [
      [{ toolCall: { name: "run_command", arguments: { command: `touch ${marker}` } } }],
      [{ text: "step done" }],
    ];

    const first = await mockModelHome(script);
    let wren = await terminals.startWren({ cwd: project, home: first.home });
    await wren.waitFor(QUESTION);
    await wren.waitFor("allows without asking: run_command");
    wren.press("2");
    await wren.waitFor("Ask anything");
    await wren.type("go");
    wren.press(Keys.enter);
    // The project's rule would have run it unasked; untrusted, wren asks.
    await wren.waitFor("Allow once");
    wren.press("3");
    await wren.waitFor("Why not?");
    wren.press(Keys.enter);
    await wren.waitFor("step done");
    expect(existsSync(marker)).toBe(false);
    await exit(wren);

    const second = await mockModelHome(script);
    wren = await terminals.startWren({
      cwd: project,
      home: second.home,
      args: ["--trust-project"],
    });
    await wren.waitFor("Ask anything");
    await wren.type("go");
    wren.press(Keys.enter);
    await wren.waitFor("step done");
    expect(wren.output).not.toContain("Allow once");
    expect(existsSync(marker)).toBe(true);
    await exit(wren);
    // Two whole REPL sessions: on a loaded 2-core machine they outlast the default 20 s bound.
  }, 60_000);
});
