// The "done means", as a person would do it: paste a server's config into .mcp.json,
// start wren, watch it connect in the footer, list its tools, toggle it, and have a broken
// server never take wren down. Drives the built binary (npm test builds first).
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { Keys, useTerminals } from "../test-utils/pty.js";
import { STDIO_MOCK } from "./test-support.js";

const terminals = useTerminals();

/** Pids of running processes whose command line contains `text` (Linux /proc). */
async function processesWith(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").includes(text)) pids.push(Number(entry));
  }
  return pids;
}

describe("MCP in the REPL", () => {
  it("connects .mcp.json servers in the background, shows them in the footer and lists tools", async () => {
    const project = await mkdtemp(join(tmpdir(), "wren-mcp-repl-"));
    onTestFinished(() => rm(project, { recursive: true, force: true }));
    // A unique argument, so this test's server processes can be found (and must be gone).
    const tag = String(100_000 + Math.floor(Math.random() * 800_000));
    // Pasted as Claude Code documents it: no "type", a command means stdio.
    await writeFile(
      join(project, ".mcp.json"),
      JSON.stringify({
        mcpServers: {
          mock: { command: process.execPath, args: [STDIO_MOCK, "--big-default", tag] },
          broken: { command: process.execPath, args: [STDIO_MOCK, "--exit-immediately"] },
        },
      }),
    );
    // Trusted for this run: the trust question itself is covered by app/trust.terminal.test.ts.
    const wren = await terminals.startWren({ cwd: project, env: { WREN_TRUST_PROJECT: "1" } });
    await wren.waitFor("Ask anything");
    await wren.waitFor(/MCP: mock ✓ 11 · broken ✗/, { timeout: 15_000 });
    expect(await processesWith(tag)).toHaveLength(1);
    await wren.type(".mcp tools mock");
    wren.press(Keys.enter);
    await wren.waitFor("Echoes the text back");
    await wren.type(".mcp");
    wren.press(Keys.enter);
    await wren.waitFor(/broken\s+stdio\s+failed: server process exited/);
    await wren.type(".mcp enable mock");
    wren.press(Keys.enter);
    await wren.waitFor("mock enabled");
    await wren.type(".mcp disable mock");
    wren.press(Keys.enter);
    await wren.waitFor("mock disabled");
    expect(wren.screen()).not.toMatch(/MCP: mock ✓/);
    await wren.type(".exit");
    wren.press(Keys.enter);
    expect((await wren.waitForExit({ timeout: 10_000 })).exitCode).toBe(0);
    expect(await processesWith(tag)).toEqual([]);
  });
});
