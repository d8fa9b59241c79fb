#!/usr/bin/env node
// `npm run conformance`: runs the official MCP conformance suite (client mode) against wren's
// adapter, with exactly the `conformance:client` script from package.json as the command:
// every client scenario the suite lists, in its default mode, then again with
// `--spec-version 2026-07-28` for the scenarios that revision shares. One scenario at a time,
// so timing scenarios are not decided by load. A scenario passes only when the suite's checks
// pass and the adapter exits 0 — or, for a scenario whose point is that the client refuses
// (REFUSALS, each with why), exits EXIT_NOT_CONNECTED: wren declined to connect, and did not
// crash. Scenarios in expected-failures.yml (each with its reason) must fail; one that starts
// passing fails the run, so the list stays true.
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
/** The adapter's exit code when wren did not connect (conformance/client.ts). */
const EXIT_NOT_CONNECTED = "3";
/**
 * Scenarios whose point is that the client refuses: each plays an attack or a server that never
 * grants access, and the suite marks it `allowClientError`. Connecting there would be the
 * failure, so the adapter must exit EXIT_NOT_CONNECTED — wren declined, as a REPL session
 * shows the server failed or needing sign-in and carries on without it. Exit 0 (connected) or
 * 1 (wren crashed, or failed on its own) fails the scenario; the suite's checks must pass too
 * (they record that the attack went nowhere: no code redeemed, no token sent).
 */
const REFUSALS = new Map([
  // The server answers every request 403 insufficient_scope, whatever scope it got. wren
  // steps up once, then stops asking the user (no endless sign-in loop) and stays
  // "needs sign-in": there is no token this server accepts.
  ["auth/scope-retry-limit", "gives up after one step-up"],
  // The protected resource metadata names https://evil.example.com/mcp, not the server's URL
  // (RFC 9728 §3.3): a token obtained for it must not be sent here, so no sign-in starts.
  ["auth/resource-mismatch", "metadata names another resource"],
  // RFC 9207: the metadata promises `iss` on every authorization response and the callback has
  // none; the code is never redeemed (a mix-up attack could have sent it).
  ["auth/iss-supported-missing", "iss missing though promised"],
  // RFC 9207: the callback's `iss` names another issuer than the one wren asked; code unused.
  ["auth/iss-wrong-issuer", "iss names another issuer"],
  // RFC 9207: `iss` not advertised, but present and not the recorded issuer: still a mismatch.
  ["auth/iss-unexpected", "unadvertised iss that does not match"],
  // RFC 9207 §2.4: `iss` is compared as a plain string; one equal only after URL
  // normalization (case, default port, trailing slash) is another issuer.
  ["auth/iss-normalized", "iss equal only after normalization"],
  // RFC 8414 §3.3: the metadata's `issuer` is not the URL it was discovered at; the metadata
  // is not used, so no registration, authorization or token request goes there.
  ["auth/metadata-issuer-mismatch", "metadata issuer is not its URL"],
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
      ? clientStatus === EXIT_NOT_CONNECTED
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
