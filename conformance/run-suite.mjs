#!/usr/bin/env node
// `npm run conformance`: runs the official MCP conformance suite (client mode) against wren's
// adapter, with exactly the `conformance:client` script from package.json as the command:
// every client scenario the suite lists, in its default mode, then again with
// `--spec-version 2026-07-28` for the scenarios that revision shares. One scenario at a time,
// so timing scenarios are not decided by load. A scenario passes only when the suite's checks
// pass and the adapter exits 0 — or, for a scenario whose point is that the client refuses
// (REFUSALS), exits non-zero: connecting there would be the failure. Scenarios in expected-failures.yml (each with its reason) must
// fail; one that starts passing fails the run, so the list stays true.
//   node conformance/run-suite.mjs [--mode default|2026-07-28] [SCENARIO...]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SUITE_PACKAGE = "@modelcontextprotocol/conformance@0.2.0-alpha.12";
// The suite needs Node 22; npx runs it on the registry's node package, wren stays on Node 20.
const SUITE = ["-y", "-p", "node@22", "-p", SUITE_PACKAGE, "conformance"];
const MODERN = "2026-07-28";
const EXPECTED_FAILURES = join(root, "conformance", "expected-failures.yml");
/** Scenarios that pass only if the client refuses to go on (its checks say why). */
const REFUSALS = new Set([
  "auth/scope-retry-limit", // the server keeps asking for more scope: give up after one step-up
  "auth/resource-mismatch", // the protected resource metadata names another resource
  "auth/iss-supported-missing", // RFC 9207: no iss although the metadata promises it
  "auth/iss-wrong-issuer", // RFC 9207: iss names another issuer
  "auth/iss-unexpected", // RFC 9207: an unadvertised iss that does not match
  "auth/iss-normalized", // RFC 9207: an iss equal only after URL normalization
  "auth/metadata-issuer-mismatch", // RFC 8414 §3.3: metadata issuer is not its URL
]);

/** `section:` followed by `  - name` lines; comments and blank lines ignored. */
export function parseExpectedFailures(text) {
  const sections = new Map();
  let current;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trimEnd();
    if (line.trim() === "") continue;
    const header = /^([A-Za-z0-9_.-]+):\s*$/.exec(line);
    if (header) {
      current = [];
      sections.set(header[1], current);
      continue;
    }
    const item = /^\s+-\s+(\S+)\s*$/.exec(line);
    if (item && current) current.push(item[1]);
  }
  return sections;
}

function suite(args, options = {}) {
  return spawnSync("npx", [...SUITE, ...args], { cwd: root, encoding: "utf8", ...options });
}

/** The suite's own list of client scenarios (optionally for one spec version). */
function listScenarios(specVersion) {
  const args = ["list", "--client", ...(specVersion ? ["--spec-version", specVersion] : [])];
  const result = suite(args, { stdio: ["ignore", "pipe", "inherit"] });
  if (result.status !== 0) throw new Error(`conformance list failed (exit ${result.status})`);
  return [...result.stdout.matchAll(/^\s+-\s+(\S+)/gm)].map((m) => m[1]);
}

const argv = process.argv.slice(2);
const modeIndex = argv.indexOf("--mode");
const onlyMode = modeIndex >= 0 ? argv[modeIndex + 1] : undefined;
const named = modeIndex >= 0 ? argv.filter((_, i) => i !== modeIndex && i !== modeIndex + 1) : argv;

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const command = pkg.scripts["conformance:client"];
const expected = parseExpectedFailures(readFileSync(EXPECTED_FAILURES, "utf8"));
const statusDir = mkdtempSync(join(tmpdir(), "wren-conformance-status-"));
process.once("exit", () => rmSync(statusDir, { recursive: true, force: true }));

const modes = [
  { name: "default", specArgs: [], scenarios: () => listScenarios(undefined), section: "client" },
  {
    name: MODERN,
    specArgs: ["--spec-version", MODERN],
    scenarios: () => listScenarios(MODERN),
    section: `client-${MODERN}`,
  },
].filter((m) => onlyMode === undefined || m.name === onlyMode);

const started = Date.now();
const problems = [];
let ran = 0;
let passed = 0;
let failedAsExpected = 0;
for (const mode of modes) {
  const listed = mode.scenarios();
  const scenarios = named.length > 0 ? listed.filter((s) => named.includes(s)) : listed;
  const expectedHere = new Set(expected.get(mode.section) ?? []);
  for (const stale of expectedHere) {
    if (!listed.includes(stale))
      problems.push(`${mode.name}: ${stale} is listed but not a scenario`);
  }
  for (const scenario of scenarios) {
    ran++;
    process.stdout.write(`\n=== conformance [${mode.name}] client scenario: ${scenario}\n`);
    // The adapter writes its exit code here: the suite's verdict alone does not say it.
    const statusFile = join(statusDir, `${mode.name}-${scenario.replace(/\W+/g, "_")}`);
    const env = {
      ...process.env,
      WREN_CONFORMANCE_STATUS_FILE: statusFile,
      // The adapter opens authorization URLs with $BROWSER, like wren; by default a script
      // that follows the redirect to the loopback callback, standing in for the user.
      BROWSER:
        process.env.BROWSER ?? join(root, "src", "mcp", "oauth", "fixtures", "fake-browser.mjs"),
    };
    const result = suite(
      ["client", "--command", command, "--scenario", scenario, ...mode.specArgs],
      { stdio: "inherit", env, encoding: undefined },
    );
    let clientStatus = "missing";
    try {
      clientStatus = readFileSync(statusFile, "utf8").trim();
    } catch {
      // The adapter never ran to its end (or never started).
    }
    const clientOk = REFUSALS.has(scenario)
      ? clientStatus !== "0" && clientStatus !== "missing"
      : clientStatus === "0";
    const ok = result.status === 0 && clientOk;
    const why = `suite exit ${result.status}, adapter exit ${clientStatus}`;
    if (expectedHere.has(scenario)) {
      if (ok) problems.push(`${mode.name}: ${scenario} passes but is listed as expected to fail`);
      else failedAsExpected++;
      process.stdout.write(
        `=== ${scenario}: ${ok ? "PASSED (listed as failing!)" : `expected failure (${why})`}\n`,
      );
    } else if (ok) {
      passed++;
      process.stdout.write(`=== ${scenario}: passed\n`);
    } else {
      problems.push(`${mode.name}: ${scenario} failed (${why})`);
      process.stdout.write(`=== ${scenario}: FAILED (${why})\n`);
    }
  }
}
const seconds = Math.round((Date.now() - started) / 1000);
process.stdout.write(
  `\nconformance: ${ran} scenario runs in ${seconds}s: ${passed} passed, ${failedAsExpected} expected failures\n`,
);
for (const problem of problems) process.stdout.write(`conformance: ${problem}\n`);
process.exit(problems.length === 0 ? 0 : 1);
