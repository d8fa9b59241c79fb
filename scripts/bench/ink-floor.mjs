// What the startup benches (startup.mjs, startup-ab.mjs) start: the floor — a one-line Ink
// program bundled with wren's own bundle settings, so it pays for exactly what wren's bundle
// pays for Ink and React (scripts/build-options.mjs) — and the folders wren starts in.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { cliBundleSettings } from "../build-options.mjs";
import { inkInteractive } from "../ink-interactive.mjs";
import { repoRoot } from "../paths.mjs";

/** What the floor program draws once Ink has rendered its first frame. */
export const INK_FLOOR_TEXT = "ink floor ready";

/** Bundles the floor into `dir` and returns the script to run with node. */
export async function bundleInkFloor(dir) {
  const entry = join(dir, "ink-floor.jsx");
  await mkdir(dir, { recursive: true });
  await writeFile(
    entry,
    `import { render, Text } from "ink";\nrender(<Text>${INK_FLOOR_TEXT}</Text>);\n`,
  );
  await build({
    ...cliBundleSettings,
    entryPoints: { "ink-floor": entry },
    outdir: join(dir, "dist"),
    nodePaths: [join(repoRoot, "node_modules")],
    jsx: "automatic",
    plugins: [inkInteractive],
  });
  return join(dir, "dist", "ink-floor.js");
}

/**
 * Under `root`: a WREN_HOME, an untrusted project (a cloned repository with project config, so
 * wren asks whether to trust it before anything else) and the bundled floor.
 */
export async function startupFixtures(root) {
  const wrenHome = join(root, "wren-home");
  const untrusted = join(root, "untrusted");
  await Promise.all([wrenHome, untrusted].map((d) => mkdir(d, { recursive: true })));
  await writeFile(
    join(untrusted, ".mcp.json"),
    JSON.stringify({ mcpServers: { fs: { command: "npx", args: ["-y", "some-server", "."] } } }),
  );
  return { wrenHome, untrusted, inkFloor: await bundleInkFloor(join(root, "ink")) };
}
