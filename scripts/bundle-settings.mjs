// The esbuild settings of wren's own bundle (scripts/build.mjs), shared with the bench's
// minimal Ink program (scripts/bench/ink-floor.mjs) so the floor pays for exactly what wren's
// bundle pays: production React, splitting, the same banner and externals.

/** Bundled CommonJS dependencies call require(); give the ESM bundle one. */
const banner = [
  "#!/usr/bin/env node",
  "import { createRequire as __wrenCreateRequire } from 'node:module';",
  "const require = __wrenCreateRequire(import.meta.url);",
].join("\n");

/** esbuild options common to dist/wren.js and the Ink floor (add entryPoints, outdir, plugins). */
export const cliBundleSettings = {
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  // NODE_ENV=production selects React's production build (ADR 0001).
  define: { "process.env.NODE_ENV": '"production"' },
  // Optional peer of ink's devtools integration; never loaded in production.
  external: ["react-devtools-core", "@lydell/node-pty"],
  banner: { js: banner },
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
};
