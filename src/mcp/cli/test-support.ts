// The `wren mcp` tests' harness: a temp home per test, argv in, exit code and output out.
import { mkdir, writeFile } from "node:fs/promises";
import { afterEach, beforeEach } from "vitest";
import { runMcpCli } from "../../cli.js";
import type { WrenPaths } from "../../utils/paths.js";
import { tempPaths } from "../test-support.js";
import type { McpCliIo } from "./cli.js";

/** What `wren mcp ...` did: its exit code and what it wrote. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `wren mcp` in a temp home, made before each test and removed after it. */
export interface McpCliHome {
  /** This test's paths (read inside a test). */
  readonly paths: WrenPaths;
  /** Runs `wren mcp ARGV` through the CLI edge, as the binary does. */
  run(argv: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** Writes the user settings with these `mcpServers`. */
  settings(servers: Record<string, unknown>): Promise<void>;
}

/** Registers the hooks of a `wren mcp` test file (see McpCliHome). */
export function useMcpCli(): McpCliHome {
  let current: { paths: WrenPaths; cleanup: () => Promise<void> } | undefined;
  beforeEach(async () => {
    current = await tempPaths();
    await mkdir(current.paths.home, { recursive: true });
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  const paths = (): WrenPaths => {
    if (!current) throw new Error("useMcpCli: the paths exist only inside a test");
    return current.paths;
  };
  return {
    get paths() {
      return paths();
    },
    async run(argv, env = {}) {
      let stdout = "";
      let stderr = "";
      const io: McpCliIo = {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        env,
        cwd: paths().project,
        paths: paths(),
      };
      const code = await runMcpCli(argv, io);
      return { code, stdout, stderr };
    },
    async settings(servers) {
      await writeFile(paths().userSettings, JSON.stringify({ mcpServers: servers }, null, 2));
    },
  };
}
