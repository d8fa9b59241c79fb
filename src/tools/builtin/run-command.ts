import { type ChildProcess, spawn } from "node:child_process";
import { z } from "zod";
import { errorText } from "../../utils/errors.js";
import type { Tool, ToolOutcome, ToolPreview, ToolProgress } from "../types.js";
import { type BuiltinLimits, errorResult, parseArgs, schemaFields, short } from "./common.js";
import { findExecutable } from "./search.js";

const RunCommandArgs = z.object({
  command: z.string().trim().min(1).describe("The shell command line to run (bash)."),
  timeout_seconds: z
    .number()
    .positive()
    .optional()
    .describe("Seconds before the command is killed; default 120, at most 600."),
});

/** Options of `createRunCommandTool`. */
export interface RunCommandOptions {
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
  readonly limits: BuiltinLimits;
  /** Shell and its flag, e.g. `["bash", "-c"]`; default bash, else sh. */
  readonly shell?: readonly string[];
  /** Between SIGTERM and SIGKILL to the process group. */
  readonly killGraceMs?: number;
  /** Between progress reports of streamed output. */
  readonly progressIntervalMs?: number;
}

/**
 * `run_command`: runs a command line with `bash -c` in the project directory. A shell string
 * is what a coding agent needs (pipes, &&, globs), so nothing here makes it safe to run
 * untrusted text: the safety is the permission prompt, which shows the exact command line
 * (`preview`), and rules matched against every simple command of the parsed line (see
 * permission-rules.ts and shell-walk.ts).
 *
 * The command runs in its own process group (detached), so a timeout or Esc kills it and
 * everything it started; background jobs do not outlive the call.
 */
export function createRunCommandTool(options: RunCommandOptions): Tool {
  const { project, limits } = options;
  let shell: Promise<readonly string[]> | undefined;
  const resolveShell = (): Promise<readonly string[]> => {
    shell ??= options.shell
      ? Promise.resolve(options.shell)
      : findExecutable("bash", options.env).then((bash) =>
          bash ? [bash, "-c"] : ["/bin/sh", "-c"],
        );
    return shell;
  };
  return {
    name: "run_command",
    description:
      "Run a shell command (bash -c) in the project directory and return its combined stdout and stderr " +
      `and exit code. Times out after ${limits.commandTimeoutMs / 1000} s unless timeout_seconds says otherwise (at most ${limits.maxCommandTimeoutMs / 1000}). ` +
      "Standard input is closed; do not run interactive programs or servers that never exit. " +
      "Long output keeps its beginning and end. Prefer read_file, grep, glob and list_dir for reading files.",
    effect: "execute",
    ...schemaFields(RunCommandArgs, ({ command }) => short(command, 100)),
    access(args) {
      const parsed = RunCommandArgs.safeParse(args);
      return parsed.success ? { paths: [], command: parsed.data.command } : null;
    },
    async preview(args): Promise<ToolPreview | undefined> {
      const parsed = RunCommandArgs.safeParse(args);
      return parsed.success
        ? { kind: "command", command: parsed.data.command, cwd: project }
        : undefined;
    },
    async execute(args, { signal, onProgress }): Promise<ToolOutcome> {
      const parsed = parseArgs(RunCommandArgs, args);
      if (!parsed.ok) return parsed.outcome;
      if (signal.aborted) return { status: "cancelled" };
      const seconds = parsed.value.timeout_seconds;
      const timeoutMs = Math.min(
        seconds === undefined ? limits.commandTimeoutMs : seconds * 1000,
        limits.maxCommandTimeoutMs,
      );
      const [program, ...flags] = await resolveShell();
      if (!program) return errorResult("no shell configured");
      const result = await runProcess({
        program,
        args: [...flags, parsed.value.command],
        cwd: project,
        env: {
          ...options.env,
          // Nothing may wait for a person: no pager, no credential prompt.
          PAGER: "cat",
          GIT_PAGER: "cat",
          GIT_TERMINAL_PROMPT: "0",
        },
        timeoutMs,
        signal,
        maxChars: limits.maxOutputChars,
        killGraceMs: options.killGraceMs ?? 2000,
        progressIntervalMs: options.progressIntervalMs ?? 100,
        ...(onProgress && { onProgress }),
      });
      return commandOutcome(result, timeoutMs);
    },
  };
}

/** How a process run ended. */
export interface ProcessResult {
  readonly end: "exit" | "timeout" | "aborted" | "spawn-error";
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved as they arrived, cut in the middle when too long. */
  readonly output: string;
  readonly error?: string;
}

