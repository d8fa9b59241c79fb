#!/usr/bin/env node
// `npm run demo`: builds wren, starts the OAuth-protected mock MCP server (with a consent page),
// and opens the REPL with a throwaway WREN_HOME whose settings point `demo` at it. Try
// `.mcp auth demo`. Everything is removed on exit. Pass --no-consent for auto-approval.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoBanner } from "./demo-banner.mjs";
import { harness } from "./harness.mjs";
import { mockPath, repoRoot, wrenBin } from "./paths.mjs";

const consent = !process.argv.includes("--no-consent");

const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: repoRoot, stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);

const mockArgs = ["--port", "0", "--token-ttl", "300", ...(consent ? ["--consent"] : [])];
const mock = await harness.startMock(mockPath("http-oauth.mjs"), mockArgs);

const home = mkdtempSync(join(tmpdir(), "wren-demo-"));
const url = `${mock.origin}/mcp`;
writeFileSync(
  join(home, "settings.json"),
  `${JSON.stringify({ mcpServers: { demo: { type: "http", url } } }, null, 2)}\n`,
);
process.stdout.write(demoBanner({ url, home, node: process.execPath, wren: wrenBin }));
const wren = spawn(process.execPath, [wrenBin], {
  cwd: home,
  stdio: "inherit",
  env: { ...process.env, WREN_HOME: home },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => {});
// On any exit, also a hang-up: harness.mjs ends the mock's process group; the home goes here.
process.on("exit", () => rmSync(home, { recursive: true, force: true }));
process.on("SIGHUP", () => process.exit(129));
wren.on("exit", async (code) => {
  await mock.stop();
  process.exit(code ?? 0);
});
