// createChatModel with a fake fetch at the network boundary: wire mapping, errors, abort, laziness.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createChatModel, preloadModelSdk } from "./index.js";
import { type ModelEvent, type ModelRequest, ProviderError } from "./types.js";

const KEY = "sk-proj-SECRETSECRETSECRET";

interface FetchCall {
  readonly url: string;
  readonly headers: Headers;
  readonly signal: AbortSignal | undefined;
}

/** A fetch that records calls and answers with `respond`. */
function fakeFetch(respond: (call: FetchCall) => Response | Promise<Response>) {
  const calls: FetchCall[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const call = {
      url: String(input),
      headers: new Headers(init?.headers),
      signal: init?.signal ?? undefined,
    };
    calls.push(call);
    return respond(call);
  };
  return { fetchFn, calls };
}

function sse(events: readonly string[], options: { end?: boolean } = {}): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const event of events) controller.enqueue(encoder.encode(event));
      if (options.end !== false) controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

const chunk = (delta: object, extra: object = {}): string =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;

function request(extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [{ role: "user", id: "u", time: "2026-01-01T00:00:00Z", text: "hi" }],
    tools: [],
    signal: new AbortController().signal,
    ...extra,
  };
}

async function run(
  stream: AsyncIterable<ModelEvent>,
): Promise<{ events: ModelEvent[]; error: unknown }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

const openai = (fetchFn: typeof fetch) =>
  createChatModel(
    "openai/gpt-test",
    { providers: {} },
    {
      fetchFn,
      env: { OPENAI_API_KEY: KEY },
      maxRetries: 0,
    },
  );