/** Inputs of `runProcess`. */
export interface RunProcessOptions {
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly maxChars: number;
  readonly killGraceMs: number;
  readonly progressIntervalMs: number;
  /** Receives the last lines of output as they arrive. */
  readonly onProgress?: (progress: ToolProgress) => void;
}

/** Runs a program in its own process group; kills the whole group on timeout or abort. */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const output = createOutputBuffer(options.maxChars);
    const posix = process.platform !== "win32";
    let child: ChildProcess;
    try {
      child = spawn(options.program, [...options.args], {
        cwd: options.cwd,
        env: options.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: posix,
      });
    } catch (error) {
      resolve(spawnFailure(error));
      return;
    }
    let end: ProcessResult["end"] = "exit";
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let progressTimer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        if (posix) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // The group is already gone.
      }
    };
    const terminate = (why: "timeout" | "aborted"): void => {
      if (exit || end !== "exit") return;
      end = why;
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), options.killGraceMs);
    };
    const onAbort = (): void => terminate("aborted");
    options.signal.addEventListener("abort", onAbort, { once: true });
    const timeout = setTimeout(() => terminate("timeout"), options.timeoutMs);

    const finish = (result: ProcessResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      if (progressTimer) {
        clearTimeout(progressTimer);
        if (result.end === "exit") report();
      }
      options.signal.removeEventListener("abort", onAbort);
      // Whatever the command left running in its group (background jobs) goes with it.
      killGroup("SIGKILL");
      clearTimeout(killTimer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(result);
    };
    const report = (): void => {
      progressTimer = undefined;
      options.onProgress?.({ message: output.tail(10, 2000) });
    };
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString("utf8"));
      if (options.onProgress && !progressTimer)
        progressTimer = setTimeout(report, options.progressIntervalMs);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("error", (error) => finish({ ...spawnFailure(error), output: output.text() }));
    child.on("exit", (code, sig) => {
      exit = { code, signal: sig };
      // Give the pipes a moment to drain; a background job holding them must not hold us.
      setTimeout(() => finish({ end, code, signal: sig, output: output.text() }), 200);
    });
    child.on("close", () => {
      if (exit) finish({ end, code: exit.code, signal: exit.signal, output: output.text() });
    });
  });
}

function spawnFailure(error: unknown): ProcessResult {
  return {
    end: "spawn-error",
    code: null,
    signal: null,
    output: "",
    error: errorText(error),
  };
}

/** Keeps the first and last part of a stream of text, never more than about `max` chars. */
function createOutputBuffer(max: number): {
  push(text: string): void;
  text(): string;
  tail(lines: number, chars: number): string;
} {
  const headMax = Math.floor(max * 0.4);
  const tailMax = max - headMax;
  let head = "";
  let tail = "";
  let total = 0;
  return {
    push(text) {
      total += text.length;
      if (head.length < headMax) {
        const room = headMax - head.length;
        head += text.slice(0, room);
        text = text.slice(room);
      }
      if (text === "") return;
      tail += text;
      if (tail.length > tailMax * 2) tail = tail.slice(tail.length - tailMax);
    },
    text() {
      if (total <= max) return head + tail;
      const end = tail.slice(-tailMax);
      return `${head}\n[... ${total - head.length - end.length} characters of output omitted ...]\n${end}`;
    },
    tail(lines, chars) {
      const recent = (head + tail).slice(-chars).split("\n");
      if (recent.at(-1) === "") recent.pop();
      return recent.slice(-lines).join("\n");
    },
  };
}

function commandOutcome(result: ProcessResult, timeoutMs: number): ToolOutcome {
  const text = result.output.trimEnd();
  const content = text === "" ? [] : [{ type: "text" as const, text }];
  switch (result.end) {
    case "aborted":
      return { status: "cancelled" };
    case "spawn-error":
      return errorResult(`could not start the command: ${result.error ?? "unknown error"}`);
    case "timeout":
      return {
        status: "error",
        message: `timed out after ${timeoutMs / 1000} s; the command and its child processes were killed`,
        content,
      };
    case "exit":
      if (result.code === 0)
        return {
          status: "ok",
          content: [{ type: "text", text: text === "" ? "(no output; exit code 0)" : text }],
        };
      return {
        status: "error",
        message:
          result.code === null
            ? `the command was killed by ${result.signal ?? "a signal"}`
            : `exit code ${result.code}`,
        content,
      };
  }
}
