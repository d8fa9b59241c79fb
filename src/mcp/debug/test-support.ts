// The `wren mcp debug` integration tests' harness: homes whose settings name the servers,
// the command run through the CLI edge, and a sign-in through the paste flow.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, expect } from "vitest";
import { runMcpCli } from "../../cli.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { runAuthCli } from "../oauth/cli.js";
import { remoteServer } from "../test-support.js";

/** What `wren mcp debug` did: its exit code and what it wrote. */
export interface DebugRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Homes in one temp directory (the project too) for a file's tests; removed after them. */
export interface DebugHomes {
  /** A fresh WREN_HOME whose user settings hold `servers`. */
  home(name: string, servers: Record<string, unknown>): Promise<WrenPaths>;
  /** Runs `wren mcp debug ARGS` in that home. */
  debug(paths: WrenPaths, args: readonly string[]): Promise<DebugRun>;
}

/** Registers the hooks that make and remove the directory (see DebugHomes). */
export function useDebugHomes(): DebugHomes {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wren-mcp-debug-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });
  return {
    async home(name, servers) {
      const paths = resolvePaths({ WREN_HOME: join(dir, name) }, dir);
      await mkdir(paths.home, { recursive: true });
      await writeFile(paths.userSettings, JSON.stringify({ mcpServers: servers }));
      return paths;
    },
    async debug(paths, args) {
      let out = "";
      let err = "";
      const code = await runMcpCli(["debug", ...args], {
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: (t: string) => (err += t) },
        env: { PATH: process.env.PATH },
        cwd: dir,
        paths,
        connectTimeoutMs: 15_000,
      });
      return { code, out, err };
    },
  };
}

/** Signs in to `url` as `demo` through the paste flow (the mock approves at once). */
export async function signIn(
  paths: WrenPaths,
  url: string,
  env: NodeJS.ProcessEnv = { PATH: process.env.PATH },
  browser: (authorizationUrl: string) => Promise<string> = async (authorizationUrl) => {
    const response = await fetch(authorizationUrl, { redirect: "manual" });
    return response.headers.get("location") ?? "";
  },
): Promise<void> {
  let out = "";
  const stdin = new PassThrough();
  const running = runAuthCli(remoteServer("demo", url), {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: () => true },
    stdin,
    env,
    paths,
    noBrowser: true,
    oauth: { platform: "linux" },
  });
  // The authorization URL, printed on a line of its own (its path is the server's choice).
  const AUTHORIZE = /^(http:\S+\?\S*response_type=code\S*)$/m;
  await expect.poll(() => AUTHORIZE.test(out), { timeout: 15_000 }).toBe(true);
  const authorize = AUTHORIZE.exec(out)?.[1] ?? "";
  stdin.write(`${await browser(authorize)}\n`);
  await running; // throws when the sign-in fails
}
