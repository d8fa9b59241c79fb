import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ToolProgress } from "../types.js";
import { DEFAULT_LIMITS } from "./common.js";
import { createRunCommandTool } from "./run-command.js";
import { call, type TempProject, tempProject, textOf } from "./test-support.js";

/**
 * Whether any process of the group is still running. Killed processes whose parent died stay
 * zombies until init reaps them, and `kill(-pgid, 0)` still counts those, so ask ps.
 */
function groupAlive(pgid: number): boolean {
  const ps = spawnSync("ps", ["-eo", "pgid=,stat="], { encoding: "utf8" });
  return ps.stdout.split("\n").some((line) => {
    const [group, stat] = line.trim().split(/\s+/);
    return Number(group) === pgid && !stat?.startsWith("Z");
  });
}

/** Waits until no process of the group is left running. */
async function groupGone(pgid: number): Promise<void> {
  await expect.poll(() => groupAlive(pgid), { timeout: 10_000 }).toBe(false);
}

describe.skipIf(process.platform === "win32")("run_command", () => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({ "hello.txt": "hi\n" });
  });
  afterEach(() => temp.cleanup());
  const tool = (limits = DEFAULT_LIMITS) =>
    createRunCommandTool({
      project: temp.project,
      env: process.env,
      limits,
      killGraceMs: 500,
      progressIntervalMs: 10,
    });

  it("runs in the project directory and returns stdout and stderr", async () => {
    const outcome = await call(tool(), { command: "cat hello.txt; pwd; echo oops >&2" });
    expect(outcome.status).toBe("ok");
    expect(textOf(outcome)).toBe(`hi\n${temp.project}\noops`);
  });

  it("reports a non-zero exit as an error carrying the output", async () => {
    const outcome = await call(tool(), { command: "echo failing; exit 3" });
    expect(outcome).toMatchObject({ status: "error", message: "exit code 3" });
    expect(textOf(outcome)).toBe("exit code 3\nfailing");
    expect(textOf(await call(tool(), { command: "true" }))).toBe("(no output; exit code 0)");
  });

  it("keeps the start and end of huge output with a note", async () => {
    const limits = { ...DEFAULT_LIMITS, maxOutputChars: 1000 };
    const outcome = await call(tool(limits), {
      command: "echo FIRST; seq 1 20000; echo LAST",
    });
    const text = textOf(outcome);
    expect(text.startsWith("FIRST\n1\n")).toBe(true);
    expect(text.endsWith("20000\nLAST")).toBe(true);
    expect(text).toMatch(/\[\.\.\. \d+ characters of output omitted \.\.\.\]/);
    expect(text.length).toBeLessThan(1100);
  });

  it("streams output as progress", async () => {
    const progress: ToolProgress[] = [];
    // "two" comes only once the test has seen "one" as progress (and created the file `go`).
    await call(
      tool(),
      { command: "echo one; while [ ! -e go ]; do sleep 0.01; done; echo two" },
      {
        onProgress: (p) => {
          progress.push(p);
          if (p.message === "one") writeFileSync(join(temp.project, "go"), "");
        },
      },
    );
    expect(progress.at(0)?.message).toBe("one");
    expect(progress.at(-1)?.message).toBe("one\ntwo");
  });

  it("kills the whole process group on timeout", async () => {
    let pgid = 0;
    const outcome = await call(
      tool(),
      { command: "echo $$; sleep 30 & sleep 30; echo never", timeout_seconds: 0.5 },
      { onProgress: (p) => (pgid = Number(p.message?.split("\n")[0])) },
    );
    expect(outcome).toMatchObject({
      status: "error",
      message: expect.stringMatching(/^timed out after 0.5 s/),
    });
    expect(textOf(outcome)).not.toMatch(/never/);
    expect(pgid).toBeGreaterThan(0);
    await groupGone(pgid);
  });

  it("kills the whole process group when the turn is interrupted (Esc)", async () => {
    const controller = new AbortController();
    let pgid = 0;
    const running = call(
      tool(),
      { command: "echo $$; (sleep 30; echo child) & sleep 30 & wait" },
      {
        signal: controller.signal,
        onProgress: (p) => {
          pgid = Number(p.message?.split("\n")[0]);
        },
      },
    );
    await expect.poll(() => pgid, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(groupAlive(pgid)).toBe(true);
    controller.abort();
    expect(await running).toEqual({ status: "cancelled" });
    await groupGone(pgid);
  });

  it("does not wait for background jobs that hold the output open", async () => {
    // The job outlives the test's timeout: that an answer comes at all shows it did not wait.
    const outcome = await call(tool(), { command: "echo $$; sleep 3600 & echo done" });
    const [pgid, done] = textOf(outcome).split("\n");
    expect(done).toBe("done");
    try {
      process.kill(-Number(pgid), "SIGKILL");
    } catch {
      // The tool ended the group itself.
    }
  });

  it("rejects bad arguments and previews the exact command", async () => {
    expect(textOf(await call(tool(), { command: "  " }))).toMatch(/^invalid arguments: command/);
    expect(textOf(await call(tool(), {}))).toMatch(/^invalid arguments: command/);
    expect(await tool().preview?.({ command: "rm -rf build" })).toEqual({
      kind: "command",
      command: "rm -rf build",
      cwd: temp.project,
    });
    expect(tool().access?.({ command: "git status" })).toEqual({
      paths: [],
      command: "git status",
    });
  });
});
