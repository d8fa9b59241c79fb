import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WrenPaths } from "../utils/paths.js";
import { connectMcpServer, type McpConnection } from "./connect.js";
import { REPO_ROOT, STDIO_MOCK, stdioMock, tempPaths } from "./test-support.js";

/** Generous: these machines are small and often busy. */
const POLL = { timeout: 20_000, interval: 50 };

let paths: WrenPaths;
let cleanup: () => Promise<void>;
let pidFile: string;
const open: McpConnection[] = [];
const spawned: number[] = [];

beforeEach(async () => {
  ({ paths, cleanup } = await tempPaths());
  pidFile = join(paths.project, "pids");
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  // Whatever a failing test left behind must not outlive it.
  for (const pid of spawned.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone, as it should be.
    }
  }
  await cleanup();
});

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

/** The pids the mock servers wrote (server first, then its child), once there are `count`. */
async function pids(count: number): Promise<number[]> {
  let found: number[] = [];
  await vi.waitFor(async () => {
    const text = await readFile(pidFile, "utf8").catch(() => "");
    found = text.split("\n").filter(Boolean).map(Number);
    expect(found.length).toBeGreaterThanOrEqual(count);
  }, POLL);
  spawned.push(...found);
  return found;
}

const posix = process.platform !== "win32";

describe.runIf(posix)("stdio servers in their own process group", () => {
  it("close ends a server started through `bash -c 'server & wait'` and the server's child", async () => {
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

  it("a server that ignores stdin EOF and SIGTERM is killed after the grace period", async () => {
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

  it("a server that crashes takes the children it started along", async () => {
    const connection = await connectMcpServer({
      server: stdioMock("crashy", ["--pid-file", pidFile, "--spawn-child", "--crash-after", "1"]),
      paths,
    });
    open.push(connection);
    const [, childPid] = await pids(2);
    await expect(connection.callTool("echo", { text: "x" })).rejects.toThrow();
    await connection.ended;
    await vi.waitFor(() => expect(alive(childPid ?? 0)).toBe(false), POLL);
  });

  it("kill -9 of wren leaves no server alive, even one that ignores stdin EOF", async () => {
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
    if (child.pid !== undefined) spawned.push(child.pid);
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
