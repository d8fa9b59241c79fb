// Both provider flavours against the real mock model server (a subprocess on an ephemeral port,
// one for the file): streaming, tool calls, what is sent. Failures: provider-errors.integration.
import { describe, expect, it } from "vitest";
import { freePort } from "../mcp/test-support.js";
import type { ChatMessage } from "../messages.js";
import {
  collect,
  ECHO_TOOL,
  type Flavor,
  flavourModel,
  KEY,
  request,
  serverRequiringKey,
  TIME,
  textOf,
  user,
} from "./chat-model-test-support.js";
import { detectProviders, listModels } from "./index.js";
import { type ModelServer, useModelServer } from "./test-support.js";
import type { ChatModel } from "./types.js";

const server = useModelServer();

describe.each<Flavor>(["openai-compatible", "anthropic"])("%s flavour", (flavor) => {
  const modelFor = (mock: ModelServer | string): ChatModel => flavourModel(flavor, mock);

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
    const mock = await serverRequiringKey("the-right-key");
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
