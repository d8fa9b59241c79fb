import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../messages.js";
import type { ChatModel, ModelEvent, ModelRequest } from "../provider/types.js";
import { ProviderError } from "../provider/types.js";
import { createToolRegistry } from "../tools/registry.js";
import type { Tool, ToolOutcome } from "../tools/types.js";
import { runTurn, type TurnEvent } from "./loop.js";

type Step = (request: ModelRequest) => AsyncIterable<ModelEvent>;

/** A model at the provider boundary that replays one scripted step per call. */
function scriptedModel(steps: Step[]): ChatModel & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    id: "mock/model",
    requests,
    stream(request) {
      requests.push({ ...request, messages: [...request.messages] });
      const step = steps.shift();
      if (!step) throw new Error("no more scripted steps");
      return step(request);
    },
  };
}

const usage = { inputTokens: 10, outputTokens: 5, cachedInputTokens: 2 };

function events(...list: ModelEvent[]): Step {
  return async function* () {
    yield* list;
  };
}

function tool(name: string, run: Tool["execute"]): Tool {
  return {
    name,
    description: name,
    inputSchema: { type: "object" },
    effect: "read",
    origin: "builtin",
    execute: run,
  };
}

const user: ChatMessage = { role: "user", id: "u1", time: "t", text: "hi" };

async function collect(iterable: AsyncIterable<TurnEvent>): Promise<TurnEvent[]> {
  const out: TurnEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
}

function messagesOf(list: TurnEvent[]): ChatMessage[] {
  return list.flatMap((e) => (e.type === "message" ? [e.message] : []));
}

