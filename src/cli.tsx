import { HELP_TEXT, parseCliArgs, USAGE_LINE } from "./cli-args.js";
import { readOnce, readTextIfExists } from "./config/document.js";
import { ConfigError } from "./config/errors.js";
import { loadConfig, type WrenConfig } from "./config/load.js";
import {
  isTrusted,
  type ProjectTrust,
  recordedDecision,
  recordTrust,
  resolveProjectTrust,
  shouldAsk,
} from "./config/trust.js";
import {
  describeInspection,
  displayFolder,
  trustReport,
  untrustedNotice,
  untrustedWarning,
} from "./config/trust-text.js";
import type { McpCliIo } from "./mcp/cli/cli.js";
import { type CommandOutcome, errorText, UsageError } from "./utils/errors.js";
import { resolvePaths, type WrenPaths } from "./utils/paths.js";
import { safeText, safeWriter } from "./utils/terminal-text.js";
import { VERSION } from "./version.js";

/** The process's streams and environment, passed in so the CLI can be driven by tests. */
export interface CliIo {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
}

/**
 * wren's exit codes, the contract of the design page and README: 0 ok, 1 the task failed,
 * 2 usage or configuration error. Defined here and nowhere else.
 */
const EXIT: Readonly<Record<CommandOutcome, number>> = { ok: 0, failed: 1, usage: 2 };

/**
 * An error thrown by a command as its line on stderr and exit code: usage and configuration
 * mistakes exit 2, everything else 1. The one place (with `runCli`) where errors become text.
 */
