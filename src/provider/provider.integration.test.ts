// Both provider flavours against the real mock model server (a subprocess on an ephemeral port).
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ChatMessage } from "../messages.js";
import { createChatModel, detectProviders, listModels } from "./index.js";
import { type ModelServer, type ScriptTurn, startModelServer } from "./test-support.js";
import { type ModelEvent, type ModelRequest, ProviderError } from "./types.js";

const KEY = "sk-test-SECRET-0123456789";
const TIME = "2026-01-01T00:00:00.000Z";

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function server(
  script: readonly ScriptTurn[] = [],
  requireKey?: string,
): Promise<ModelServer> {
  const started = await startModelServer({ script, ...(requireKey && { requireKey }) });
  servers.push(started);
  return started;
}

/** A port nobody listens on (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

function user(text: string): ChatMessage {
  return { role: "user", id: `u-${text}`, time: TIME, text };
}

function request(
  messages: readonly ChatMessage[],
  extra: Partial<ModelRequest> = {},
): ModelRequest {
  return { messages, tools: [], signal: new AbortController().signal, ...extra };
}

async function collect(stream: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Runs a stream to its failure, keeping the events that arrived before it. */
async function failure(
  stream: AsyncIterable<ModelEvent>,
): Promise<{ error: unknown; events: ModelEvent[] }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { error, events };
  }
  throw new Error(`expected the stream to fail; got ${JSON.stringify(events)}`);
}

function textOf(events: readonly ModelEvent[], type: "text-delta" | "reasoning-delta"): string {
  return events.map((e) => (e.type === type ? e.text : "")).join("");
}

const ECHO_TOOL = {
  name: "echo",
  description: "Echoes text",
  inputSchema: {
    type: "object",
    properties: { text: { type: "string" } },
    required: ["text"],
  },
};

type Flavor = "openai-compatible" | "anthropic";

