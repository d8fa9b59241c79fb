// Bundles the CLI (options: build-options.mjs) and swaps the result into dist/.
import { chmod, rename, rm } from "node:fs/promises";
import { build } from "esbuild";
import { buildOptions } from "./build-options.mjs";

// Build beside dist/ and swap it in, so a test running the old build never finds dist/ missing
// or half-written.
const staging = `dist.build-${process.pid}`;
await rm(staging, { recursive: true, force: true });

await build(await buildOptions(staging));
await chmod(`${staging}/wren.js`, 0o755);
const old = `dist.old-${process.pid}`;
await rename("dist", old).catch(() => {});
await rename(staging, "dist");
await rm(old, { recursive: true, force: true });
