// Starts mock-mcps/model-server.mjs for tests (provider, agent, print mode, terminal tests).
// Used by *.test.ts only.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, onTestFinished } from "vitest";
import { mockScript } from "../test-utils/mock-bundles.js";
import {
  type ModelServer,
  type ModelServerOptions,
  type ScriptTurn,
  startModelServerScript,
} from "../test-utils/model-server.js";

export type {
  ModelServer,
  ModelServerOptions,
  RecordedRequest,
  ScriptStep,
  ScriptTurn,
} from "../test-utils/model-server.js";

/** The scripted mock model server. */
export const MODEL_SERVER = mockScript("model-server.mjs");

/** Starts the mock model server on an ephemeral port and waits for `listening on N`. */
export function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  return startModelServerScript(MODEL_SERVER, options);
}

/** Options of {@link mockModelHome}. */
export interface ModelHomeOptions {
  readonly apiKey?: string;
  /** Top-level settings keys added to settings.json. */
  readonly settings?: Record<string, unknown>;
}

/** A WREN_HOME set up for the mock model, and the server it talks to. */
export interface ModelHome {
  readonly server: ModelServer;
  readonly home: string;
}

/**
 * A fresh WREN_HOME whose settings.json selects `mock/mock-model`, with the `mock` provider
 * pointed at a new mock model server playing `script`. `settings` adds top-level keys; the
 * server stops when the current test ends.
 */
export async function mockModelHome(
  script: readonly ScriptTurn[],
  options: ModelHomeOptions = {},
): Promise<ModelHome> {
  const server = await startModelServer({ script });
  onTestFinished(() => server.stop());
  return { server, home: await writeModelHome(server, options) };
}

/**
 * {@link mockModelHome} over one mock model server for the whole file, started before its first
 * test and stopped after its last: each home replays its script from the start against a
 * cleared request log. Tests in a file run one at a time, so none sees another's turns; a test
 * that needs two servers at once starts its own. Call it at the top of a test file.
 */
export function useModelHomes(): typeof mockModelHome {
  const server = useModelServer();
  return async (script, options = {}) => {
    const shared = await server(script);
    return { server: shared, home: await writeModelHome(shared, options) };
  };
}

/**
 * One mock model server for the whole test file, started before its first test and stopped
 * after its last; each call replays `script` from the start against a cleared request log.
 * A test that needs other start options (`requireKey`) starts its own. Call it at the top of
 * a test file.
 */
export function useModelServer(): (script?: readonly ScriptTurn[]) => Promise<ModelServer> {
  let shared: ModelServer | undefined;
  beforeAll(async () => {
    shared = await startModelServer();
  });
  afterAll(() => shared?.stop());
  return async (script = []) => {
    if (!shared) throw new Error("useModelServer() belongs at the top of a test file");
    await shared.reset(script);
    return shared;
  };
}

async function writeModelHome(server: ModelServer, options: ModelHomeOptions): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "wren-model-home-"));
  const mock = {
    type: "openai-compatible",
    baseURL: server.baseURL,
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
  };
  await writeFile(
    join(home, "settings.json"),
    JSON.stringify({ model: "mock/mock-model", providers: { mock }, ...options.settings }),
  );
  return home;
}
