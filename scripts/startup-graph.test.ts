// The REPL's first frame must not wait for the MCP SDK, the AI SDK or full zod (ADR 0001): they
// load on first use. A static import of one of them anywhere on the startup path puts it back
// into the chunks `run-repl` loads before the prompt — this walks the real build's graph and
// names the package and the chunk that carries it.
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import { buildOptions } from "./build-options.mjs";

/** Packages that are heavy to load and never needed before the prompt is on screen. */
const LAZY = [/^@modelcontextprotocol\//, /^ai$/, /^@ai-sdk\//, /^zod$/, /^marked/, /^shiki/];

/** Outputs reachable through static imports from the chunk holding `input`. */
function staticClosure(meta: Metafile, input: string): Set<string> {
  const outputs = meta.outputs;
  const start = Object.keys(outputs).find((o) =>
    Object.keys(outputs[o]?.inputs ?? {}).some((i) => i.endsWith(input)),
  );
  if (start === undefined) throw new Error(`no output holds ${input}`);
  const seen = new Set<string>();
  const stack = [start];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    for (const imported of outputs[next]?.imports ?? []) {
      if (imported.kind === "import-statement" && outputs[imported.path]) stack.push(imported.path);
    }
  }
  return seen;
}

/** `node_modules/@scope/name/...` → `@scope/name`. */
function packageOf(input: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
}

/** The lazy packages statically reachable from `input`, with the chunk each is in. */
function eagerLazyPackages(meta: Metafile, input: string): string[] {
  const found = new Set<string>();
  for (const output of staticClosure(meta, input)) {
    for (const source of Object.keys(meta.outputs[output]?.inputs ?? {})) {
      const name = packageOf(source);
      if (name && LAZY.some((p) => p.test(name))) found.add(`${name} (in ${output})`);
    }
  }
  return [...found].sort();
}

describe("the startup graph", () => {
  it("the REPL and the trust question load no SDK, AI provider or full zod before the prompt", async () => {
    const options = await buildOptions("/startup-graph");
    const result = await build({ ...options, write: false, metafile: true, logLevel: "silent" });
    expect(eagerLazyPackages(result.metafile, "src/app/run-repl.tsx")).toEqual([]);
    expect(eagerLazyPackages(result.metafile, "src/app/ask-trust.tsx")).toEqual([]);
    // The check can fail: the MCP manager does import the SDK statically.
    expect(eagerLazyPackages(result.metafile, "src/mcp/manager.ts").join()).toContain(
      "@modelcontextprotocol/client",
    );
  }, 60_000);
});
