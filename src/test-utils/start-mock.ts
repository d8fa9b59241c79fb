// Starts a mock server (mock-mcps/*.mjs, or any Node script) as a subprocess and waits for the
// line that says it is ready — by default `listening on N` on stdout, N its ephemeral port.
// Every test that needs a real server goes through here, so spawning, readiness, stderr on
// failure and the process-group kill live in one place. Used by *.test.ts only.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A mock server process started by {@link startMock}. */
export interface StartedMock {
  readonly port: number;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM to the process group, SIGKILL after 2 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

/** Options of {@link startMock}. */
export interface StartMockOptions {
  /** Added to (and overriding) the test's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** The ready line; its first group is the port unless `port` is given. */
  readonly ready?: RegExp;
  /** Where the ready line appears; default stdout. */
  readonly readyOn?: "stdout" | "stderr";
  /** The port, for a server that listens where it is told and does not print it. */
  readonly port?: number;
}

/** Thrown when a mock exits, fails to spawn, or stays silent instead of becoming ready. */
export class MockStartError extends Error {
  override name = "MockStartError";
}

const LISTENING = /^listening on (\d+)$/;
// Bounds a start that never happens; a server that is ready returns at once.
const READY_TIMEOUT_MS = 15_000;
const KILL_AFTER_MS = 2_000;

/**
 * Runs `node script ...args` in a process group of its own and resolves once it is ready.
 * A start that fails rejects with a {@link MockStartError} carrying the script's stderr.
 */
export async function startMock(
  script: string,
  args: readonly string[] = [],
  options: StartMockOptions = {},
): Promise<StartedMock> {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
    // Its own group, so stop() also ends anything the server started.
    detached: true,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const stop = (): Promise<void> => stopGroup(child);
  const pattern = options.ready ?? LISTENING;
  const source = options.readyOn === "stderr" ? child.stderr : child.stdout;
  // Drain the other pipe, so a chatty server never blocks on a full one.
  if (options.readyOn === "stderr") child.stdout.resume();
  const failure = (why: string): MockStartError =>
    new MockStartError(`${script} ${why}${stderr ? `; its stderr:\n${stderr}` : ""}`);
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(failure(`printed no line matching ${pattern} in ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      const done = (): void => clearTimeout(timer);
      createInterface({ input: source }).on("line", (line) => {
        const match = pattern.exec(line);
        if (!match) return;
        done();
        const found = options.port ?? Number(match[1]);
        if (Number.isInteger(found) && found > 0) resolve(found);
        else reject(failure(`named no port in its ready line "${line}"`));
      });
      child.once("error", (error) => {
        done();
        reject(failure(`could not start: ${error.message}`));
      });
      child.once("exit", (code, signal) => {
        done();
        // Let the last stderr chunk arrive before the message is built.
        setImmediate(() => reject(failure(`exited (${signal ?? code}) before it was ready`)));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, origin: `http://127.0.0.1:${port}`, child, stderr: () => stderr, stop };
}

/** Whether `child` has exited or was killed. */
function gone(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already empty.
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const exited = gone(child)
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signalGroup(child, "SIGTERM");
  const escalate = setTimeout(() => signalGroup(child, "SIGKILL"), KILL_AFTER_MS);
  await exited;
  clearTimeout(escalate);
  // Whatever the server left in its group (it has exited, so nothing waits on them).
  signalGroup(child, "SIGKILL");
}
