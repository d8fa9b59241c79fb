// Bundles the CLI into one ESM file. NODE_ENV=production selects React's production build,
// which is what makes the first frame fast (see docs/adr/0001-bundle-and-lazy-load.md).
import { chmod, readFile } from "node:fs/promises";
import { build } from "esbuild";

const banner = [
  "#!/usr/bin/env node",
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  "import { createRequire as __wrenCreateRequire } from 'node:module';",
  "const require = __wrenCreateRequire(import.meta.url);",
].join("\n");

const { version } = JSON.parse(await readFile("package.json", "utf8"));

await build({
  entryPoints: { wren: "src/cli.tsx" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  // Prefer ESM builds: UMD builds (jsonc-parser) hide their requires from the bundler.
  mainFields: ["module", "main"],
  target: "node20",
  sourcemap: "linked",
  define: { "process.env.NODE_ENV": '"production"', __WREN_VERSION__: JSON.stringify(version) },
  // Optional peer of ink's devtools integration; never loaded in production.
  external: ["react-devtools-core", "@lydell/node-pty"],
  banner: { js: banner },
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
});
await chmod("dist/wren.js", 0o755);
