import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it, type OnTestFinishedHandler, vi } from "vitest";
import type { WrenPaths } from "../utils/paths.js";
import { connectMcpServer } from "./connect.js";
import { REPO_ROOT, STDIO_MOCK, stdioMock, tempPaths } from "./test-support.js";

/** Generous: these machines are small and often busy. */
const POLL = { timeout: 20_000, interval: 50 };

/** What one test works in: its own temp dirs and pid file, so tests can run side by side. */
interface Fixture {
  readonly paths: WrenPaths;
  readonly pidFile: string;
  /** The pids the mock servers wrote (server first, then its child), once there are `count`. */
  pids(count: number): Promise<number[]>;
  /** Kills `pid` when the test ends, should it still be alive. */
  reap(pid: number): void;
}

async function fixture(onTestFinished: (fn: OnTestFinishedHandler) => void): Promise<Fixture> {
  const { paths, cleanup } = await tempPaths();
  const pidFile = join(paths.project, "pids");
  const spawned: number[] = [];
  onTestFinished(async () => {
    // Whatever a failing test left behind must not outlive it.
    for (const pid of spawned) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone, as it should be.
      }
    }
    await cleanup();
  });
  return {
    paths,
    pidFile,
    async pids(count) {
      let found: number[] = [];
      await vi.waitFor(async () => {
        const text = await readFile(pidFile, "utf8").catch(() => "");
        found = text.split("\n").filter(Boolean).map(Number);
        if (found.length < count) throw new Error(`${found.length} of ${count} pids written`);
      }, POLL);
      spawned.push(...found);
      return found;
    },
    reap: (pid) => spawned.push(pid),
  };
}

/** Alive and not a zombie waiting for its parent (a zombie is dead for every purpose here). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const posix = process.platform !== "win32";

// Concurrent: two tests wait out the close's grace periods on purpose (wren's real ones); each
// has its own directory, servers and pid file, so they wait side by side.
describe.runIf(posix).concurrent("stdio servers in their own process group", () => {
  it("close ends a server started through `bash -c 'server & wait'` and the server's child", async ({
    expect,
    onTestFinished,
  }) => {
    const { paths, pidFile, pids } = await fixture(onTestFinished);
    const server = `"${process.execPath}" "${STDIO_MOCK}" --pid-file "${pidFile}" --spawn-child --ignore-stdin-eof <&0 & wait`;
    const connection = await connectMcpServer({
      server: stdioMock("wrapped", [], { command: "bash", args: ["-c", server] }),
      paths,
    });
    expect((await connection.listTools()).map((t) => t.name)).toContain("echo");
    const [serverPid, childPid] = await pids(2);
    expect(alive(serverPid ?? 0) && alive(childPid ?? 0)).toBe(true);
    await connection.close();
    await vi.waitFor(() => {
      expect(alive(serverPid ?? 0)).toBe(false);
      expect(alive(childPid ?? 0)).toBe(false);
    }, POLL);
  });

  it("a server that ignores stdin EOF and SIGTERM is killed after the grace period", async ({
    expect,
    onTestFinished,
  }) => {
    const { paths, pidFile, pids } = await fixture(onTestFinished);
    const connection = await connectMcpServer({
      server: stdioMock("stubborn", [
        "--pid-file",
        pidFile,
        "--ignore-stdin-eof",
        "--ignore-sigterm",
      ]),
      paths,
    });
    const [serverPid] = await pids(1);
    await connection.close();
    await vi.waitFor(() => expect(alive(serverPid ?? 0)).toBe(false), POLL);
  });

  it("a server that crashes takes the children it started along", async ({
    expect,
    onTestFinished,
  }) => {
    const { paths, pidFile, pids } = await fixture(onTestFinished);
    const connection = await connectMcpServer({
      server: stdioMock("crashy", ["--pid-file", pidFile, "--spawn-child", "--crash-after", "1"]),
      paths,
    });
    onTestFinished(() => connection.close());
    const [, childPid] = await pids(2);
    await expect(connection.callTool("echo", { text: "x" })).rejects.toThrow();
    await connection.ended;
    await vi.waitFor(() => expect(alive(childPid ?? 0)).toBe(false), POLL);
  });

  it("kill -9 of wren leaves no server alive, even one that ignores stdin EOF", async ({
    expect,
    onTestFinished,
  }) => {
    const { paths, pidFile, pids, reap } = await fixture(onTestFinished);
    const wren = join(REPO_ROOT, "dist", "wren.js");
    await mkdir(paths.home, { recursive: true });
    const args = [STDIO_MOCK, "--pid-file", pidFile, "--spawn-child", "--ignore-stdin-eof"];
    await writeFile(
      paths.userSettings,
      JSON.stringify({ mcpServers: { slow: { command: process.execPath, args } } }),
    );
    // A long tool call keeps `wren mcp call` (and its server) running until it is killed.
    const child: ChildProcess = spawn(
      process.execPath,
      [wren, "mcp", "call", "slow", "slow", JSON.stringify({ steps: 1000, stepMs: 1000 })],
      {
        cwd: paths.project,
        env: { PATH: process.env.PATH, HOME: paths.project, WREN_HOME: paths.home },
        stdio: "ignore",
      },
    );
    if (child.pid !== undefined) reap(child.pid);
    const exited = new Promise((r) => child.once("exit", r));
    const [serverPid, childPid] = await pids(2);
    child.kill("SIGKILL");
    await exited;
    await vi.waitFor(() => {
      expect(alive(serverPid ?? 0)).toBe(false);
      expect(alive(childPid ?? 0)).toBe(false);
    }, POLL);
  });
});
