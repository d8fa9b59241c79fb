// The permission engine may load on the startup path, so it must stay free of classic zod (the
// built-in tools use it and load lazily); and tools never reach up into agent/, app/ or React.
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const IMPORT = /^\s*(?:import|export)\s(?:[^"']*\sfrom\s)?["']([^"']+)["']/gm;

describe("tools import boundaries", () => {
  it("permissions.ts loads without zod", async () => {
    const result = await build({
      entryPoints: [join(ROOT, "src/tools/permissions.ts")],
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /node_modules\/zod\//.test(i))).toEqual([]);
  });

  it("src/tools/builtin never imports agent/, app/, chat/, React or Ink", async () => {
    const dir = join(ROOT, "src/tools/builtin");
    for (const name of (await readdir(dir)).filter((n) => n.endsWith(".ts"))) {
      const text = await readFile(join(dir, name), "utf8");
      for (const [, spec = ""] of text.matchAll(IMPORT)) {
        expect(spec, name).not.toMatch(/^(react|ink)(\/|$)|\/(agent|app|chat|ui)\//);
      }
    }
  });
});
