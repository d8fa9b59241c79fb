#!/usr/bin/env node
// `npm run conformance`: runs the official MCP conformance suite (client mode) against wren's
// adapter for each scenario this project claims, using exactly the `conformance:client` script
// from package.json as the command. Exits 1 if any scenario fails.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SUITE = ["-y", "-p", "node@22", "-p", "@modelcontextprotocol/conformance@0.1.16"];
const DEFAULT_SCENARIOS = [
  "initialize",
  "tools_call",
  "elicitation-sep1034-client-defaults",
  "sse-retry",
];

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const command = pkg.scripts["conformance:client"];
const scenarios = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_SCENARIOS;
const failed = [];
for (const scenario of scenarios) {
  process.stdout.write(`\n=== conformance client scenario: ${scenario}\n`);
  const result = spawnSync(
    "npx",
    [...SUITE, "conformance", "client", "--command", command, "--scenario", scenario],
    { cwd: root, stdio: "inherit" },
  );
  if (result.status !== 0) failed.push(scenario);
}
process.stdout.write(
  failed.length === 0
    ? `\nconformance: all ${scenarios.length} scenarios passed\n`
    : `\nconformance: failed: ${failed.join(", ")}\n`,
);
process.exit(failed.length === 0 ? 0 : 1);
