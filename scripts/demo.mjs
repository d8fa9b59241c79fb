#!/usr/bin/env node
// `npm run demo`: builds wren, starts the OAuth-protected mock MCP server (with a consent page),
// and opens the REPL with a throwaway WREN_HOME whose settings point `demo` at it. Try
// `.mcp auth demo`. Everything is removed on exit. Pass --no-consent for auto-approval.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { demoBanner } from "./demo-banner.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const consent = !process.argv.includes("--no-consent");

const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);

const mockArgs = [join(root, "mock-mcps", "http-oauth.mjs"), "--port", "0", "--token-ttl", "300"];
if (consent) mockArgs.push("--consent");
const mock = spawn(process.execPath, mockArgs, { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: mock.stdout });
  lines.on("line", (line) => {
    const match = /^listening on (\d+)$/.exec(line);
    if (match) resolve(Number(match[1]));
  });
  mock.once("exit", (code) => reject(new Error(`the mock OAuth server exited (${code})`)));
});

const home = mkdtempSync(join(tmpdir(), "wren-demo-"));
const url = `http://127.0.0.1:${port}/mcp`;
writeFileSync(
  join(home, "settings.json"),
  `${JSON.stringify({ mcpServers: { demo: { type: "http", url } } }, null, 2)}\n`,
);
const cleanup = () => {
  mock.kill("SIGTERM");
  rmSync(home, { recursive: true, force: true });
};
process.stdout.write(
  demoBanner({ url, home, node: process.execPath, wren: join(root, "dist", "wren.js") }),
);
const wren = spawn(process.execPath, [join(root, "dist", "wren.js")], {
  cwd: home,
  stdio: "inherit",
  env: { ...process.env, WREN_HOME: home },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => {});
wren.on("exit", (code) => {
  cleanup();
  process.exit(code ?? 0);
});
