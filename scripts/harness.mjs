// The test harness for plain-node scripts: src/test-utils/script-harness.ts (the pty terminal,
// startMock, runWren, the model-server client, projectSlug) bundled with esbuild into a temp
// file and imported, the way the tests' global setup bundles the mocks. Importing this module
// does the bundling (about a second); the temp file is gone once it is loaded.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundleEntry } from "./bundle-entry.mjs";
import { repoRoot } from "./paths.mjs";

async function loadHarness() {
  const dir = await mkdtemp(join(tmpdir(), "wren-script-harness-"));
  try {
    const outfile = join(dir, "script-harness.mjs");
    await bundleEntry({
      entry: join(repoRoot, "src", "test-utils", "script-harness.ts"),
      outfile,
      native: ["@lydell/node-pty"],
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** @type {typeof import("../src/test-utils/script-harness.ts")} */
export const harness = await loadHarness();
