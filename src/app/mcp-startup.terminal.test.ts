// MCP loads after the first frame; what the user types meanwhile must still work, and leaving
// must never wait for a server that is still starting.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STDIO_MOCK } from "../mcp/test-support.js";
import { Keys, useTerminals } from "../test-utils/pty.js";

const terminals = useTerminals();

/** A WREN_HOME whose settings hold `mcpServers`. */
async function homeWith(mcpServers: Record<string, unknown>): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "wren-mcp-startup-"));
  await writeFile(join(home, "settings.json"), JSON.stringify({ mcpServers }));
  return home;
}

describe("MCP while it loads", () => {
  it("runs .mcp typed before MCP has loaded once it has, instead of saying it is unavailable", async () => {
    const home = await homeWith({ mock: { command: process.execPath, args: [STDIO_MOCK] } });
    const wren = await terminals.startWren({ home });
    await wren.waitFor("Ask anything");
    // Typed in the same write as the prompt appears: MCP has not loaded yet.
    await wren.type(".mcp list\r");
    await wren.waitFor(/mock\s+stdio/, { timeout: 15_000 });
    expect(wren.fullText()).not.toContain("MCP is not available");
  });

  it("says how to add a server when none is configured", async () => {
    const wren = await terminals.startWren();
    await wren.waitFor("Ask anything");
    await wren.type(".mcp list");
    wren.press(Keys.enter);
    await wren.waitFor("No MCP servers configured");
    // The hint may reach the screen a frame after the first line.
    await wren.waitFor("wren mcp add");
    expect(wren.fullText()).not.toContain("MCP is not available");
  });
});

/**
 * A stdio server that never answers and whose stdout stays open after its own process is
 * ended: a shell running a child, as `npx` or a wrapper script does while it installs. The
 * SDK's transport only reports the close once every holder of the pipe has gone.
 */
const STUCK_SERVER = { command: "sh", args: ["-c", "sleep 20; :"] };

describe("leaving while a server is still connecting", () => {
  it("leaves at once with .exit", async () => {
    const home = await homeWith({ slow: STUCK_SERVER });
    const wren = await terminals.startWren({ home });
    await wren.waitFor("Ask anything");
    await wren.waitFor(/slow/, { timeout: 15_000 });
    await wren.type(".exit");
    wren.press(Keys.enter);
    // Far below the 30 s connect timeout: the connection attempt is aborted, not waited for.
    expect((await wren.waitForExit({ timeout: 8_000 })).exitCode).toBe(0);
  });

  it("leaves at once with Ctrl+D", async () => {
    const home = await homeWith({ slow: STUCK_SERVER });
    const wren = await terminals.startWren({ home });
    await wren.waitFor("Ask anything");
    await wren.waitFor(/slow/, { timeout: 15_000 });
    wren.press(Keys.ctrlD);
    expect((await wren.waitForExit({ timeout: 8_000 })).exitCode).toBe(0);
  });
});
