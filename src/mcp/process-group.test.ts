import { afterEach, describe, expect, it, vi } from "vitest";
import { signalGroup, spawnInGroup, terminateGroup, watchGroup } from "./process-group.js";

const POLL = { timeout: 20_000, interval: 50 };
const started: number[] = [];
afterEach(() => {
  for (const pgid of started.splice(0)) signalGroup(pgid, "SIGKILL");
});

/** A process group: `sh` leading, with a `sleep` child of its own. */
async function group(): Promise<number> {
  const child = spawnInGroup("sh", ["-c", "sleep 600 & wait"], { stdio: "ignore" });
  await new Promise((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  const pgid = child.pid ?? 0;
  started.push(pgid);
  return pgid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(process.platform !== "win32")("process groups", () => {
  it("terminateGroup ends the leader and its children", async () => {
    const pgid = await group();
    expect(signalGroup(pgid, 0)).toBe(true);
    await terminateGroup(pgid, 2000);
    await vi.waitFor(() => expect(signalGroup(pgid, 0)).toBe(false), POLL);
  });

  it("a released watchdog exits without touching the group", async () => {
    const pgid = await group();
    const watchdog = watchGroup(pgid, 200);
    expect(watchdog.pid).toBeTypeOf("number");
    await vi.waitFor(() => expect(alive(watchdog.pid ?? 0)).toBe(true), POLL);
    watchdog.release();
    await vi.waitFor(() => expect(alive(watchdog.pid ?? 0)).toBe(false), POLL);
    expect(signalGroup(pgid, 0)).toBe(true);
  });
});