describe("createChatModel", () => {
  it("maps an OpenAI stream to events, with usage including cached tokens", async () => {
    const { fetchFn, calls } = fakeFetch(() =>
      sse([
        chunk({ role: "assistant", content: "" }),
        chunk({ reasoning_content: "hmm" }),
        chunk({ content: "Hel" }),
        chunk({ content: "lo" }),
        chunk({
          tool_calls: [
            {
              index: 0,
              id: "call_1",
              type: "function",
              function: { name: "echo", arguments: '{"te' },
            },
          ],
        }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: 'xt":"x"}' } }] }),
        `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] })}\n\n`,
        `data: ${JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: 50, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 40 } } })}\n\n`,
        "data: [DONE]\n\n",
      ]),
    );
    const { events, error } = await run(openai(fetchFn).stream(request()));
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: "reasoning-delta", text: "hmm" },
      { type: "text-delta", text: "Hel" },
      { type: "text-delta", text: "lo" },
      { type: "tool-call", id: "call_1", name: "echo", input: { text: "x" } },
      {
        type: "finish",
        reason: "tool-calls",
        usage: { inputTokens: 50, outputTokens: 7, cachedInputTokens: 40 },
      },
    ]);
    expect(calls[0]?.url).toBe("https://api.openai.com/v1/chat/completions");
    expect(calls[0]?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
  });

  it("maps Anthropic thinking, text and cache reads", async () => {
    const event = (type: string, data: object) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const { fetchFn, calls } = fakeFetch(() =>
      sse([
        event("message_start", {
          message: {
            id: "m",
            type: "message",
            role: "assistant",
            model: "claude",
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 1 },
          },
        }),
        event("content_block_start", {
          index: 0,
          content_block: { type: "thinking", thinking: "" },
        }),
        event("content_block_delta", {
          index: 0,
          delta: { type: "thinking_delta", thinking: "ponder" },
        }),
        event("content_block_delta", {
          index: 0,
          delta: { type: "signature_delta", signature: "s" },
        }),
        event("content_block_stop", { index: 0 }),
        event("content_block_start", { index: 1, content_block: { type: "text", text: "" } }),
        event("content_block_delta", { index: 1, delta: { type: "text_delta", text: "Hi" } }),
        event("content_block_stop", { index: 1 }),
        event("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 5 } }),
        event("message_stop", {}),
      ]),
    );
    const model = createChatModel(
      "anthropic/claude",
      { providers: {} },
      {
        fetchFn,
        env: { ANTHROPIC_API_KEY: KEY },
        maxRetries: 0,
      },
    );
    const { events, error } = await run(model.stream(request({ system: "sys" })));
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: "reasoning-delta", text: "ponder" },
      { type: "text-delta", text: "Hi" },
      {
        type: "finish",
        reason: "stop",
        usage: { inputTokens: 100, outputTokens: 5, cachedInputTokens: 90 },
      },
    ]);
    expect(calls[0]?.url).toBe("https://api.anthropic.com/v1/messages");
    expect(calls[0]?.headers.get("x-api-key")).toBe(KEY);
  });

  it("turns a 401 into one line that names where the key comes from, never the key", async () => {
    const { fetchFn } = fakeFetch(
      () =>
        new Response(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }), {
          status: 401,
          headers: { "content-type": "application/json" },
        }),
    );
    const { error } = await run(openai(fetchFn).stream(request()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: "auth",
      status: 401,
      message: "openai rejected the API key (401): check OPENAI_API_KEY",
    });
    const seen = JSON.stringify(error, Object.getOwnPropertyNames(error));
    expect((error as Error).message).not.toContain(KEY);
    expect(seen).not.toContain("Bearer");
  });

  it("keeps keys out of error text a server sends in other errors", async () => {
    const { fetchFn } = fakeFetch(
      () =>
        new Response(
          JSON.stringify({ error: { message: `bad header Authorization: Bearer ${KEY}` } }),
          {
            status: 400,
          },
        ),
    );
    const { error } = await run(openai(fetchFn).stream(request()));
    expect(error).toMatchObject({ kind: "bad-request" });
    expect((error as Error).message).not.toContain(KEY);
    expect((error as Error).message).not.toContain("SECRET");
  });

  it.each([
    ["ECONNREFUSED", "connection refused"],
    ["ENOTFOUND", "host not found"],
  ])("reports %s as a network error naming the URL", async (code, words) => {
    const { fetchFn } = fakeFetch(() => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
    });
    const { error } = await run(openai(fetchFn).stream(request()));
    expect(error).toMatchObject({
      kind: "network",
      message: `cannot reach https://api.openai.com/v1: ${words}`,
    });
  });

  it("does not retry a refused connection, whatever maxRetries says", async () => {
    const { fetchFn, calls } = fakeFetch(() => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
      });
    });
    const model = createChatModel("ollama/qwen3:8b", { providers: {} }, { fetchFn, env: {} });
    const { error } = await run(model.stream(request()));
    expect(error).toMatchObject({
      kind: "network",
      message: "cannot reach http://localhost:11434/v1: connection refused",
    });
    expect(calls).toHaveLength(1);
  });

  it("takes the retry count from WREN_MODEL_RETRIES when none is passed", async () => {
    let attempt = 0;
    const { fetchFn, calls } = fakeFetch(() =>
      ++attempt === 1
        ? new Response("{}", { status: 503, headers: { "retry-after-ms": "0" } })
        : sse([
            chunk({ content: "ok" }),
            `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
          ]),
    );
    const model = createChatModel(
      "openai/gpt",
      { providers: {} },
      {
        fetchFn,
        env: { OPENAI_API_KEY: KEY, WREN_MODEL_RETRIES: "1" },
      },
    );
    const { events, error } = await run(model.stream(request()));
    expect(error).toBeUndefined();
    expect(events[0]).toEqual({ type: "text-delta", text: "ok" });
    expect(calls).toHaveLength(2);
  });

  it("reports a body that ends without a finish as a cut stream", async () => {
    const { fetchFn } = fakeFetch(() => sse([chunk({ content: "half" })]));
    const { events, error } = await run(openai(fetchFn).stream(request()));
    expect(events).toEqual([{ type: "text-delta", text: "half" }]);
    expect(error).toMatchObject({ kind: "stream-cut" });
  });

  it("rejects with the abort reason, without a request, when already aborted", async () => {
    const { fetchFn, calls } = fakeFetch(() => sse([]));
    const controller = new AbortController();
    controller.abort();
    const { error } = await run(openai(fetchFn).stream(request({ signal: controller.signal })));
    expect(error).toMatchObject({ name: "AbortError" });
    expect(calls).toHaveLength(0);
  });

  it("cancels the HTTP request when the consumer stops reading", async () => {
    const { fetchFn, calls } = fakeFetch(() => sse([chunk({ content: "one" })], { end: false }));
    for await (const event of openai(fetchFn).stream(request())) {
      expect(event).toEqual({ type: "text-delta", text: "one" });
      break;
    }
    expect(calls[0]?.signal?.aborted).toBe(true);
  });

  it("throws configuration problems at creation", () => {
    expect(() => createChatModel("nope/model", { providers: {} }, { env: {} })).toThrow(
      /unknown provider "nope"/,
    );
    expect(() => createChatModel("openai/gpt", { providers: {} }, { env: {} })).toThrow(
      /no API key for openai: set OPENAI_API_KEY/,
    );
  });
});

describe("lazy loading", () => {
  it("keeps the AI SDK out of the modules index.ts imports statically", async () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = await readFile(join(import.meta.dirname, file), "utf8");
      // Static value imports and re-exports; `import type` and `await import()` are fine.
      for (const match of source.matchAll(
        /^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms,
      )) {
        const target = match[1]!;
        if (target === "ai" || target.startsWith("@ai-sdk/"))
          offenders.push(`${file} -> ${target}`);
        if (target.startsWith("./")) await visit(target.replace(/\.js$/, ".ts"));
      }
    };
    await visit("index.ts");
    expect(seen.has("ai-sdk.ts")).toBe(false);
    expect(offenders).toEqual([]);
  });

  it("can load the SDK ahead of the first message", async () => {
    await expect(preloadModelSdk()).resolves.toBeUndefined();
  });
});
