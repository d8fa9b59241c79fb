import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Keys, useTerminals } from "../test-utils/pty.js";

const terminals = useTerminals();

describe("config warnings in the REPL", () => {
  it("shows the same did-you-mean warnings as wren -p, and a bad server in .mcp list", async () => {
    const home = await mkdtemp(join(tmpdir(), "wren-warn-"));
    await writeFile(
      join(home, "settings.json"),
      JSON.stringify({
        servers: {},
        mcpServers: { gh: { url: "https://${GH_HOST}/mcp" } },
      }),
    );
    const wren = await terminals.startWren({ home, cols: 200 });
    await wren.waitFor('did you mean "mcpServers"');
    // MCP loads after the first frame; its footer shows the server failed.
    await wren.waitFor("MCP: gh ✗");
    await wren.type(".mcp list");
    wren.press(Keys.enter);
    await wren.waitFor("environment variable GH_HOST is not set");
    expect(wren.screen()).toContain("gh");
  });
});
