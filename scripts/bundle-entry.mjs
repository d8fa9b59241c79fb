// Bundles one TypeScript entry (with wren's sources) into a single ESM file that plain `node`
// runs: the conformance adapter, the OAuth bench, the refresh test's worker processes.
import { build } from "esbuild";

/**
 * @param {{ entry: string, outfile: string, logLevel?: "error" | "warning" }} options
 * @returns {Promise<void>}
 */
export async function bundleEntry({ entry, outfile, logLevel = "error" }) {
  await build({
    entryPoints: [entry],
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
    // The OS keychain's native binding loads from node_modules (a bundle outside the repo
    // cannot resolve it and falls back to the state file).
    external: ["@napi-rs/keyring"],
    logLevel,
  });
}
