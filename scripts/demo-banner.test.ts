import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoBanner, shellQuote } from "./demo-banner.mjs";

const root = join(import.meta.dirname, "..");

describe("npm run demo's banner", () => {
  it("prints the exact CLI command, with its WREN_HOME, and it works as printed", async () => {
    const home = await mkdtemp(join(tmpdir(), "wren demo "));
    const wren = join(root, "dist", "wren.js");
    const text = demoBanner({ url: "http://127.0.0.1:1/mcp", home, node: process.execPath, wren });
    const line = text.split("\n").find((l) => l.includes("mcp list")) ?? "";
    expect(line.trim()).toBe(
      `WREN_HOME=${shellQuote(home)} ${shellQuote(process.execPath)} ${shellQuote(wren)} mcp list`,
    );
    expect(text).toContain("mcp auth demo --no-browser");
    // Run it through a shell exactly as printed (the home has a space in it).
    const run = spawnSync("sh", ["-c", line.trim()], { encoding: "utf8", cwd: home });
    await rm(home, { recursive: true, force: true });
    expect(run.stdout).toContain("No MCP servers configured");
  });

  it("quotes only what a shell would split", () => {
    expect(shellQuote("/tmp/wren-demo-x1")).toBe("/tmp/wren-demo-x1");
    expect(shellQuote("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
  });
});
