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
  // OAuth, through wren's real provider, loopback and browser launcher.
  "auth/metadata-default",
  "auth/metadata-var1",
  "auth/metadata-var2",
  "auth/metadata-var3",
  "auth/basic-cimd",
  "auth/scope-from-www-authenticate",
  "auth/scope-from-scopes-supported",
  "auth/scope-omitted-when-undefined",
  "auth/scope-step-up",
  "auth/scope-retry-limit",
  "auth/token-endpoint-auth-basic",
  "auth/token-endpoint-auth-post",
  "auth/token-endpoint-auth-none",
  "auth/pre-registration",
  "auth/2025-03-26-oauth-metadata-backcompat",
  "auth/2025-03-26-oauth-endpoint-fallback",
  "auth/resource-mismatch",
  "auth/offline-access-scope",
  "auth/offline-access-not-supported",
  // Listed in expected-failures.yml with the reason.
  "auth/client-credentials-jwt",
  "auth/client-credentials-basic",
  "auth/cross-app-access-complete-flow",
];
const EXPECTED_FAILURES = join(root, "conformance", "expected-failures.yml");

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const command = pkg.scripts["conformance:client"];
const scenarios = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_SCENARIOS;
// The adapter opens authorization URLs with $BROWSER, like wren; by default a script that
// follows the redirect to the loopback callback, standing in for the user's browser.
const env = {
  ...process.env,
  BROWSER: process.env.BROWSER ?? join(root, "src", "mcp", "oauth", "fixtures", "fake-browser.mjs"),
};
const failed = [];
for (const scenario of scenarios) {
  process.stdout.write(`\n=== conformance client scenario: ${scenario}\n`);
  const result = spawnSync(
    "npx",
    [
      ...SUITE,
      "conformance",
      "client",
      "--command",
      command,
      "--scenario",
      scenario,
      "--expected-failures",
      EXPECTED_FAILURES,
    ],
    { cwd: root, stdio: "inherit", env },
  );
  if (result.status !== 0) failed.push(scenario);
}
process.stdout.write(
  failed.length === 0
    ? `\nconformance: all ${scenarios.length} scenarios passed\n`
    : `\nconformance: failed: ${failed.join(", ")}\n`,
);
process.exit(failed.length === 0 ? 0 : 1);
