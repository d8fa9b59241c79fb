// Keeps the MCP feature's import rules true: core code never touches React/Ink, the UI never
// touches transports or the filesystem, and what loads before the first frame stays SDK-free.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { build, type Metafile } from "esbuild";
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

/** The sources bundled into the entry's output and the chunks it imports statically. */
function staticInputs(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const start = Object.keys(outputs).find((o) => outputs[o]?.entryPoint !== undefined);
  const seen = new Set<string>();
  const queue = start === undefined ? [] : [start];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    for (const imported of outputs[next]?.imports ?? []) {
      if (imported.kind === "import-statement" && !imported.external) queue.push(imported.path);
    }
  }
  return [...seen].flatMap((o) => Object.keys(outputs[o]?.inputs ?? {}));
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
      // Split like the real build: what an `await import()` loads later is its own chunk.
      const result = await build({
        entryPoints: [join(REPO_ROOT, entry)],
        bundle: true,
        splitting: true,
        outdir: join(REPO_ROOT, "boundaries-out"),
        write: false,
        metafile: true,
        platform: "node",
        format: "esm",
        external: ["ink", "react", "react/*"],
        logLevel: "silent",
      });
      const inputs = staticInputs(result.metafile);
      expect(
        inputs.filter((i) => i.includes("node_modules")),
        entry,
      ).toEqual([]);
    }
  });
});
