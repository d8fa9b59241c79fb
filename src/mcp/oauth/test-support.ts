// Test helpers for the OAuth tests: the mock OAuth server as a subprocess, and the fake browser.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { reportError } from "../../cli.js";
import { mockScript } from "../../test-utils/mock-bundles.js";
import { type StartedMock, startMock } from "../../test-utils/start-mock.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");

/** The fake browser script (executable), for `BROWSER`. */
export const FAKE_BROWSER = join(here, "fixtures", "fake-browser.mjs");
/** The built binary (`npm run build` first). */
export const WREN = join(root, "dist", "wren.js");
/** The OAuth mock server script. */
export const OAUTH_MOCK = mockScript("http-oauth.mjs");

/** Counters the mock reports at `/__test/stats`. */
export interface OAuthMockStats {
  readonly register: number;
  readonly authorize: number;
  readonly tokenAuthorizationCode: number;
  readonly tokenRefresh: number;
  readonly tokenClientCredentials: number;
  readonly refreshReuse: number;
  readonly revoke: number;
  readonly mcpRequests: number;
  readonly unauthorized: number;
  readonly insufficientScope: number;
  readonly clients: number;
  readonly maxRefreshPresentations: number;
  readonly revokedFamilies: number;
}

/** A running mock. */
export interface OAuthMock extends StartedMock {
  /** `http://127.0.0.1:<port>`, the issuer. */
  readonly base: string;
  /** `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>/sse`: the same server over the legacy HTTP+SSE transport. */
  readonly sseUrl: string;
  stats(): Promise<OAuthMockStats>;
  /** Calls a `/__test/<name>` hook. */
  hook(name: string, query?: string): Promise<unknown>;
  /** The same as `stop()`. */
  close(): Promise<void>;
}

/** Starts `mock-mcps/http-oauth.mjs` on an ephemeral port. */
export async function startOAuthMock(args: readonly string[] = []): Promise<OAuthMock> {
  const mock = await startMock(OAUTH_MOCK, ["--port", "0", ...args]);
  const base = mock.origin;
  return {
    ...mock,
    base,
    url: `${base}/mcp`,
    sseUrl: `${base}/sse`,
    async stats() {
      const response = await fetch(`${base}/__test/stats`);
      return (await response.json()) as OAuthMockStats;
    },
    async hook(name, query = "") {
      const response = await fetch(`${base}/__test/${name}${query ? `?${query}` : ""}`, {
        method: "POST",
      });
      return response.json();
    },
    close: mock.stop,
  };
}

/** A finished process: its exit code and what it wrote. */
export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node ARGS` (wren's binary, a worker) to its exit, collecting its output. */
export function runNode(
  args: readonly string[],
  options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string },
): Promise<ProcessRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The terminal of an in-process `wren mcp` run: output captured, stdin a stream to write to. */
export interface CapturedTerminal {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdin: PassThrough;
  readonly env: NodeJS.ProcessEnv;
  /** What was written to stdout so far. */
  out(): string;
  /** What was written to stderr so far. */
  err(): string;
}

/** A {@link CapturedTerminal} with only PATH in its environment. */
export function capturedTerminal(): CapturedTerminal {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    stdin: new PassThrough(),
    env: { PATH: process.env.PATH },
    out: () => out,
    err: () => err,
  };
}

/** What `wren mcp auth` would exit with for this run, its error line written as the CLI does. */
export function exitOf(
  run: Promise<void>,
  cli: { stderr: { write(text: string): unknown } },
): Promise<number> {
  return run.then(
    () => 0,
    (error: unknown) => reportError(error, cli.stderr),
  );
}
