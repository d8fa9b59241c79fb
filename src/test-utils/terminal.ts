// Drives a program in a real pseudo-terminal and reads the screen the way a person would,
// through a headless xterm. Terminal tests reach it through pty.ts (which adds the vitest
// pool); plain-node scripts (the benchmarks) through script-harness.ts, so nothing here may
// import vitest.
import { type IPty, spawn } from "@lydell/node-pty";
import xtermHeadless from "@xterm/headless";
import { bracketedPaste } from "./keys.js";

// @xterm/headless is CommonJS without named ESM exports; take the class off the default export.
const { Terminal: XTerm } = xtermHeadless;
type XTermInstance = InstanceType<typeof XTerm>;

const DEFAULT_COLS = 100;
const DEFAULT_ROWS = 30;
// Generous because CI machines are shared and run two test files at once: a wait that
// matches returns at once, so this only lengthens a failing test.
const DEFAULT_WAIT_MS = 10_000;
// After SIGKILL the pty closes almost at once; this only bounds a pathological wait.
const KILL_WAIT_MS = 3_000;

/** How a terminal's process ended: exit code, and the signal number if a signal killed it. */
export interface ExitStatus {
  exitCode: number;
  signal: number | undefined;
}

/** Options for {@link startTerminal}. */
export interface StartTerminalOptions {
  command: string;
  args?: string[];
  cwd?: string;
  /** Merged over `process.env`; a key set to `undefined` is removed. */
  env?: Record<string, string | undefined>;
  /** When true, `env` is the whole environment instead of overrides of `process.env`. */
  isolateEnv?: boolean;
  cols?: number;
  rows?: number;
  /** Runs after the process is dead and the emulator disposed (e.g. to remove temp dirs). */
  onDispose?: () => Promise<void>;
}

/** Options for the `waitFor*` methods. */
export interface WaitOptions {
  /** Milliseconds before the wait fails; default 10000. */
  timeout?: number;
}

/** A program running in a pseudo-terminal, with its screen rendered by a headless xterm. */
export interface Terminal {
  /** Process id of the program (also its process group id: the pty makes it a session leader). */
  readonly pid: number;
  /** Everything the program has written, raw, escape sequences included. */
  readonly output: string;
  /** Every window title the program set (OSC 0/2), in order; empty when it set none. */
  readonly titles: readonly string[];
  /** True once the program has exited and its output has been drained. */
  readonly exited: boolean;
  /** The exit status once {@link Terminal.exited} is true. */
  readonly exitStatus: ExitStatus | undefined;
  /** Sends raw bytes to the program, as if typed. */
  write(data: string): void;
  /** Sends one key (see `Keys`), `times` times in separate writes. */
  press(key: string, times?: number): void;
  /** Types text: one write, or one write per character with `delayMs` between them. */
  type(text: string, options?: { delayMs?: number }): Promise<void>;
  /** Pastes text: wrapped in bracketed-paste markers when the program enabled that mode. */
  paste(text: string): void;
  /** The visible screen: rows trimmed at the right (so match `"›"`, not `"› "`), joined with `\n`, trailing blank rows dropped. */
  screen(): string;
  /** Scrollback plus visible screen, in the same format as {@link Terminal.screen}. */
  fullText(): string;
  /** Resolves once every byte received so far has been parsed into the screen buffer. */
  flush(): Promise<void>;
  /** Resolves with the screen once it matches; rejects with a {@link TerminalWaitError} on timeout or exit. */
  waitFor(pattern: string | RegExp, options?: WaitOptions): Promise<string>;
  /** Resolves once the raw output holds `text`, even if it has since scrolled off the screen. */
  waitForOutput(text: string, options?: WaitOptions): Promise<void>;
  /** Resolves with the exit status once the program has exited and its output is on the screen. */
  waitForExit(options?: WaitOptions): Promise<ExitStatus>;
  /** Changes the terminal size (the program receives SIGWINCH). */
  resize(cols: number, rows: number): void;
  /** Signals the program's whole process group (default SIGKILL) and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus | undefined>;
  /** Kills the program if it is still running and frees the emulator; safe to call twice. */
  dispose(): Promise<void>;
}

/** Why a wait on a terminal failed; `screen` holds what was visible at that moment. */
export class TerminalWaitError extends Error {
  override name = "TerminalWaitError";
  constructor(
    readonly code: "timeout" | "exited",
    message: string,
    readonly screen: string,
  ) {
    super(`${message}\n--- screen ---\n${screen}\n--------------`);
  }
}

function describePattern(pattern: string | RegExp): string {
  return typeof pattern === "string" ? JSON.stringify(pattern) : String(pattern);
}

function matches(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `exit code ${status.exitCode}`;
}

function bufferText(xterm: XTermInstance, from: number, to: number): string {
  const buffer = xterm.buffer.active;
  const lines: string[] = [];
  for (let y = from; y < to; y++) {
    lines.push((buffer.getLine(y)?.translateToString(true) ?? "").trimEnd());
  }
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.join("\n");
}

function buildEnv(options: StartTerminalOptions): Record<string, string> {
  const merged: Record<string, string | undefined> = options.isolateEnv
    ? { ...options.env }
    : { ...process.env, ...options.env };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(merged)) {
    if (value !== undefined) env[key] = value;
  }
  env.TERM = "xterm-256color";
  return env;
}

