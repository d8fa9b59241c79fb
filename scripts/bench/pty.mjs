// Programs timed in a real pseudo-terminal: the tests' pty harness (src/test-utils/terminal.ts,
// bundled by scripts/harness.mjs) plus what a benchmark adds — the time a text appeared, and
// killing every terminal still alive when the bench is interrupted.
import { exitOnSignals, harness } from "../harness.mjs";

/** Columns and rows of every measured terminal. */
export const COLS = 100;
export const ROWS = 30;
const RUN_TIMEOUT_MS = 20_000;

// Every terminal still running; killed with its process group if the bench exits early.
const live = new Set();
const killAll = () => {
  for (const terminal of live) {
    try {
      process.kill(-terminal.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
};
process.on("exit", killAll);
exitOnSignals();

/**
 * Starts `command args` in a COLS x ROWS pty with exactly `env` (plus TERM); its headless xterm
 * answers terminal queries as a real terminal would. `dispose()` it when done.
 */
export async function openTerminal({ command, args, cwd, env }) {
  const terminal = await harness.startTerminal({
    command,
    args,
    cwd,
    env,
    isolateEnv: true,
    cols: COLS,
    rows: ROWS,
  });
  live.add(terminal);
  const dispose = terminal.dispose;
  terminal.dispose = async () => {
    await dispose();
    live.delete(terminal);
  };
  return terminal;
}

/** Resolves with performance.now() when `wait` resolves: the moment the text was seen. */
export const seenAt = (wait) => wait.then(() => performance.now());

/**
 * Starts a program in a pty and resolves with the milliseconds from spawn until `until`
 * happens: `{ screen: "text" }` (text visible on the parsed screen) or `{ exit: true }`.
 * The process group is killed and the pty closed before the promise settles.
 */
export async function timeInPty({ until, ...program }) {
  const start = performance.now();
  const terminal = await openTerminal(program);
  try {
    const options = { timeout: RUN_TIMEOUT_MS };
    return (
      (await seenAt(
        until.exit ? terminal.waitForExit(options) : terminal.waitFor(until.screen, options),
      )) - start
    );
  } finally {
    await terminal.dispose();
  }
}

/** Types `.exit` (so a `--cpu-prof` profile is written), then kills whatever is left. */
export async function exitAndDispose(terminal) {
  if (!terminal.exited) {
    try {
      terminal.write(".exit\r");
      await terminal.waitForExit({ timeout: 5_000 });
    } catch {
      // Exited meanwhile, or did not exit in time: dispose() kills it.
    }
  }
  await terminal.dispose();
}
