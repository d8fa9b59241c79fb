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

// startMock runs each mock in its own process group, which a signal to the script's group does
// not reach: whatever is still running when the script exits is killed here.
const mockGroups = new Set();
process.on("exit", () => {
  for (const pid of mockGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already stopped.
    }
  }
});

/** Wraps a mock starter so the mock's process group is killed if the script exits first. */
function tracked(start) {
  return async (...args) => {
    const mock = await start(...args);
    const pid = mock.child.pid;
    if (pid) mockGroups.add(pid);
    const stop = mock.stop;
    mock.stop = async () => {
      await stop();
      mockGroups.delete(pid);
    };
    return mock;
  };
}

/** Makes SIGINT, SIGTERM and SIGHUP exit through the `exit` handlers (which stop the mocks). */
export function exitOnSignals() {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => process.exit(130));
  }
}

const loaded = await loadHarness();

/** @type {typeof import("../src/test-utils/script-harness.ts")} */
export const harness = {
  ...loaded,
  startMock: tracked(loaded.startMock),
  startModelServerScript: tracked(loaded.startModelServerScript),
};
