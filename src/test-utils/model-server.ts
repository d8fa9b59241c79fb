// A client for mock-mcps/model-server.mjs: starts it, scripts its turns, reads the requests it
// saw. Vitest-free, so the benchmarks can bundle it (script-harness.ts); tests use the
// wrappers in src/provider/test-support.ts.
import { type StartedMock, startMock } from "./start-mock.js";

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

/**
 * Starts the mock model server (`script`: mock-mcps/model-server.mjs or its bundle) on an
 * ephemeral port and waits for `listening on N`.
 */
export async function startModelServerScript(
  script: string,
  options: ModelServerOptions = {},
): Promise<ModelServer> {
  const args = ["--port", "0"];
  if (options.script) args.push("--script", JSON.stringify(options.script));
  if (options.requireKey) args.push("--require-key", options.requireKey);
  if (options.models) args.push("--models", options.models.join(","));
  const mock = await startMock(script, args);
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
