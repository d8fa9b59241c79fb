// Keeps the MCP feature's import rules true: core code never touches React/Ink, the UI never
// touches transports or the filesystem, and what loads before the first frame stays SDK-free.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./test-support.js";

const IMPORT = /^\s*(?:import|export)\s(?:[^"']*\sfrom\s)?["']([^"']+)["']/gm;

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(join(REPO_ROOT, file), "utf8");
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? "");
}

async function filesIn(dir: string, pattern: RegExp): Promise<string[]> {
  const names = await readdir(join(REPO_ROOT, dir));
  return names.filter((n) => pattern.test(n)).map((n) => `${dir}/${n}`);
}

describe("MCP import boundaries", () => {
  it("src/mcp/*.ts never imports React or Ink", async () => {
    for (const file of await filesIn("src/mcp", /\.ts$/)) {
      for (const spec of await importsOf(file)) {
        expect(spec, file).not.toMatch(/^(react|ink)(\/|$)/);
      }
    }
  });

  it("the MCP UI never imports transports, the SDK or the filesystem", async () => {
    const ui = await filesIn("src/ui", /^(mcp|elicitation)-.*\.tsx$/);
    expect(ui.length).toBeGreaterThan(0);
    for (const file of ui.filter((f) => !f.includes(".test."))) {
      for (const spec of await importsOf(file)) {
        expect(spec, file).not.toMatch(/^@modelcontextprotocol\/|^node:(fs|child_process|net)/);
        expect(spec, file).not.toMatch(/\/mcp\/connect\.js$/);
      }
    }
  });

  it("the .mcp command, footer and elicitation prompt load without the MCP SDK", async () => {
    for (const entry of [
      "src/commands/mcp.ts",
      "src/ui/mcp-footer.tsx",
      "src/ui/elicitation-prompt.tsx",
      "src/ui/mention-complete.ts",
    ]) {
      const result = await build({
        entryPoints: [join(REPO_ROOT, entry)],
        bundle: true,
        write: false,
        metafile: true,
        platform: "node",
        format: "esm",
        external: ["ink", "react", "react/*"],
        logLevel: "silent",
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(
        inputs.filter((i) => i.includes("node_modules")),
        entry,
      ).toEqual([]);
    }
  });
});
