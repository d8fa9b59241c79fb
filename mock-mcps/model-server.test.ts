// The mock model server's wire formats and controls, driven with plain fetch (no AI SDK).
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  MODEL_SERVER,
  type ModelServer,
  type ModelServerOptions,
  type ScriptTurn,
  startModelServer,
} from "../src/provider/test-support.js";

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(options: ModelServerOptions = {}): Promise<ModelServer> {
  const server = await startModelServer(options);
  servers.push(server);
  return server;
}

function post(
  server: ModelServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${server.baseURL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** The `data:` payloads of an SSE body, parsed, plus their `event:` names. */
// biome-ignore lint/suspicious/noExplicitAny: wire payloads are asserted on freely
async function readSse(response: Response): Promise<{ event?: string; data: any }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "";
      return { ...(event && { event }), data: data === "[DONE]" ? data : JSON.parse(data) };
    });
}

const TURN: ScriptTurn = [
  { reasoning: "Thinking it over." },
  { text: "Here you go." },
  { toolCall: { name: "read_file", arguments: { path: "a.txt" }, id: "call_x" } },
  { usage: { input: 100, output: 12, cached: 60 } },
];

describe("OpenAI-compatible chat completions", () => {
  it("streams reasoning, text, tool calls, the finish reason, usage and [DONE]", async () => {
    const server = await start({ script: [TURN] });
    const response = await post(server, "/chat/completions", {
      model: "mock-model",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = await readSse(response);
    const deltas = events.slice(0, -3).map((e) => e.data.choices[0].delta);
    expect(deltas.map((d) => d.reasoning_content ?? "").join("")).toBe("Thinking it over.");
    expect(deltas.map((d) => d.content ?? "").join("")).toBe("Here you go.");
    expect(deltas.filter((d) => d.content).length).toBeGreaterThan(1);
    const toolDeltas = deltas.flatMap((d) => d.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: "call_x",
      type: "function",
      function: { name: "read_file", arguments: "" },
    });
    expect(toolDeltas.map((t) => t.function.arguments).join("")).toBe('{"path":"a.txt"}');
    const [finish, usage, done] = events.slice(-3);
    expect(finish?.data.choices[0].finish_reason).toBe("tool_calls");
    expect(usage?.data).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 12,
        total_tokens: 112,
        prompt_tokens_details: { cached_tokens: 60 },
      },
    });
    expect(done?.data).toBe("[DONE]");
  });

  it("answers without streaming when asked to", async () => {
    const server = await start({ script: [TURN] });
    const response = await post(server, "/chat/completions", { model: "m", messages: [] });
    expect(await response.json()).toMatchObject({
      object: "chat.completion",
      choices: [
        {
          message: {
            role: "assistant",
            content: "Here you go.",
            reasoning_content: "Thinking it over.",
            tool_calls: [
              {
                id: "call_x",
                type: "function",
                function: { name: "read_file", arguments: '{"path":"a.txt"}' },
              },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 12 },
    });
  });

  it("says so when the script has run out", async () => {
    const server = await start();
    const response = await post(server, "/chat/completions", { messages: [] });
    const body = await response.json();
    expect(body.choices[0].message.content).toBe("(no more scripted turns)");
  });

  it("lists models", async () => {
    const server = await start({ models: ["a", "b"] });
    const response = await fetch(`${server.baseURL}/models`);
    expect(await response.json()).toMatchObject({
      object: "list",
      data: [
        { id: "a", object: "model" },
        { id: "b", object: "model" },
      ],
    });
  });
});

describe("Anthropic messages", () => {
  it("streams thinking, text and tool_use blocks between message_start and message_stop", async () => {
    const server = await start({ script: [TURN] });
    const response = await post(
      server,
      "/messages",
      { model: "claude-mock", stream: true, max_tokens: 100, messages: [] },
      { "anthropic-version": "2023-06-01" },
    );
    const events = await readSse(response);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe("message_start");
    expect(names.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(events[0]?.data.message.usage).toMatchObject({
      input_tokens: 40,
      cache_read_input_tokens: 60,
    });
    const starts = events.filter((e) => e.event === "content_block_start");
    expect(starts.map((e) => e.data.content_block.type)).toEqual(["thinking", "text", "tool_use"]);
    expect(starts[2]?.data.content_block).toMatchObject({ id: "call_x", name: "read_file" });
    const deltas = events.filter((e) => e.event === "content_block_delta").map((e) => e.data.delta);
    expect(deltas.filter((d) => d.type === "signature_delta")).toHaveLength(1);
    expect(deltas.map((d) => d.text ?? "").join("")).toBe("Here you go.");
    expect(deltas.map((d) => d.partial_json ?? "").join("")).toBe('{"path":"a.txt"}');
    expect(events.at(-2)?.data).toMatchObject({
      delta: { stop_reason: "tool_use" },
      usage: { output_tokens: 12 },
    });
    expect(events.filter((e) => e.event === "content_block_stop")).toHaveLength(3);
  });

  it("lists models in Anthropic's shape when anthropic-version is sent", async () => {
    const server = await start({ models: ["claude-mock"] });
    const response = await fetch(`${server.baseURL}/models`, {
      headers: { "anthropic-version": "2023-06-01" },
    });
    expect(await response.json()).toMatchObject({
      data: [{ type: "model", id: "claude-mock", display_name: "claude-mock" }],
      has_more: false,
    });
  });
});

describe("scripted failures", () => {
  it("answers an error step with that status, the flavour's body and retry-after", async () => {
    const error = { error: { status: 429, message: "slow down", retryAfter: 3 } } as const;
    const server = await start({ script: [[error], [error]] });
    const openai = await post(server, "/chat/completions", { stream: true, messages: [] });
    expect(openai.status).toBe(429);
    expect(openai.headers.get("retry-after")).toBe("3");
    expect(await openai.json()).toMatchObject({ error: { message: "slow down" } });
    const anthropic = await post(server, "/messages", { stream: true, messages: [] });
    expect(await anthropic.json()).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: "slow down" },
    });
  });

  it("sends an error event when the error comes after streaming started", async () => {
    const server = await start({
      script: [[{ text: "Hi" }, { error: { status: 529, message: "Overloaded" } }]],
    });
    const events = await readSse(await post(server, "/messages", { stream: true, messages: [] }));
    expect(events.at(-1)).toEqual({
      event: "error",
      data: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    });
    expect((await server.requests())[0]?.outcome).toBe("stream-error 529");
  });

  it("drops the connection mid-body on cut", async () => {
    const server = await start({ script: [[{ text: "partial" }, { cut: true }]] });
    const response = await post(server, "/chat/completions", { stream: true, messages: [] });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow(/terminated/);
    expect((await server.requests())[0]?.outcome).toBe("cut");
  });

  it("requires the key given with --require-key, as a bearer token or x-api-key", async () => {
    const server = await start({ requireKey: "k-123" });
    expect((await post(server, "/chat/completions", { messages: [] })).status).toBe(401);
    expect((await fetch(`${server.baseURL}/models`)).status).toBe(401);
    const bearer = await post(
      server,
      "/chat/completions",
      { messages: [] },
      { authorization: "Bearer k-123" },
    );
    expect(bearer.status).toBe(200);
    const xApiKey = await post(
      server,
      "/messages",
      { stream: true, messages: [] },
      { "x-api-key": "k-123" },
    );
    expect(xApiKey.status).toBe(200);
    await xApiKey.text();
    expect((await server.requests()).map((r) => r.outcome)).toEqual([
      "error 401",
      "error 401",
      "completed",
      "completed",
    ]);
  });

  it("streams slowTokens as separate chunks", async () => {
    const server = await start({ script: [[{ slowTokens: { count: 50, perSecond: 5000 } }]] });
    const events = await readSse(
      await post(server, "/chat/completions", { stream: true, messages: [] }),
    );
    const text = events.filter((e) => e.data !== "[DONE]" && e.data.choices[0]?.delta.content);
    expect(text).toHaveLength(50);
  });
});

