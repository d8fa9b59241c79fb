// The mock servers as the tests run them. Each test spawns them dozens of times, and a mock's
// start is mostly Node loading the MCP SDK file by file (~1.7 s on a loaded 2-core machine);
// bundled into one file each, they answer in about half that. The global setup bundles them
// once per run into a temp dir; the sources in mock-mcps/ stay what `npm run demo` and
// mocks.test.ts run. Used by *.test.ts and the vitest config only.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { inject } from "vitest";
import type { TestProject } from "vitest/node";
import { bundleEntry } from "../../scripts/bundle-entry.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the global setup put the bundled mocks; empty when it did not run. */
    mockBundles: string;
  }
}

/** The mock servers the tests start by path. */
const BUNDLED = ["stdio.mjs", "http.mjs", "http-oauth.mjs", "http-modern.mjs", "model-server.mjs"];

const MOCKS_DIR = resolve(import.meta.dirname, "../../mock-mcps");

/**
 * The script to run for `mock-mcps/<name>`: its bundle when the global setup made one,
 * else the source.
 */
export function mockScript(name: string): string {
  const dir = BUNDLED.includes(name) ? inject("mockBundles") : "";
  return dir ? join(dir, name) : join(MOCKS_DIR, name);
}

/** Vitest global setup: bundles the mocks once for the run and removes them after it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), "wren-mock-bundles-"));
  await Promise.all(
    BUNDLED.map((name) => bundleEntry({ entry: join(MOCKS_DIR, name), outfile: join(dir, name) })),
  );
  project.provide("mockBundles", dir);
  return () => rm(dir, { recursive: true, force: true });
}
