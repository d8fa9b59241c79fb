// The "done means", as a person would do it: paste a server's config into .mcp.json,
// start wren, watch it connect in the footer, list its tools, toggle it, and have a broken
// server never take wren down. Drives the built binary (npm test builds first).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { Keys, useTerminals } from "../test-utils/pty.js";
import { STDIO_MOCK } from "./test-support.js";

const terminals = useTerminals();

describe("MCP in the REPL", () => {
  it("connects .mcp.json servers in the background, shows them in the footer and lists tools", async () => {
    const project = await mkdtemp(join(tmpdir(), "wren-mcp-repl-"));
    onTestFinished(() => rm(project, { recursive: true, force: true }));
    // Pasted as Claude Code documents it: no "type", a command means stdio.
    await writeFile(
      join(project, ".mcp.json"),
      JSON.stringify({
        mcpServers: {
          mock: { command: process.execPath, args: [STDIO_MOCK] },
          broken: { command: process.execPath, args: [STDIO_MOCK, "--exit-immediately"] },
        },
      }),
    );
    const wren = await terminals.startWren({ cwd: project });
    await wren.waitFor("Ask anything");
    await wren.waitFor(/MCP: mock ✓ 11 · broken ✗/, { timeout: 15_000 });
    await wren.type(".mcp tools mock");
    wren.press(Keys.enter);
    await wren.waitFor("Echoes the text back");
    await wren.type(".mcp");
    wren.press(Keys.enter);
    await wren.waitFor(/broken\s+stdio\s+failed: server process exited/);
    await wren.type(".mcp disable mock");
    wren.press(Keys.enter);
    await wren.waitFor("mock disabled");
    expect(wren.screen()).not.toMatch(/MCP: mock ✓/);
    await wren.type(".exit");
    wren.press(Keys.enter);
    expect((await wren.waitForExit({ timeout: 10_000 })).exitCode).toBe(0);
  });
});
