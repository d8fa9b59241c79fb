import { HELP_TEXT, parseCliArgs, USAGE_LINE } from "./cli-args.js";
import { ConfigError } from "./config/errors.js";
import { loadConfig, type WrenConfig } from "./config/load.js";
import { resolvePaths, type WrenPaths } from "./utils/paths.js";
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

/** Exit code for usage and configuration errors. */
const EXIT_USAGE = 2;

/**
 * Runs wren for one command line and resolves with the exit code. This is the one place
 * where errors become text for the terminal; heavy modules load only for the mode chosen.
 */
export async function runCli(io: CliIo): Promise<number> {
  const request = parseCliArgs(io.argv, io.env);
  const fail = (message: string, code = EXIT_USAGE): number => {
    io.stderr.write(`wren: ${message}\n`);
    return code;
  };
  /** Loads the configuration, or prints its problems and returns exit code 2. */
  const loadOrFail = async (paths: WrenPaths): Promise<WrenConfig | number> => {
    try {
      return await loadConfig({
        paths,
        env: io.env,
        ...("options" in request &&
          request.options.mcpConfig !== undefined && { extraMcpConfig: request.options.mcpConfig }),
      });
    } catch (error) {
      if (error instanceof ConfigError) return fail(`invalid configuration:\n${error.message}`);
      throw error;
    }
  };
  switch (request.kind) {
    case "help":
      io.stdout.write(HELP_TEXT);
      return 0;
    case "version":
      io.stdout.write(`${VERSION}\n`);
      return 0;
    case "usage-error":
      return fail(`${request.message}\n${USAGE_LINE}`);
    case "auth-mcp":
    case "mcp": {
      const { runMcpCli } = await import("./mcp/cli.js");
      const argv = request.kind === "auth-mcp" ? ["auth", request.server] : request.argv;
      return runMcpCli(argv, {
        stdin: io.stdin,
        ...(request.options.noBrowser && { noBrowser: true }),
        interactive: io.stdin.isTTY === true && io.stderr.isTTY === true,
        stdout: io.stdout,
        stderr: io.stderr,
        env: io.env,
        cwd: io.cwd,
        paths: resolvePaths(io.env, io.cwd),
        ...(request.options.mcpConfig !== undefined && {
          extraMcpConfig: request.options.mcpConfig,
        }),
      });
    }
    case "print": {
      const paths = resolvePaths(io.env, io.cwd);
      const config = await loadOrFail(paths);
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
        return await runPrint({
          paths,
          config,
          env: io.env,
          prompt,
          ...(stdin !== undefined && { stdin }),
          outputFormat: request.outputFormat,
          allowedTools: request.allowedTools,
          ...(request.resume && { resume: request.resume }),
          ...(request.options.model !== undefined && { model: request.options.model }),
          stdout: io.stdout,
          stderr: io.stderr,
          signal: controller.signal,
        });
      } finally {
        process.off("SIGINT", onSignal);
      }
    }
    case "repl": {
      if (!io.stdin.isTTY) {
        return fail('the REPL needs a terminal; to run one prompt from a script use wren -p "..."');
      }
      // Start loading Ink and the app while the config files are read.
      const repl = import("./app/run-repl.js");
      repl.catch(() => {});
      const paths = resolvePaths(io.env, io.cwd);
      const config = await loadOrFail(paths);
      if (typeof config === "number") return config;
      const { runRepl, ResumeError } = await repl;
      const model = request.options.model ?? config.model;
      return runRepl({
        paths,
        config,
        env: io.env,
        ...(model !== undefined && { model }),
        ...(request.resume && { resume: request.resume }),
        ...(request.options.noBrowser && { noBrowser: true }),
      }).catch((error: unknown) => {
        if (error instanceof ResumeError) return fail(error.message);
        throw error;
      });
    }
  }
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const io: CliIo = {
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
};

runCli(io).then(
  (code) => {
    // Let buffered output reach the terminal before leaving.
    process.stdout.write("", () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(
      `wren: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
