// Bundles one TypeScript entry (with wren's sources) into a single ESM file that plain `node`
// runs: the conformance adapter, the OAuth bench, the refresh test's worker processes, the
// scripts' test harness (scripts/harness.mjs).
import { createRequire } from "node:module";
import { build } from "esbuild";

const requireHere = createRequire(import.meta.url);

/**
 * Leaves `names` (packages with native addons, which esbuild cannot bundle) out of the bundle
 * and imports them by absolute path, so the bundle still finds them from a temp dir.
 * @param {readonly string[]} names
 * @returns {import("esbuild").Plugin}
 */
function fromNodeModules(names) {
  return {
    name: "from-node-modules",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) =>
        names.includes(args.path)
          ? { path: requireHere.resolve(args.path), external: true }
          : undefined,
      );
    },
  };
}

/**
 * @param {{ entry: string, outfile: string, logLevel?: "error" | "warning", native?: readonly string[] }} options
 * @returns {Promise<void>}
 */
export async function bundleEntry({ entry, outfile, logLevel = "error", native = [] }) {
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
    // The OS keychain's native binding is always imported from node_modules, as `native` ones.
    plugins: [fromNodeModules(["@napi-rs/keyring", ...native])],
    logLevel,
  });
}
