#!/usr/bin/env node
// `npm run bench:oauth`: time from `.mcp auth` to connected against mock-mcps/http-oauth.mjs
// (loopback path, a fake browser that follows the redirect) and the HTTP requests the client
// made, beside the SDK's bare auth flow in the same run. See src/mcp/oauth/fixtures/bench-oauth.ts.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { bundleEntry } from "./bundle-entry.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = await mkdtemp(join(tmpdir(), "wren-bench-oauth-build-"));
const outfile = join(dir, "bench.mjs");
await bundleEntry({
  entry: join(root, "src", "mcp", "oauth", "fixtures", "bench-oauth.ts"),
  outfile,
});
const mock = spawn(process.execPath, [join(root, "mock-mcps", "http-oauth.mjs"), "--port", "0"], {
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise((resolve) => {
  createInterface({ input: mock.stdout }).on("line", (line) => {
    const match = /^listening on (\d+)$/.exec(line);
    if (match) resolve(Number(match[1]));
  });
});
const browser = join(root, "src", "mcp", "oauth", "fixtures", "fake-browser.mjs");
const bench = spawn(process.execPath, [outfile, `http://127.0.0.1:${port}/mcp`, browser], {
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
bench.stdout.on("data", (chunk) => {
  out += chunk;
});
const code = await new Promise((resolve) => bench.on("exit", resolve));
mock.kill("SIGTERM");
await rm(dir, { recursive: true, force: true });
const result = JSON.parse(out);
process.stdout.write(
  `oauth sign-in to connected (median of ${result.runs}): ` +
    `wren ${result.wren.medianMs} ms / ${result.wren.requests} requests, ` +
    `bare SDK ${result.sdk.medianMs} ms / ${result.sdk.requests} requests, ratio ${result.ratio}x\n`,
);
process.exit(code ?? 1);
