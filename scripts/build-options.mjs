// The esbuild options of wren's bundle: one ESM file plus lazily loaded chunks. NODE_ENV=production
// selects React's production build, which is what makes the first frame fast (see
// docs/adr/0001-bundle-and-lazy-load.md). build.mjs writes it; startup-graph.test.ts inspects it.
import { readFile } from "node:fs/promises";
import { build } from "esbuild";
import { inkInteractive } from "./ink-interactive.mjs";
import { narrowTextFastPath } from "./narrow-text.mjs";

const banner = [
  "#!/usr/bin/env node",
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  "import { createRequire as __wrenCreateRequire } from 'node:module';",
  "const require = __wrenCreateRequire(import.meta.url);",
].join("\n");

/**
 * The options wren's bundle shares with the bench's minimal Ink program
 * (scripts/bench/ink-floor.mjs), so that floor pays for exactly what wren's bundle pays.
 */
export const cliBundleSettings = {
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  define: { "process.env.NODE_ENV": '"production"' },
  // Optional peer of ink's devtools integration; never loaded in production.
  // @napi-rs/keyring: a native module (the OS keychain), loaded from node_modules at first use.
  external: ["react-devtools-core", "@lydell/node-pty", "@napi-rs/keyring"],
  banner: { js: banner },
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
};

/**
 * yoga-layout's Emscripten loader asks `typeof fetch`, and on Node 20 merely reading that global
 * loads undici (~50 ms on these machines) before Ink's first frame. Its wasm is an inline
 * base64 string that the loader decodes synchronously when fetch is absent, so hide fetch
 * from that one file; everything else still gets the real fetch, loaded when first used.
 */
const yogaWithoutFetch = {
  name: "yoga-without-fetch",
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const patched = source.replaceAll('"function"!=typeof fetch', "true");
      if (patched === source)
        throw new Error(`yoga-without-fetch: pattern not found in ${args.path}`);
      return { contents: patched, loader: "js" };
    });
  },
};

/**
 * Config validation (on the startup path) uses zod/mini, while the MCP SDK and the AI SDK (loaded
 * later) use classic zod. Sharing one zod/v4/core would put all of core — locales, JSON Schema,
 * codegen, ~650 KB — into a chunk the REPL imports at startup. So the startup graph gets its
 * own pre-bundled zod/mini holding only the functions wren's config code calls.
 */
async function vendoredZodMini() {
  const mini = await import("zod/mini");
  const sources = await Promise.all(
    ["src/config/schema.ts", "src/config/document.ts"].map((f) => readFile(f, "utf8")),
  );
  const used = new Set(
    sources.flatMap((src) => [...src.matchAll(/\bz\.(\w+)\(/g)].map((m) => m[1])),
  );
  const names = [...used].filter((name) => typeof mini[name] === "function").sort();
  const result = await build({
    stdin: {
      contents: `export { ${names.join(", ")} } from "zod/mini";`,
      resolveDir: ".",
      loader: "js",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    legalComments: "none",
  });
  return result.outputFiles[0].text;
}

/** Config code (the startup path) gets `source`, the vendored zod/mini subset. */
const startupZod = (zodMiniSource) => ({
  name: "startup-zod-mini",
  setup(b) {
    // Only config code gets the subset; anything else importing zod/mini gets the real package.
    b.onResolve({ filter: /^zod\/mini$/ }, (args) =>
      /[\\/]src[\\/]config[\\/]/.test(args.importer)
        ? { path: "zod-mini", namespace: "startup-zod" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "startup-zod" }, () => ({
      contents: zodMiniSource,
      loader: "js",
    }));
  },
});

/** The options that bundle src/main.ts (the CLI) into `outdir`. */
export async function buildOptions(outdir) {
  const zodMiniSource = await vendoredZodMini();
  const { version } = JSON.parse(await readFile("package.json", "utf8"));
  return {
    ...cliBundleSettings,
    entryPoints: { wren: "src/main.ts" },
    outdir,
    // Prefer ESM builds: UMD builds (jsonc-parser) hide their requires from the bundler.
    mainFields: ["module", "main"],
    define: { ...cliBundleSettings.define, __WREN_VERSION__: JSON.stringify(version) },
    plugins: [yogaWithoutFetch, startupZod(zodMiniSource), inkInteractive, narrowTextFastPath],
  };
}
