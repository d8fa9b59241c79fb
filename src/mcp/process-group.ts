import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { Socket } from "node:net";

/** How long a process group gets between SIGTERM and SIGKILL. */
export const GROUP_KILL_GRACE_MS = 2000;

/** Whether this platform has POSIX process groups (everything but Windows). */
export function hasProcessGroups(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== "win32";
}

/**
 * Spawns `command` as the leader of a new process group (and session), so the group id is its
 * pid and everything it starts (`npx` -> node, `bash -c 'server & wait'` -> server) can be
 * signalled together. Never through a shell.
 */
export function spawnInGroup(
  command: string,
  args: readonly string[],
  options: Omit<SpawnOptions, "detached" | "shell">,
): ChildProcess {
  return spawn(command, [...args], {
    ...options,
    detached: hasProcessGroups(),
    shell: false,
  });
}

/** Sends `signal` to every process of group `pgid`; false when none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // EPERM: someone is there (a setuid helper) that we may not signal; it is not ours to wait for.
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

/**
 * Ends process group `pgid`: SIGTERM to all, then SIGKILL to whatever is left after `graceMs`.
 * Resolves once the group is empty or the SIGKILL is sent. A group whose leader already
 * exited can still hold its children, so this is worth calling after every exit.
 */
export async function terminateGroup(
  pgid: number,
  graceMs: number = GROUP_KILL_GRACE_MS,
): Promise<void> {
  if (!signalGroup(pgid, "SIGTERM")) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    // Ref'd on purpose: once the leader has exited nothing else may hold the event loop, and
    // an unref'd wait let `wren mcp call` end mid-close with exit 0 and no output.
    await new Promise((r) => setTimeout(r, 25));
    if (!signalGroup(pgid, 0)) return;
  }
  signalGroup(pgid, "SIGKILL");
}

/**
 * The watchdog's program: waits on its stdin, a pipe from wren. `done` means wren ended the
 * group itself; end of file without it means wren died (even by SIGKILL, which no handler
 * sees), and the group gets SIGTERM, then SIGKILL after the grace period. POSIX sh, so it
 * costs a shell rather than a second Node process.
 */
const WATCHDOG_SCRIPT = `
while read -r line; do [ "$line" = done ] && exit 0; done
kill -s TERM -- "-$1" 2>/dev/null || exit 0
i=0
while [ "$i" -lt "$2" ] && kill -s 0 -- "-$1" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
kill -s KILL -- "-$1" 2>/dev/null
exit 0
`;

/** A watchdog guarding one process group; see {@link watchGroup}. */
export interface GroupWatchdog {
  /** The watchdog's own pid (tests look for it). */
  readonly pid: number | undefined;
  /** wren has ended the group itself: the watchdog exits without signalling. */
  release(): void;
}

/**
 * Starts a watchdog that ends group `pgid` when wren dies by any means: a tiny `sh` in its own
 * process group, reading a pipe from wren. The kernel closes the pipe when wren exits, crashes
 * or is killed with SIGKILL, so no exit handler has to run. Neither the watchdog nor its pipe
 * keeps wren's event loop alive.
 */
export function watchGroup(pgid: number, graceMs: number = GROUP_KILL_GRACE_MS): GroupWatchdog {
  const steps = String(Math.max(1, Math.ceil(graceMs / 100)));
  const child = spawn("/bin/sh", ["-c", WATCHDOG_SCRIPT, "wren-watchdog", String(pgid), steps], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  // A watchdog that fails to start (no /bin/sh) leaves the normal close path in charge.
  child.on("error", () => {});
  child.stdin?.on("error", () => {});
  child.unref();
  if (child.stdin instanceof Socket) child.stdin.unref();
  let released = false;
  return {
    pid: child.pid,
    release() {
      if (released) return;
      released = true;
      child.stdin?.end("done\n");
    },
  };
}