describe.each<Flavor>(["openai-compatible", "anthropic"])("%s flavour", (flavor) => {
  function modelFor(mock: ModelServer | string, options: { maxRetries?: number } = {}) {
    const baseURL = typeof mock === "string" ? mock : mock.baseURL;
    return createChatModel(
      "mock/mock-model",
      { providers: { mock: { type: flavor, baseURL, apiKey: KEY } } },
      { env: {}, maxRetries: options.maxRetries ?? 0 },
    );
  }

  it("streams reasoning and text in pieces, then finishes with usage", async () => {
    const mock = await server([
      [
        { reasoning: "Let me think about it." },
        { text: "Hello from the mock model." },
        { usage: { input: 120, output: 9, cached: 100 } },
      ],
    ]);
    const events = await collect(
      modelFor(mock).stream(request([user("hi")], { system: "Be brief." })),
    );

    expect(textOf(events, "reasoning-delta")).toBe("Let me think about it.");
    expect(textOf(events, "text-delta")).toBe("Hello from the mock model.");
    expect(events.filter((e) => e.type === "text-delta").length).toBeGreaterThan(1);
    expect(events.at(-1)).toEqual({
      type: "finish",
      reason: "stop",
      usage: { inputTokens: 120, outputTokens: 9, cachedInputTokens: 100 },
    });
    const [sent] = await mock.requests();
    expect(sent?.body.stream).toBe(true);
    expect(JSON.stringify(sent?.body)).toContain("Be brief.");
    if (flavor === "openai-compatible") {
      expect(sent?.body.stream_options).toEqual({ include_usage: true });
      expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    } else {
      expect(sent?.headers["x-api-key"]).toBe(KEY);
    }
  });

  it("returns tool calls without running them and sends the results back", async () => {
    const mock = await server([
      [{ text: "Calling echo." }, { toolCall: { name: "echo", arguments: { text: "hi" } } }],
      [{ text: "The tool said hi." }],
    ]);
    const model = modelFor(mock);
    const first = await collect(model.stream(request([user("echo hi")], { tools: [ECHO_TOOL] })));
    const call = first.find((e) => e.type === "tool-call");
    expect(call).toMatchObject({ type: "tool-call", name: "echo", input: { text: "hi" } });
    expect(first.at(-1)).toMatchObject({ type: "finish", reason: "tool-calls" });
    if (call?.type !== "tool-call") throw new Error("no tool call");

    const conversation: ChatMessage[] = [
      user("echo hi"),
      {
        role: "assistant",
        id: "a1",
        time: TIME,
        parts: [
          { type: "text", text: "Calling echo." },
          { type: "tool-call", id: call.id, name: call.name, input: call.input },
        ],
      },
      {
        role: "tool",
        id: "t1",
        time: TIME,
        results: [
          {
            callId: call.id,
            name: "echo",
            outcome: { status: "ok", content: [{ type: "text", text: "hi" }] },
          },
        ],
      },
    ];
    const second = await collect(model.stream(request(conversation, { tools: [ECHO_TOOL] })));
    expect(textOf(second, "text-delta")).toBe("The tool said hi.");

    const [firstSent, secondSent] = await mock.requests();
    const body = JSON.stringify(secondSent?.body);
    expect(body).not.toContain(KEY);
    expect(JSON.stringify(firstSent?.body)).not.toContain(KEY);
    if (flavor === "openai-compatible") {
      expect(firstSent?.body.tools[0]).toMatchObject({
        type: "function",
        function: { name: "echo", parameters: ECHO_TOOL.inputSchema },
      });
      expect(secondSent?.body.messages.at(-1)).toEqual({
        role: "tool",
        tool_call_id: call.id,
        content: "hi",
      });
    } else {
      expect(firstSent?.body.tools[0]).toMatchObject({
        name: "echo",
        input_schema: ECHO_TOOL.inputSchema,
      });
      expect(secondSent?.body.messages.at(-1)).toMatchObject({
        role: "user",
        content: [{ type: "tool_result", tool_use_id: call.id, content: "hi" }],
      });
    }
  });

  it("passes a JSON Schema 2020-12 tool schema on unmodified and its echo back whole", async () => {
    // What an MCP server may declare (SEP-1613, SEP-2106): wren must neither strip keywords
    // nor resolve $ref (a network $ref is never fetched) on the way to the provider.
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      $defs: {
        address: {
          $anchor: "addr",
          type: "object",
          properties: { street: { type: "string" } },
        },
      },
      properties: {
        home: { $ref: "#/$defs/address" },
        remote: { $ref: "https://example.invalid/schemas/remote.json" },
        kind: { type: "string" },
      },
      allOf: [{ anyOf: [{ required: ["home"] }, { required: ["remote"] }] }],
      if: { properties: { kind: { const: "business" } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword
      then: { required: ["remote"] },
      else: { required: ["home"] },
      additionalProperties: false,
    };
    const tool = { name: "schema_tool", description: "Takes a rich schema", inputSchema: schema };
    const mock = await server([
      [{ toolCall: { name: "schema_tool", arguments: { schema } } }, { finish: "tool_calls" }],
    ]);
    const events = await collect(modelFor(mock).stream(request([user("go")], { tools: [tool] })));
    const [sent] = await mock.requests();
    const declared =
      flavor === "openai-compatible"
        ? sent?.body.tools[0].function.parameters
        : sent?.body.tools[0].input_schema;
    expect(declared).toEqual(schema);
    expect(events.find((e) => e.type === "tool-call")).toMatchObject({ input: { schema } });
  });

  it("gives an interrupted answer's unfinished tool calls a cancelled result", async () => {
    const mock = await server([[{ text: "ok" }]]);
    const conversation: ChatMessage[] = [
      user("do two things"),
      {
        role: "assistant",
        id: "a1",
        time: TIME,
        interrupted: true,
        parts: [
          { type: "text", text: "Working on" },
          { type: "tool-call", id: "call_1", name: "echo", input: { text: "x" } },
        ],
      },
      user("never mind"),
    ];
    await collect(modelFor(mock).stream(request(conversation, { tools: [ECHO_TOOL] })));
    const [sent] = await mock.requests();
    const body = JSON.stringify(sent?.body);
    expect(body).toContain("Working on");
    expect(body).toContain("cancelled by the user");
  });

  it("stops the HTTP stream at once when the signal aborts", async () => {
    const mock = await server([[{ slowTokens: { count: 5000, perSecond: 200 } }]]);
    const controller = new AbortController();
    const events: ModelEvent[] = [];
    const outcome = (async () => {
      for await (const event of modelFor(mock).stream(
        request([user("go")], { signal: controller.signal }),
      )) {
        events.push(event);
        if (events.length === 3) controller.abort();
      }
    })();
    const error = await outcome.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(events).toHaveLength(3);
    // The server sees the client go away long before the 5000 tokens (25 s) are out.
    await expect
      .poll(async () => (await mock.requests())[0]?.outcome, { timeout: 10_000 })
      .toBe("client-closed");
    expect((await mock.requests())[0]?.chunks).toBeLessThan(100);
  });

  it("aborts a request the server never answers", async () => {
    const mock = await server([[{ hang: true }]]);
    const controller = new AbortController();
    const stream = modelFor(mock).stream(request([user("go")], { signal: controller.signal }));
    const failed = failure(stream);
    // Abort once the server holds the request, unanswered.
    await expect.poll(async () => (await mock.requests()).length, { timeout: 10_000 }).toBe(1);
    controller.abort();
    const { error } = await failed;
    expect(error).toMatchObject({ name: "AbortError" });
  });

  it("maps HTTP errors to one-line ProviderErrors of the right kind", async () => {
    const cases = [
      [
        404,
        "not-found",
        /^mock does not know model "mock-model" \(404 from http:\/\/127\.0\.0\.1:\d+\/v1\): nope$/,
      ],
      [429, "rate-limit", /^mock rate limit reached \(429\), retry after 7s: nope$/],
      [500, "server", /^mock server error \(500\): nope$/],
      [529, "server", /^mock is overloaded \(529\): nope$/],
      [400, "bad-request", /^mock rejected the request \(400\): nope$/],
    ] as const;
    const mock = await server(
      cases.map(([status]) => [{ error: { status, message: "nope", retryAfter: 7 } }]),
    );
    const model = modelFor(mock);
    for (const [status, kind, message] of cases) {
      const { error } = await failure(model.stream(request([user("hi")])));
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind, status });
      expect((error as ProviderError).message).toMatch(message);
    }
  });

  it("reports a rejected key without quoting it", async () => {
    const mock = await server([], "the-right-key");
    const { error } = await failure(modelFor(mock).stream(request([user("hi")])));
    expect(error).toMatchObject({
      kind: "auth",
      status: 401,
      message: "mock rejected the API key (401): check providers.mock.apiKey",
    });
  });

  it("reports a server that is not there", async () => {
    const port = await freePort();
    const { error } = await failure(
      modelFor(`http://127.0.0.1:${port}/v1`).stream(request([user("hi")])),
    );
    expect(error).toMatchObject({
      kind: "network",
      message: `cannot reach http://127.0.0.1:${port}/v1: connection refused`,
    });
  });

  it("reports a stream cut mid-response after the partial text", async () => {
    const mock = await server([[{ text: "The first half of the answer" }, { cut: true }]]);
    const { error, events } = await failure(modelFor(mock).stream(request([user("hi")])));
    expect(textOf(events, "text-delta")).toBe("The first half of the answer");
    expect(error).toMatchObject({
      kind: "stream-cut",
      message: "the connection to mock dropped mid-response",
    });
  });

  it("reports an error event inside the stream", async () => {
    const mock = await server([
      [{ text: "Starting" }, { error: { status: 529, message: "Overloaded" } }],
    ]);
    const { error, events } = await failure(modelFor(mock).stream(request([user("hi")])));
    expect(textOf(events, "text-delta")).toBe("Starting");
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toContain("Overloaded");
  });

  it("retries a 5xx before any output when asked to", async () => {
    const mock = await server([
      [{ error: { status: 503, message: "busy", retryAfter: 0 } }],
      [{ text: "second time lucky" }],
    ]);
    const events = await collect(modelFor(mock, { maxRetries: 1 }).stream(request([user("hi")])));
    expect(textOf(events, "text-delta")).toBe("second time lucky");
    expect(await mock.requests()).toHaveLength(2);
  });

  it("lists the provider's models", async () => {
    const mock = await server();
    const models = await listModels(
      "mock",
      { providers: { mock: { type: flavor, baseURL: mock.baseURL, apiKey: KEY } } },
      { env: {} },
    );
    expect(models.map((m) => m.id)).toEqual(["mock-model", "mock-reasoner"]);
    const [sent] = await mock.requests();
    expect(sent?.path).toMatch(/^\/v1\/models/);
    if (flavor === "anthropic") expect(sent?.headers["anthropic-version"]).toBe("2023-06-01");
  });
});

