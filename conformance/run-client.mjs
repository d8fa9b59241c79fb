#!/usr/bin/env node
// Runs conformance/client.ts without a build step: esbuild bundles it (with wren's sources)
// into a temp file, which is then imported. Arguments and environment pass through.
import { rmSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleEntry } from "../scripts/bundle-entry.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "wren-conformance-build-"));
const outfile = join(dir, "client.mjs");
await bundleEntry({ entry: join(here, "client.ts"), outfile, logLevel: "warning" });
// The adapter ends with process.exit, so clean up synchronously on exit. The suite runner
// (run-suite.mjs) asks for the exit code too: a scenario passes only if the client exited 0.
process.once("exit", (code) => {
  rmSync(dir, { recursive: true, force: true });
  const statusFile = process.env.WREN_CONFORMANCE_STATUS_FILE;
  if (statusFile) writeFileSync(statusFile, `${code}\n`);
});
await import(pathToFileURL(outfile).href);
