// The scripts' test harness (scripts/harness.mjs) as plain node loads it, outside vitest: the
// bundle of src/test-utils/script-harness.ts must run without vitest, find the pty's native
// addon from a temp dir, and drive the same terminal and mocks the tests use.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { projectSlug } from "../src/utils/paths.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** Whether `pid` is a live process (a zombie counts as gone). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

// Times a pty program to its text and to its exit, fails one that exits before its text, and
// scripts the model server; prints what it saw as JSON.
const PROBE = `
import { harness } from "./scripts/harness.mjs";
import { mockPath } from "./scripts/paths.mjs";
import { timeInPty } from "./scripts/bench/pty.mjs";
const program = (args, until) =>
  timeInPty({ command: process.execPath, args, cwd: process.cwd(), env: { PATH: process.env.PATH }, until });
const toText = await program(["-e", "console.log('probe ready')"], { screen: "probe ready" });
const toExit = await program(["-e", "0"], { exit: true });
const failed = await program(["-e", "0"], { screen: "never shown" }).catch((e) => e);
const server = await harness.startModelServerScript(mockPath("model-server.mjs"));
await server.reset([[{ text: "hi" }]]);
const answer = await fetch(server.baseURL + "/chat/completions", {
  method: "POST",
  body: JSON.stringify({ model: "m", stream: false, messages: [{ role: "user", content: "q" }] }),
});
const requests = await server.requests();
await server.stop();
// Left running on purpose: the harness ends its process group when this script exits.
const leftover = await harness.startMock(mockPath("model-server.mjs"), ["--port", "0"]);
console.log(JSON.stringify({
  leftover: leftover.child.pid,
  toText,
  toExit,
  failed: { name: failed.name, code: failed.code },
  answered: answer.ok,
  requests: requests.length,
  slug: harness.projectSlug("/work/my project"),
}));
process.exit(0);
`;

describe("scripts/harness.mjs", () => {
  it("runs the bundled pty harness and model-server client in plain node", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", PROBE],
      { cwd: repoRoot, env: { PATH: process.env.PATH } },
    );
    const seen = JSON.parse(stdout);
    expect(seen.toText).toBeGreaterThan(0);
    expect(seen.toExit).toBeGreaterThan(0);
    expect(seen.failed).toEqual({ name: "TerminalWaitError", code: "exited" });
    expect(seen.answered).toBe(true);
    expect(seen.requests).toBe(1);
    expect(seen.slug).toBe(projectSlug("/work/my project"));
    // SIGKILL is not instantaneous, and a zombie awaits its reaper: poll for the pid to go.
    await expect.poll(() => isRunning(seen.leftover), { timeout: 10_000 }).toBe(false);
  }, 60_000);
});
