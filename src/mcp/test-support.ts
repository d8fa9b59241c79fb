// Helpers for the MCP tests: temp WREN_HOME paths, server configs for the mocks, and real
// HTTP servers started as subprocesses on ephemeral ports. Used by *.test.ts only.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { RemoteServerConfig, StdioServerConfig } from "../config/schema.js";
import { mockScript } from "../test-utils/mock-bundles.js";
import { type StartedMock, startMock } from "../test-utils/start-mock.js";
import { resolvePaths, type WrenPaths } from "../utils/paths.js";
import { createMcpManager, type McpManager, type McpManagerOptions } from "./manager.js";

/** The repository root (tests run from it). */
export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const STDIO_MOCK = mockScript("stdio.mjs");
export const HTTP_MOCK = mockScript("http.mjs");
export const MODERN_MOCK = mockScript("http-modern.mjs");
export const EVERYTHING_BIN = join(
  REPO_ROOT,
  "node_modules/@modelcontextprotocol/server-everything/dist/index.js",
);

/**
 * Arguments for `node` that run server-everything over stdio and end it when its stdin closes,
 * so closing it costs no stdin grace period (see mock-mcps/exit-on-stdin-eof.mjs).
 */
export function everythingStdioArgs(): string[] {
  const preload = pathToFileURL(join(REPO_ROOT, "mock-mcps/exit-on-stdin-eof.mjs")).href;
  return ["--import", preload, EVERYTHING_BIN, "stdio"];
}

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
export type TestServer = StartedMock;

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts mock-mcps/http.mjs on an ephemeral port. */
export function startHttpMock(args: readonly string[] = []): Promise<TestServer> {
  return startMock(HTTP_MOCK, ["--port", "0", ...args]);
}

/** Starts mock-mcps/http-modern.mjs (MCP 2026-07-28 on the v2 server SDK) on an ephemeral port. */
export function startModernMock(args: readonly string[] = []): Promise<TestServer> {
  return startMock(MODERN_MOCK, ["--port", "0", ...args]);
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
  return startMock(EVERYTHING_BIN, ["streamableHttp"], {
    env: { PORT: String(port) },
    ready: /listening on port/i,
    readyOn: "stderr",
    port,
  });
}

/**
 * One manager for the tests of a file or describe block, over its own temp WREN_HOME: started
 * before the first test (every server connected), closed after the last. For servers whose
 * calls do not depend on each other, so each test need not start its own. Returns a getter.
 */
export function useSharedManager(options: Omit<McpManagerOptions, "paths">): () => McpManager {
  let manager: McpManager | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const temp = await tempPaths();
    cleanup = temp.cleanup;
    manager = createMcpManager({ ...options, paths: temp.paths });
    manager.start();
    await manager.whenSettled();
    const down = manager.getSnapshot().filter((s) => s.status.state !== "connected");
    if (down.length > 0) {
      throw new Error(`shared servers did not connect: ${down.map((s) => s.name).join(", ")}`);
    }
  });
  afterAll(async () => {
    await manager?.close();
    await cleanup?.();
  });
  return () => {
    if (!manager) throw new Error("useSharedManager(): its beforeAll has not run");
    return manager;
  };
}

/** Generous waits for `expect.poll`: these machines are small and often busy. */
export const POLL = { timeout: 10_000 };

/** What a test opened and must close: a connection, a manager. */
interface Closable {
  close(): Promise<void>;
}

/** Per test: a fresh temp WREN_HOME and project, and what the test opened, closed after it. */
export interface TempHome {
  /** This test's paths (read inside a test: they are made before each). */
  readonly paths: WrenPaths;
  /** Closes `item` after the test (before the servers stop); returns it. */
  closeAfter<T extends Closable>(item: T): T;
  /** Stops the servers after the test, once what was opened on them is closed. */
  stopAfter(...servers: TestServer[]): void;
}

/** Registers the hooks of a file whose tests each get a temp home (see TempHome). */
export function useTempHome(): TempHome {
  let current: { paths: WrenPaths; cleanup: () => Promise<void> } | undefined;
  const open: Closable[] = [];
  const servers: TestServer[] = [];
  beforeEach(async () => {
    current = await tempPaths();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((item) => item.close()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    await current?.cleanup();
    current = undefined;
  });
  return {
    get paths() {
      if (!current) throw new Error("useTempHome: the paths exist only inside a test");
      return current.paths;
    },
    closeAfter(item) {
      open.push(item);
      return item;
    },
    stopAfter(...started) {
      servers.push(...started);
    },
  };
}