describe("runTurn", () => {
  it("streams text and ends when the model stops", async () => {
    const model = scriptedModel([
      events(
        { type: "reasoning-delta", text: "think" },
        { type: "text-delta", text: "Hel" },
        { type: "text-delta", text: "lo" },
        { type: "finish", reason: "stop", usage },
      ),
    ]);
    const out = await collect(
      runTurn({
        model,
        messages: [user],
        tools: createToolRegistry(),
        signal: new AbortController().signal,
      }),
    );
    const [message] = messagesOf(out);
    expect(message).toMatchObject({
      role: "assistant",
      parts: [
        { type: "reasoning", text: "think" },
        { type: "text", text: "Hello" },
      ],
      usage,
      model: "mock/model",
    });
    expect(out.at(-1)).toEqual({ type: "done", end: "stop", usage });
  });

  it("runs tool calls in parallel and feeds results back", async () => {
    const model = scriptedModel([
      events(
        { type: "tool-call", id: "c1", name: "slow", input: { ms: 50 } },
        { type: "tool-call", id: "c2", name: "fast", input: {} },
        { type: "finish", reason: "tool-calls", usage },
      ),
      events({ type: "text-delta", text: "done" }, { type: "finish", reason: "stop", usage }),
    ]);
    const order: string[] = [];
    // "slow" finishes only after "fast" has run: run one after the other, the turn never ends.
    let fastRan = (): void => {};
    const afterFast = new Promise<void>((resolve) => {
      fastRan = resolve;
    });
    const tools = createToolRegistry();
    tools.addSource(() => [
      tool("slow", async () => {
        await afterFast;
        order.push("slow");
        return { status: "ok", content: [{ type: "text", text: "slow result" }] };
      }),
      tool("fast", async () => {
        order.push("fast");
        fastRan();
        return { status: "ok", content: [{ type: "text", text: "fast result" }] };
      }),
    ]);
    const out = await collect(
      runTurn({ model, messages: [user], tools, signal: new AbortController().signal }),
    );
    expect(order).toEqual(["fast", "slow"]);
    const toolMessage = messagesOf(out).find((m) => m.role === "tool");
    expect(toolMessage).toMatchObject({
      results: [
        { callId: "c1", name: "slow", outcome: { status: "ok" } },
        { callId: "c2", name: "fast", outcome: { status: "ok" } },
      ],
    });
    expect(model.requests[1]?.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(out.filter((e) => e.type === "tool-end")).toHaveLength(2);
    expect(out.at(-1)).toMatchObject({
      type: "done",
      end: "stop",
      usage: { inputTokens: 20, outputTokens: 10 },
    });
  });

  it("reports unknown tools, thrown errors and denials as results, not exceptions", async () => {
    const model = scriptedModel([
      events(
        { type: "tool-call", id: "a", name: "nope", input: {} },
        { type: "tool-call", id: "b", name: "boom", input: {} },
        { type: "tool-call", id: "c", name: "guarded", input: {} },
        { type: "finish", reason: "tool-calls", usage },
      ),
      events({ type: "finish", reason: "stop", usage }),
    ]);
    const tools = createToolRegistry();
    tools.addSource(() => [
      tool("boom", async () => {
        throw new Error("kaput");
      }),
      tool("guarded", async () => ({ status: "ok", content: [] })),
    ]);
    const out = await collect(
      runTurn({
        model,
        messages: [user],
        tools,
        signal: new AbortController().signal,
        authorize: async (call) =>
          call.name === "guarded"
            ? { allow: false, reason: "not today", by: "rule", rule: "guarded" }
            : { allow: true },
      }),
    );
    const outcomes = messagesOf(out).flatMap((m) =>
      m.role === "tool" ? m.results.map((r) => r.outcome) : [],
    );
    expect(outcomes).toEqual<ToolOutcome[]>([
      { status: "error", message: 'unknown tool "nope"' },
      { status: "error", message: "kaput" },
      { status: "denied", reason: "not today", by: "rule", rule: "guarded" },
    ]);
  });

  it("times a tool from when it was allowed, not from when approval was asked", async () => {
    const model = scriptedModel([
      events(
        { type: "tool-call", id: "t1", name: "work", input: {} },
        { type: "finish", reason: "tool-calls", usage },
      ),
      events({ type: "finish", reason: "stop", usage }),
    ]);
    // A fake clock: the user takes 60 s to approve, the tool itself 2 s.
    let time = 1_000_000;
    const tools = createToolRegistry();
    tools.addSource(() => [
      tool("work", async () => {
        time += 2_000;
        return { status: "ok", content: [] };
      }),
    ]);
    const out = await collect(
      runTurn({
        model,
        messages: [user],
        tools,
        signal: new AbortController().signal,
        clock: () => time,
        authorize: async () => {
          time += 60_000;
          return { allow: true };
        },
      }),
    );
    expect(out.find((e) => e.type === "tool-end")).toMatchObject({ durationMs: 2_000 });
  });

  it("keeps partial text on Esc and closes open tool calls as cancelled", async () => {
    const controller = new AbortController();
    const model = scriptedModel([
      async function* (request) {
        yield { type: "text-delta", text: "partial " };
        yield { type: "tool-call", id: "t1", name: "slow", input: {} };
        controller.abort();
        await new Promise((_, reject) =>
          request.signal.addEventListener("abort", () => reject(new Error("aborted"))),
        );
      },
    ]);
    const out = await collect(
      runTurn({ model, messages: [user], tools: createToolRegistry(), signal: controller.signal }),
    );
    const messages = messagesOf(out);
    expect(messages[0]).toMatchObject({
      role: "assistant",
      interrupted: true,
      parts: [
        { type: "text", text: "partial " },
        { type: "tool-call", id: "t1" },
      ],
    });
    expect(messages[1]).toMatchObject({
      role: "tool",
      results: [{ callId: "t1", outcome: { status: "cancelled" } }],
    });
    expect(out.at(-1)).toMatchObject({ type: "done", end: "interrupted" });
  });

  it("cancels running tools on Esc", async () => {
    const controller = new AbortController();
    const model = scriptedModel([
      events(
        { type: "tool-call", id: "t1", name: "wait", input: {} },
        { type: "finish", reason: "tool-calls", usage },
      ),
    ]);
    const tools = createToolRegistry();
    let sawAbort = false;
    tools.addSource(() => [
      tool("wait", (_args, context) => {
        const outcome = new Promise<ToolOutcome>((resolve) =>
          context.signal.addEventListener("abort", () => {
            sawAbort = true;
            resolve({ status: "error", message: "killed" });
          }),
        );
        // The user interrupts while the tool is running.
        controller.abort();
        return outcome;
      }),
    ]);
    const out = await collect(
      runTurn({ model, messages: [user], tools, signal: controller.signal }),
    );
    expect(sawAbort).toBe(true);
    expect(messagesOf(out).at(-1)).toMatchObject({
      role: "tool",
      results: [{ outcome: { status: "cancelled" } }],
    });
    expect(out.at(-1)).toMatchObject({ type: "done", end: "interrupted" });
  });

  it("surfaces a provider error once and keeps what streamed", async () => {
    const model = scriptedModel([
      async function* () {
        yield { type: "text-delta", text: "half" };
        throw new ProviderError("stream-cut", "the connection closed mid-answer");
      },
    ]);
    const out = await collect(
      runTurn({
        model,
        messages: [user],
        tools: createToolRegistry(),
        signal: new AbortController().signal,
      }),
    );
    expect(messagesOf(out)).toMatchObject([
      { role: "assistant", parts: [{ text: "half" }], interrupted: true },
    ]);
    expect(out.filter((e) => e.type === "error")).toHaveLength(1);
    expect(out.at(-1)).toMatchObject({ type: "done", end: "error" });
  });

  it("stops after the step limit", async () => {
    const loopCall = events(
      { type: "tool-call", id: "x", name: "noop", input: {} },
      { type: "finish", reason: "tool-calls", usage },
    );
    const model = scriptedModel([loopCall, loopCall, loopCall]);
    const tools = createToolRegistry();
    tools.addSource(() => [tool("noop", async () => ({ status: "ok", content: [] }))]);
    const out = await collect(
      runTurn({
        model,
        messages: [user],
        tools,
        signal: new AbortController().signal,
        maxSteps: 2,
      }),
    );
    expect(out.at(-1)).toMatchObject({ type: "done", end: "max-steps" });
    expect(model.requests).toHaveLength(2);
  });
});
