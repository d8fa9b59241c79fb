// Starts mock-mcps/model-server.mjs for tests (provider, agent, print mode, terminal tests).
// Used by *.test.ts only.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, onTestFinished } from "vitest";
import { mockScript } from "../test-utils/mock-bundles.js";
import { type StartedMock, startMock } from "../test-utils/start-mock.js";

/** The scripted mock model server. */
export const MODEL_SERVER = mockScript("model-server.mjs");

/** One step of a scripted turn (see mock-mcps/README.md, "Mock model server"). */
export type ScriptStep =
  | { readonly text: string }
  | { readonly reasoning: string }
  | {
      readonly toolCall: {
        readonly name: string;
        readonly arguments?: unknown;
        readonly id?: string;
      };
    }
  | {
      readonly usage: {
        readonly input?: number;
        readonly output?: number;
        readonly cached?: number;
      };
    }
  | {
      readonly error: {
        readonly status: number;
        readonly message?: string;
        readonly retryAfter?: number;
      };
    }
  | { readonly cut: true }
  | { readonly delayMs: number }
  | { readonly slowTokens: { readonly count: number; readonly perSecond?: number } }
  | { readonly hang: true }
  | { readonly finish: "stop" | "length" | "tool_calls" | "content_filter" };

/** One model response: steps played in order. */
export type ScriptTurn = readonly ScriptStep[];

/** A request the server received, as `GET /_requests` reports it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are asserted on freely in tests
  readonly body: any;
  /** `completed`, `streaming`, `client-closed`, `cut`, `hung`, `error 429`, `stream-error 500`... */
  readonly outcome: string;
  /** SSE events written so far. */
  readonly chunks: number;
}

/** A running mock model server. */
export interface ModelServer extends StartedMock {
  /** `http://127.0.0.1:PORT/v1`: the baseURL for both flavours. */
  readonly baseURL: string;
  requests(): Promise<RecordedRequest[]>;
  setScript(turns: readonly ScriptTurn[]): Promise<void>;
  /** Plays `turns` from the first and forgets the requests so far. */
  reset(turns: readonly ScriptTurn[]): Promise<void>;
}

/** Options of `startModelServer`. */
export interface ModelServerOptions {
  readonly script?: readonly ScriptTurn[];
  /** Answer 401 unless this key arrives as a bearer token or `x-api-key`. */
  readonly requireKey?: string;
  readonly models?: readonly string[];
}

/** Starts the mock model server on an ephemeral port and waits for `listening on N`. */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const args = ["--port", "0"];
  if (options.script) args.push("--script", JSON.stringify(options.script));
  if (options.requireKey) args.push("--require-key", options.requireKey);
  if (options.models) args.push("--models", options.models.join(","));
  const mock = await startMock(MODEL_SERVER, args);
  const { origin } = mock;
  const setScript = async (turns: readonly ScriptTurn[]): Promise<void> => {
    const response = await fetch(`${origin}/_script`, {
      method: "POST",
      body: JSON.stringify(turns),
    });
    if (!response.ok) throw new Error(`bad script: ${await response.text()}`);
  };
  return {
    ...mock,
    baseURL: `${origin}/v1`,
    async requests() {
      const response = await fetch(`${origin}/_requests`);
      return (await response.json()) as RecordedRequest[];
    },
    setScript,
    async reset(turns) {
      await setScript(turns);
      const cleared = await fetch(`${origin}/_requests`, { method: "DELETE" });
      if (!cleared.ok) throw new Error(`could not clear the request log: ${cleared.status}`);
    },
  };
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
  let shared: ModelServer | undefined;
  beforeAll(async () => {
    shared = await startModelServer();
  });
  afterAll(() => shared?.stop());
  return async (script, options = {}) => {
    if (!shared) throw new Error("useModelHomes() belongs at the top of a test file");
    await shared.reset(script);
    return { server: shared, home: await writeModelHome(shared, options) };
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
