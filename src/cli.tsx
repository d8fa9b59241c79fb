import { HELP_TEXT, parseCliArgs, USAGE_LINE } from "./cli-args.js";
import { ConfigError } from "./config/errors.js";
import { loadConfig } from "./config/load.js";
import { resolvePaths } from "./utils/paths.js";
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
  switch (request.kind) {
    case "help":
      io.stdout.write(HELP_TEXT);
      return 0;
    case "version":
      io.stdout.write(`${VERSION}\n`);
      return 0;
    case "usage-error":
      return fail(`${request.message}\n${USAGE_LINE}`);
    case "print":
      return fail("print mode (-p) is not available yet");
    case "auth-mcp":
      return fail("--auth-mcp is not available yet");
    case "mcp":
      return fail("wren mcp is not available yet");
    case "repl": {
      if (request.resume) return fail("--continue and --resume are not available yet");
      if (!io.stdin.isTTY) {
        return fail('the REPL needs a terminal; to run one prompt from a script use wren -p "..."');
      }
      // Start loading Ink and the app while the config files are read.
      const repl = import("./app/run-repl.js");
      repl.catch(() => {});
      const paths = resolvePaths(io.env, io.cwd);
      let config: Awaited<ReturnType<typeof loadConfig>>;
      try {
        config = await loadConfig({
          paths,
          env: io.env,
          ...(request.options.mcpConfig !== undefined && {
            extraMcpConfig: request.options.mcpConfig,
          }),
        });
      } catch (error) {
        if (error instanceof ConfigError) return fail(`invalid configuration:\n${error.message}`);
        throw error;
      }
      const { runRepl } = await repl;
      const model = request.options.model ?? config.model;
      return runRepl({ paths, config, env: io.env, ...(model !== undefined && { model }) });
    }
  }
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