describe("listModels and detectProviders", () => {
  it("reports a rejected key on the models endpoint without quoting it", async () => {
    const mock = await server([], "the-right-key");
    const error = await listModels(
      "mock",
      { providers: { mock: { type: "anthropic", baseURL: mock.baseURL, apiKey: KEY } } },
      { env: {} },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "auth", status: 401 });
    expect((error as Error).message).not.toContain(KEY);
  });

  it("finds a local Ollama (OLLAMA_HOST) and suggests its first model", async () => {
    const mock = await server();
    const found = await detectProviders({
      OLLAMA_HOST: `127.0.0.1:${mock.port}`,
      ANTHROPIC_API_KEY: KEY,
    });
    expect(found).toEqual([
      {
        provider: "anthropic",
        reason: "ANTHROPIC_API_KEY is set",
        suggestedModel: "anthropic/claude-sonnet-4-5",
      },
      {
        provider: "ollama",
        reason: `Ollama answers at http://127.0.0.1:${mock.port}`,
        suggestedModel: "ollama/mock-model",
      },
    ]);
  });

  it("offers nothing when no key is set and no Ollama answers", async () => {
    const port = await freePort();
    expect(await detectProviders({ OLLAMA_HOST: `127.0.0.1:${port}` })).toEqual([]);
  });
});