describe("controls", () => {
  it("records requests, replaces the script at runtime and clears the log", async () => {
    const server = await start({ script: [[{ text: "from the file" }]] });
    await server.setScript([[{ text: "replaced" }]]);
    const response = await post(server, "/chat/completions", {
      model: "m",
      messages: [{ role: "user", content: "hello" }],
    });
    expect((await response.json()).choices[0].message.content).toBe("replaced");
    const [recorded] = await server.requests();
    expect(recorded).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      body: { model: "m", messages: [{ role: "user", content: "hello" }] },
      outcome: "completed",
    });
    await fetch(`http://127.0.0.1:${server.port}/_requests`, { method: "DELETE" });
    expect(await server.requests()).toEqual([]);
  });

  it("rejects a script with a typo, naming the turn and step", async () => {
    const server = await start();
    const response = await fetch(`http://127.0.0.1:${server.port}/_script`, {
      method: "POST",
      body: JSON.stringify([[{ text: "ok" }, { txet: "typo" }]]),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(
      /^turn 0, step 1: expected exactly one of text, /,
    );
  });

  it("reads MOCK_MODEL_SCRIPT from a file and exits 2 on a bad one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wren-model-"));
    try {
      const bad = join(dir, "bad.json");
      await writeFile(bad, JSON.stringify([{ text: "not in a turn" }]));
      const child = spawn(process.execPath, [MODEL_SERVER], {
        env: { ...process.env, MOCK_MODEL_SCRIPT: bad },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise((resolve) => child.once("exit", resolve));
      expect(code).toBe(2);
      expect(stderr).toContain("bad script: turn 0: expected an array of steps");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 0 on SIGTERM even with a request hanging", async () => {
    const server = await start({ script: [[{ hang: true }]] });
    const hanging = post(server, "/chat/completions", { stream: true, messages: [] }).catch(
      (e) => e,
    );
    await expect.poll(async () => (await server.requests()).length).toBe(1);
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(await hanging).toBeInstanceOf(Error);
  });
});
