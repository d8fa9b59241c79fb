// What loads before the first frame stays light: the permission engine without zod, the .mcp
// command and the views around it without the MCP SDK (ADR 0001). Each entry is bundled the way
// the real build splits it, so an `await import()` does not count.
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const SRC = import.meta.dirname;

describe("startup weight", () => {
  /** What loading `entry` loads: split like the real build, so an `await import()` is not counted. */
  const bundleInputs = async (entry: string, external: readonly string[]): Promise<string[]> => {
    const result = await build({
      entryPoints: [join(SRC, entry)],
      bundle: true,
      splitting: true,
      outdir: join(SRC, "..", "startup-weight-out"),
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      external: [...external],
      logLevel: "silent",
    });
    const outputs = result.metafile.outputs;
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
  };

  it("the permission engine loads without zod (the built-in tools use it, lazily)", async () => {
    const inputs = await bundleInputs("tools/permissions.ts", []);
    expect(inputs.filter((i) => /node_modules\/zod\//.test(i))).toEqual([]);
  });

  it("the .mcp command, footer, elicitation prompt and @ completion load without the MCP SDK", async () => {
    for (const entry of [
      "commands/mcp.ts",
      "ui/mcp-footer.tsx",
      "ui/elicitation-prompt.tsx",
      "ui/mention-complete.ts",
    ]) {
      const inputs = await bundleInputs(entry, ["ink", "react", "react/*"]);
      expect(
        inputs.filter((i) => i.includes("node_modules")),
        entry,
      ).toEqual([]);
    }
  });
});
