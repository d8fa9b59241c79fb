#!/usr/bin/env node
// `npm run bench:oauth`: time from `.mcp auth` to connected against mock-mcps/http-oauth.mjs
// (loopback path, a fake browser that follows the redirect) and the HTTP requests the client
// made, beside the SDK's bare auth flow in the same run. See src/mcp/oauth/fixtures/bench-oauth.ts.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleEntry } from "./bundle-entry.mjs";
import { exitOnSignals, harness } from "./harness.mjs";
import { mockPath, repoRoot } from "./paths.mjs";

exitOnSignals();

const fixtures = join(repoRoot, "src", "mcp", "oauth", "fixtures");
const dir = await mkdtemp(join(tmpdir(), "wren-bench-oauth-build-"));
const outfile = join(dir, "bench.mjs");
await bundleEntry({ entry: join(fixtures, "bench-oauth.ts"), outfile });
const mock = await harness.startMock(mockPath("http-oauth.mjs"), ["--port", "0"]);
const bench = spawn(
  process.execPath,
  [outfile, `${mock.origin}/mcp`, join(fixtures, "fake-browser.mjs")],
  { stdio: ["ignore", "pipe", "inherit"] },
);
let out = "";
bench.stdout.on("data", (chunk) => {
  out += chunk;
});
const code = await new Promise((resolve) => bench.on("exit", resolve));
await mock.stop();
await rm(dir, { recursive: true, force: true });
const result = JSON.parse(out);
process.stdout.write(
  `oauth sign-in to connected (median of ${result.runs}): ` +
    `wren ${result.wren.medianMs} ms / ${result.wren.requests} requests, ` +
    `bare SDK ${result.sdk.medianMs} ms / ${result.sdk.requests} requests, ratio ${result.ratio}x\n`,
);
process.exit(code ?? 1);
