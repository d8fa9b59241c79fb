// What the benches read from /proc (Linux): a process's CPU time, and the processes that carry
// a marker variable in their environment (to time their starts and to kill leftovers).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** User + system CPU milliseconds of a live process, all its threads included. */
export function cpuMs(pid) {
  const fields = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** This user's processes (not this one) whose environment holds `marker` (`NAME=value`). */
function markedPids(marker) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker)) {
        pids.push(Number(entry));
      }
    } catch {
      // Not ours, or already gone.
    }
  }
  return pids;
}

/** SIGKILLs the processes whose environment holds `marker`; returns how many. */
export function killMarked(marker) {
  let killed = 0;
  for (const pid of markedPids(marker)) {
    try {
      process.kill(pid, "SIGKILL");
      killed++;
    } catch {
      // Already gone.
    }
  }
  return killed;
}

/**
 * Milliseconds between the first and the last start of the processes whose environment holds
 * `marker` (from /proc start times, 10 ms steps), and how many there are.
 */
export function markedStartSpread(marker) {
  const starts = [];
  for (const pid of markedPids(marker)) {
    try {
      starts.push(Number(statFields(pid)[19]));
    } catch {
      // Gone meanwhile.
    }
  }
  if (starts.length === 0) return undefined;
  return {
    processes: starts.length,
    spreadMs: ((Math.max(...starts) - Math.min(...starts)) * 1000) / CLOCK_TICKS,
  };
}