function signalGroup(pty: IPty, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group, so children the program started die with it.
    process.kill(-pty.pid, signal);
  } catch {
    try {
      pty.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** Spawns `command` in a pseudo-terminal (TERM=xterm-256color, 100x30 by default). */
export async function startTerminal(options: StartTerminalOptions): Promise<Terminal> {
  const cols = options.cols ?? DEFAULT_COLS;
  const rows = options.rows ?? DEFAULT_ROWS;
  // `buffer` is a "proposed" API in @xterm/headless 6 and throws unless this is on.
  const xterm = new XTerm({ cols, rows, scrollback: 5_000, allowProposedApi: true });
  const pty = spawn(options.command, options.args ?? [], {
    name: "xterm-256color",
    cols,
    rows,
    cwd: options.cwd ?? process.cwd(),
    env: buildEnv(options),
  });

  let output = "";
  const titles: string[] = [];
  xterm.onTitleChange((title) => titles.push(title));
  let exitStatus: ExitStatus | undefined;
  let disposed = false;
  // Re-evaluated after each chunk is parsed and once at exit; waiters register here.
  const observers = new Set<() => void>();
  const notify = (): void => {
    for (const observer of observers) observer();
  };

  const flush = (): Promise<void> =>
    new Promise((resolve) => {
      if (disposed) return resolve();
      // xterm parses writes in order, so an empty write's callback runs after all earlier data.
      xterm.write("", resolve);
    });

  // Answer the program's terminal queries (cursor position, device attributes) like a real terminal.
  xterm.onData((data) => {
    if (exitStatus) return;
    try {
      pty.write(data);
    } catch {
      // The program went away between its query and our answer.
    }
  });
  pty.onData((data) => {
    output += data;
    if (!disposed) xterm.write(data, notify);
  });
  const exitPromise = new Promise<ExitStatus>((resolve) => {
    pty.onExit(({ exitCode, signal }) => {
      // node-pty reports exit only after the pty's output stream closed, so nothing is lost.
      void flush().then(() => {
        exitStatus = { exitCode, signal: signal || undefined };
        resolve(exitStatus);
        notify();
      });
    });
  });

  const screen = (): string => {
    if (disposed) return "";
    const top = xterm.buffer.active.baseY;
    return bufferText(xterm, top, top + xterm.rows);
  };

  const waitUntil = <T>(
    check: () => T | undefined,
    onExit: () => TerminalWaitError | undefined,
    describe: () => string,
    timeout: number,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        observers.delete(observe);
        clearTimeout(timer);
      };
      const observe = (): void => {
        try {
          const value = check();
          if (value !== undefined) {
            finish();
            resolve(value);
            return;
          }
          const error = exitStatus ? onExit() : undefined;
          if (error) {
            finish();
            reject(error);
          }
        } catch (error) {
          // A throw here would otherwise vanish inside xterm's write callback.
          finish();
          reject(error);
        }
      };
      timer = setTimeout(() => {
        finish();
        reject(new TerminalWaitError("timeout", describe(), screen()));
      }, timeout);
      observers.add(observe);
      void flush().then(observe);
    });

  // `read()` is the screen or the raw output; `where` names it in the error.
  const waitForMatch = (
    read: () => string,
    where: string,
    pattern: string | RegExp,
    waitOptions: WaitOptions | undefined,
  ): Promise<string> => {
    const timeout = waitOptions?.timeout ?? DEFAULT_WAIT_MS;
    return waitUntil(
      () => {
        const text = read();
        return matches(text, pattern) ? text : undefined;
      },
      () =>
        new TerminalWaitError(
          "exited",
          `process exited (${describeExit(exitStatus!)}) before ${where} matched ${describePattern(pattern)}`,
          screen(),
        ),
      () =>
        `timed out after ${timeout} ms waiting for ${where} to match ${describePattern(pattern)}`,
      timeout,
    );
  };

  const write = (data: string): void => {
    if (exitStatus || disposed) {
      throw new Error(`cannot write to terminal: process ${pty.pid} has exited`);
    }
    pty.write(data);
  };

  const kill = async (signal: NodeJS.Signals = "SIGKILL"): Promise<ExitStatus | undefined> => {
    if (exitStatus) return exitStatus;
    signalGroup(pty, signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), KILL_WAIT_MS);
    });
    const status = await Promise.race([exitPromise, timedOut]);
    clearTimeout(timer);
    return status;
  };

  return {
    get pid() {
      return pty.pid;
    },
    get output() {
      return output;
    },
    get titles() {
      return titles;
    },
    get exited() {
      return exitStatus !== undefined;
    },
    get exitStatus() {
      return exitStatus;
    },
    write,
    press(key, times = 1) {
      for (let i = 0; i < times; i++) write(key);
    },
    async type(text, typeOptions) {
      const delayMs = typeOptions?.delayMs ?? 0;
      if (delayMs <= 0) return write(text);
      for (const char of text) {
        write(char);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    },
    paste(text) {
      // Like a real terminal: markers only while the program has bracketed paste switched on.
      write(xterm.modes.bracketedPasteMode ? bracketedPaste(text) : text);
    },
    screen,
    fullText() {
      if (disposed) return "";
      return bufferText(xterm, 0, xterm.buffer.active.length);
    },
    flush,
    waitFor(pattern, waitOptions) {
      return waitForMatch(screen, "the screen", pattern, waitOptions);
    },
    async waitForOutput(text, waitOptions) {
      await waitForMatch(() => output, "the output", text, waitOptions);
    },
    waitForExit(waitOptions) {
      const timeout = waitOptions?.timeout ?? DEFAULT_WAIT_MS;
      return waitUntil(
        () => exitStatus,
        () => undefined,
        () => `timed out after ${timeout} ms waiting for process ${pty.pid} to exit`,
        timeout,
      );
    },
    resize(newCols, newRows) {
      xterm.resize(newCols, newRows);
      if (!exitStatus) pty.resize(newCols, newRows);
    },
    kill,
    async dispose() {
      if (disposed) return;
      await kill("SIGKILL");
      disposed = true;
      observers.clear();
      xterm.dispose();
      await options.onDispose?.();
    },
  };
}
