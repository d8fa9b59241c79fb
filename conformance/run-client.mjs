#!/usr/bin/env node
// Runs conformance/client.ts without a build step: esbuild bundles it (with wren's sources)
// into a temp file, which is then imported. Arguments and environment pass through.
import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "wren-conformance-build-"));
const outfile = join(dir, "client.mjs");
await build({
  entryPoints: [join(here, "client.ts")],
  outfile,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Prefer ESM builds: UMD builds (jsonc-parser) hide their requires from the bundler.
  mainFields: ["module", "main"],
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: "warning",
});
// The adapter ends with process.exit, so clean up synchronously on exit.
process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
await import(pathToFileURL(outfile).href);