/** Writes the one line a failure gets and returns its exit code (the only such mapping). */
export function reportError(error: unknown, stderr: { write(text: string): unknown }): number {
  if (error instanceof ConfigError) {
    stderr.write(`wren: invalid configuration:\n${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    stderr.write(`wren: ${error.message}\n`);
    return EXIT.usage;
  }
  // A TaskFailedError is already worded for the CLI; any other failure says what it is.
  stderr.write(`wren: ${errorText(error)}\n`);
  return EXIT.failed;
}

/**
 * Runs `wren mcp <argv...>` and returns the exit code: 0 ok, 1 the task failed (a server
 * could not be reached, a tool returned isError), 2 usage or configuration error.
 */
export async function runMcpCli(argv: readonly string[], foreignIo: McpCliIo): Promise<number> {
  // Server names, tool names and descriptions, results and error texts come from config and
  // servers: everything written passes the terminal-text sanitizer (JSON is written with
  // terminalJson, which it leaves unchanged).
  const io: McpCliIo = {
    ...foreignIo,
    stdout: safeWriter(foreignIo.stdout),
    stderr: safeWriter(foreignIo.stderr),
  };
  try {
    // Loaded for `wren mcp` only: the REPL's startup does not carry its usage texts.
    const { parseMcpArgs } = await import("./mcp/cli/cli-args.js");
    const command = parseMcpArgs(argv);
    if (command.kind === "help") {
      (command.asked ? io.stdout : io.stderr).write(`${command.text}\n`);
      return command.asked ? EXIT.ok : EXIT.usage;
    }
    const { runMcpCommand } = await import("./mcp/cli/cli.js");
    return EXIT[await runMcpCommand(command, io)];
  } catch (error) {
    return reportError(error, io.stderr);
  }
}

/**
 * Runs wren for one command line and resolves with the exit code; never rejects. This is the
 * one place where errors become text for the terminal; heavy modules load only for the mode
 * chosen.
 */
export async function runCli(io: CliIo): Promise<number> {
  try {
    return await runRequest(io);
  } catch (error) {
    io.stderr.write(
      `wren: unexpected error: ${safeText(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    return EXIT.failed;
  }
}

async function runRequest(io: CliIo): Promise<number> {
  const request = parseCliArgs(io.argv, io.env);
  // Each file read once per run: the config that loads is the very text whose trust was
  // decided (and shown in the trust question), not a second read that could differ.
  const readText = readOnce(readTextIfExists);
  // Messages carry config values, paths and server texts: sanitized for the terminal.
  const fail = (message: string, code = EXIT.usage): number => {
    io.stderr.write(`wren: ${safeText(message)}\n`);
    return code;
  };
  /** Loads the configuration, or prints its problems and returns exit code 2. */
  const loadOrFail = async (
    paths: WrenPaths,
    trust: ProjectTrust,
  ): Promise<WrenConfig | number> => {
    try {
      return await loadConfig({
        paths,
        env: io.env,
        readText,
        trustProject: isTrusted(trust),
        ...("options" in request &&
          request.options.mcpConfig !== undefined && { extraMcpConfig: request.options.mcpConfig }),
      });
    } catch (error) {
      if (error instanceof ConfigError) return fail(`invalid configuration:\n${error.message}`);
      throw error;
    }
  };
  /**
   * The trust of a run that never asks (`-p`, `wren mcp ...`): a recorded decision or the
   * override, else the project config is ignored with one line on stderr.
   */
  const nonInteractiveTrust = async (paths: WrenPaths, warn: boolean): Promise<ProjectTrust> => {
    const trust = await resolveProjectTrust({
      paths,
      readText,
      override: "options" in request && request.options.trustProject,
    });
    const warning = untrustedWarning(trust);
    if (warn && warning) io.stderr.write(`wren: ${warning}\n`);
    return trust;
  };
  switch (request.kind) {
    case "help":
      io.stdout.write(HELP_TEXT);
      return EXIT.ok;
    case "version":
      io.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    case "usage-error":
      return fail(`${request.message}\n${USAGE_LINE}`);
    case "auth-mcp":
    case "mcp": {
      const argv = request.kind === "auth-mcp" ? ["auth", request.server] : request.argv;
      const paths = resolvePaths(io.env, io.cwd);
      // Editing commands read no server config, so they have nothing to warn about.
      const readsConfig = ![
        "add",
        "add-json",
        "remove",
        "help",
        "--help",
        "-h",
        undefined,
      ].includes(argv[0]);
      const trust = await nonInteractiveTrust(paths, readsConfig);
      return runMcpCli(argv, {
        trustProject: isTrusted(trust),
        stdin: io.stdin,
        ...(request.options.noBrowser && { noBrowser: true }),
        interactive: io.stdin.isTTY === true && io.stderr.isTTY === true,
        stdout: io.stdout,
        stderr: io.stderr,
        env: io.env,
        cwd: io.cwd,
        paths,
        ...(request.options.mcpConfig !== undefined && {
          extraMcpConfig: request.options.mcpConfig,
        }),
      });
    }
    case "trust":
      return runTrust(io, request.revoke);
    case "print": {
      const paths = resolvePaths(io.env, io.cwd);
      const config = await loadOrFail(paths, await nonInteractiveTrust(paths, true));
      if (typeof config === "number") return config;
      for (const warning of config.warnings) io.stderr.write(`wren: warning: ${warning}\n`);
      const piped = io.stdin.isTTY ? undefined : (await readAll(io.stdin)).trimEnd();
      // `echo task | wren -p`: the piped text is the prompt; with -p "..." it is appended.
      const prompt = request.prompt.trim() === "" ? (piped ?? "") : request.prompt;
      const stdin = prompt === request.prompt && piped?.trim() ? piped : undefined;
      if (prompt.trim() === "") {
        return fail(
          `-p needs a prompt: wren -p "..." or pipe it in (echo "..." | wren -p)\n${USAGE_LINE}`,
        );
      }
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once("SIGINT", onSignal);
      try {
        const { runPrint } = await import("./app/print-mode.js");
        const outcome = await runPrint({
          paths,
          config,
          env: io.env,
          prompt,
          ...(stdin !== undefined && { stdin }),
          outputFormat: request.outputFormat,
          allowedTools: request.allowedTools,
          ...(request.resume && { resume: request.resume }),
          ...(request.options.model !== undefined && { model: request.options.model }),
          // The answer, tool lines and errors are model and server text (JSON output is
          // written with terminalJson, which the sanitizer leaves unchanged).
          stdout: safeWriter(io.stdout),
          stderr: safeWriter(io.stderr),
          signal: controller.signal,
        });
        return EXIT[outcome];
      } finally {
        process.off("SIGINT", onSignal);
      }
    }
    case "repl": {
      if (!io.stdin.isTTY) {
        return fail('the REPL needs a terminal; to run one prompt from a script use wren -p "..."');
      }
      const paths = resolvePaths(io.env, io.cwd);
      let trust = await resolveProjectTrust({
        paths,
        readText,
        override: request.options.trustProject,
      });
      let repl: Promise<typeof import("./app/run-repl.js")>;
      if (shouldAsk(trust)) {
        // The question comes first, before MCP or the app load: nothing in the project config
        // may run until the user has answered.
        const { askTrust } = await import("./app/ask-trust.js");
        const answer = askTrust({
          folder: displayFolder(trust.inspection.folder, io.env.HOME),
          files: trust.inspection.files,
          effects: describeInspection(trust.inspection),
          changed: trust.kind === "untrusted" && trust.why === "changed",
        });
        // Load the app while the user reads the question.
        repl = import("./app/run-repl.js");
        repl.catch(() => {});
        const decided = await answer;
        if (decided === "quit") return EXIT.ok;
        if (decided === "trust" || decided === "distrust") {
          await recordTrust(paths, trust.inspection, decided === "trust");
        }
        trust =
          decided === "trust"
            ? { kind: "trusted", by: "decision", inspection: trust.inspection }
            : trust;
      } else {
        repl = import("./app/run-repl.js");
        repl.catch(() => {});
      }
      const config = await loadOrFail(paths, trust);
      if (typeof config === "number") return config;
      const { runRepl, ResumeError } = await repl;
      const notice = untrustedNotice(trust);
      const model = request.options.model ?? config.model;
      return runRepl({
        paths,
        config,
        env: io.env,
        ...(model !== undefined && { model }),
        ...(request.resume && { resume: request.resume }),
        ...(request.options.noBrowser && { noBrowser: true }),
        projectTrusted: isTrusted(trust),
        ...(notice !== undefined && { notices: [notice] }),
      }).then(
        () => EXIT.ok,
        (error: unknown) => {
          if (error instanceof ResumeError) return fail(error.message);
          throw error;
        },
      );
    }
  }
}

/**
 * `wren trust [--revoke]`: shows what this folder's project config would do and records the
 * decision. Typing the command is the consent, as with `direnv allow` or `mise trust`.
 */
async function runTrust(io: CliIo, revoke: boolean): Promise<number> {
  const paths = resolvePaths(io.env, io.cwd);
  const before = await resolveProjectTrust({ paths });
  const record = await recordedDecision(paths, before.inspection);
  for (const line of trustReport(before, record, io.env.HOME)) io.stdout.write(`${line}\n`);
  if (before.kind === "nothing-to-trust") return EXIT.ok;
  await recordTrust(paths, before.inspection, !revoke);
  io.stdout.write(
    revoke
      ? "Now not trusted: wren ignores this folder's project config (deny rules and display still apply).\n"
      : "Now trusted: wren uses this folder's project config until it changes (undo: wren trust --revoke).\n",
  );
  return EXIT.ok;
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
