// Helpers for the MCP tests: temp WREN_HOME paths, server configs for the mocks, and real
// HTTP servers started as subprocesses on ephemeral ports. Used by *.test.ts only.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { RemoteServerConfig, StdioServerConfig } from "../config/schema.js";
import { resolvePaths, type WrenPaths } from "../utils/paths.js";

/** The repository root (tests run from it). */
export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const STDIO_MOCK = join(REPO_ROOT, "mock-mcps/stdio.mjs");
export const HTTP_MOCK = join(REPO_ROOT, "mock-mcps/http.mjs");
export const MODERN_MOCK = join(REPO_ROOT, "mock-mcps/http-modern.mjs");
export const EVERYTHING_BIN = join(
  REPO_ROOT,
  "node_modules/@modelcontextprotocol/server-everything/dist/index.js",
);

/** A temp directory used as both WREN_HOME and the project; `cleanup` removes it. */
export async function tempPaths(): Promise<{ paths: WrenPaths; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "wren-mcp-"));
  const paths = resolvePaths({ WREN_HOME: join(dir, "home") }, join(dir, "project"));
  await mkdir(paths.project, { recursive: true });
  return { paths, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A stdio server config running mock-mcps/stdio.mjs with the given flags. */
export function stdioMock(
  name: string,
  args: readonly string[] = [],
  extra: Partial<StdioServerConfig> = {},
): StdioServerConfig {
  return {
    name,
    type: "stdio",
    command: process.execPath,
    args: [STDIO_MOCK, ...args],
    env: {},
    enabled: true,
    source: "test",
    ...extra,
  };
}

/** A remote server config for `url`. */
export function remoteServer(
  name: string,
  url: string,
  extra: Partial<RemoteServerConfig> = {},
): RemoteServerConfig {
  return {
    name,
    type: "http",
    url,
    headers: {},
    oauth: {},
    enabled: true,
    source: "test",
    ...extra,
  };
}

/** A server process started by a test. */
export interface TestServer {
  readonly port: number;
  readonly child: ChildProcess;
  /** Ends the process (SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
}

function waitForLine(child: ChildProcess, pattern: RegExp, stream: "stdout" | "stderr") {
  return new Promise<RegExpMatchArray>((resolveLine, reject) => {
    const source = child[stream];
    if (!source) throw new Error(`child has no ${stream}`);
    const lines = createInterface({ input: source });
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern}`)), 10_000);
    lines.on("line", (line) => {
      const match = pattern.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolveLine(match);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready`));
    });
  });
}

/** Starts mock-mcps/http.mjs on an ephemeral port. */
export async function startHttpMock(args: readonly string[] = []): Promise<TestServer> {
  const child = spawn(process.execPath, [HTTP_MOCK, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.resume();
  const match = await waitForLine(child, /^listening on (\d+)$/, "stdout");
  return { port: Number(match[1]), child, stop: () => stopChild(child) };
}

/** Starts mock-mcps/http-modern.mjs (MCP 2026-07-28 on the v2 server SDK) on an ephemeral port. */
export async function startModernMock(args: readonly string[] = []): Promise<TestServer> {
  const child = spawn(process.execPath, [MODERN_MOCK, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.resume();
  const match = await waitForLine(child, /^listening on (\d+)$/, "stdout");
  return { port: Number(match[1]), child, stop: () => stopChild(child) };
}

/** A port nobody listens on right now (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts `@modelcontextprotocol/server-everything` in Streamable HTTP mode. */
export async function startEverythingHttp(): Promise<TestServer> {
  // It cannot report an ephemeral port, so pick a free one first.
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING_BIN, "streamableHttp"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: String(port) },
  });
  child.stdout?.resume();
  await waitForLine(child, /listening on port/i, "stderr");
  child.stderr?.resume();
  return { port, child, stop: () => stopChild(child) };
}
