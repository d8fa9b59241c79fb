import { randomUUID } from "node:crypto";
import type { AssistantPart, ChatMessage, ToolCall, Usage } from "../messages.js";
import type { ChatModel, FinishReason } from "../provider/types.js";
import type { ToolRegistry } from "../tools/registry.js";
import type { Tool, ToolOutcome, ToolProgress } from "../tools/types.js";
import { errorText } from "../utils/errors.js";

/**
 * A decision about one tool call, made before it runs (permissions live behind this). A denial
 * says who denied it, so the model can tell a rule from the user.
 */
export type ToolDecision =
  | { readonly allow: true }
  | {
      readonly allow: false;
      readonly reason: string;
      readonly by?: "rule" | "user" | "no-prompt";
      readonly rule?: string;
    };

/** Everything one turn needs. */
export interface TurnOptions {
  readonly model: ChatModel;
  readonly system?: string;
  /** The conversation so far, ending with the user's new message. */
  readonly messages: readonly ChatMessage[];
  readonly tools: ToolRegistry;
  /** Esc: stops the stream and every running tool. */
  readonly signal: AbortSignal;
  /** Model calls per turn before the loop gives up; default 25. */
  readonly maxSteps?: number;
  /** Asks whether a call may run; default allows everything. */
  readonly authorize?: (call: ToolCall, tool: Tool, signal: AbortSignal) => Promise<ToolDecision>;
  readonly newId?: () => string;
  readonly now?: () => Date;
  /** Milliseconds for tool durations; default `Date.now`. */
  readonly clock?: () => number;
}

/** How a turn ended. */
export type TurnEnd = "stop" | "interrupted" | "max-steps" | "error" | "length" | "content-filter";

/** What a turn reports, in order; finished messages come as `message` events to persist. */
export type TurnEvent =
  | { readonly type: "step-start"; readonly step: number }
  | { readonly type: "text-delta"; readonly text: string }
  | { readonly type: "reasoning-delta"; readonly text: string }
  | { readonly type: "tool-start"; readonly call: ToolCall; readonly summary: string }
  | { readonly type: "tool-progress"; readonly callId: string; readonly progress: ToolProgress }
  | {
      readonly type: "tool-end";
      readonly callId: string;
      readonly outcome: ToolOutcome;
      readonly durationMs: number;
    }
  | { readonly type: "message"; readonly message: ChatMessage }
  | { readonly type: "error"; readonly error: Error }
  | { readonly type: "done"; readonly end: TurnEnd; readonly usage: Usage };

const ZERO: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

/** Adds two usage records. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
  };
}

/**
 * Runs one turn: stream the model, run the tools it asks for (in parallel), feed the results
 * back, until the model stops, the user interrupts, or the step limit is reached. UI-free: it
 * only yields events. An interrupted turn still leaves a valid conversation: partial text is
 * kept (marked interrupted) and every tool call gets a result.
 */
export async function* runTurn(options: TurnOptions): AsyncGenerator<TurnEvent, void, undefined> {
  const newId = options.newId ?? randomUUID;
  const now = options.now ?? (() => new Date());
  const maxSteps = options.maxSteps ?? 25;
  const { signal } = options;
  const conversation = [...options.messages];
  let total = ZERO;

  for (let step = 0; step < maxSteps; step++) {
    yield { type: "step-start", step };
    const parts: AssistantPart[] = [];
    let usage: Usage | undefined;
    let finish: FinishReason = "other";
    let failure: Error | undefined;
    // When the current reasoning part began, to record how long the model thought.
    let reasoningSince: number | undefined;
    const endReasoning = (): void => {
      const last = parts.at(-1);
      if (reasoningSince !== undefined && last?.type === "reasoning") {
        parts[parts.length - 1] = { ...last, durationMs: Date.now() - reasoningSince };
      }
      reasoningSince = undefined;
    };
    try {
      const tools = options.tools.list();
      const stream = options.model.stream({
        ...(options.system !== undefined && { system: options.system }),
        messages: conversation,
        tools: tools.map((t) => ({
          name: t.name,
          description: t.description,
          inputSchema: t.inputSchema,
        })),
        signal,
      });
      for await (const event of untilAborted(stream, signal)) {
        switch (event.type) {
          case "text-delta":
            endReasoning();
            appendText(parts, "text", event.text);
            yield event;
            break;
          case "reasoning-delta":
            if (parts.at(-1)?.type !== "reasoning") reasoningSince = Date.now();
            appendText(parts, "reasoning", event.text);
            yield event;
            break;
          case "tool-call":
            endReasoning();
            parts.push({ type: "tool-call", id: event.id, name: event.name, input: event.input });
            break;
          case "finish":
            usage = event.usage;
            finish = event.reason;
            break;
        }
      }
    } catch (error) {
      if (!signal.aborted) failure = error instanceof Error ? error : new Error(String(error));
    }
    endReasoning();
    if (usage) total = addUsage(total, usage);
    const interrupted = signal.aborted;
    const calls = parts.filter(
      (p): p is AssistantPart & { type: "tool-call" } => p.type === "tool-call",
    );
    if (parts.length > 0 || !interrupted) {
      const message: ChatMessage = {
        role: "assistant",
        id: newId(),
        time: now().toISOString(),
        parts,
        model: options.model.id,
        ...(usage && { usage }),
        ...((interrupted || failure) && { interrupted: true }),
      };
      if (parts.length > 0 || !failure) {
        conversation.push(message);
        yield { type: "message", message };
      }
    }
    if (failure) {
      if (calls.length > 0)
        yield* closeCalls(calls, { status: "cancelled" }, conversation, newId, now);
      yield { type: "error", error: failure };
      yield { type: "done", end: "error", usage: total };
      return;
    }
    if (interrupted) {
      if (calls.length > 0)
        yield* closeCalls(calls, { status: "cancelled" }, conversation, newId, now);
      yield { type: "done", end: "interrupted", usage: total };
      return;
    }
    if (calls.length === 0) {
      const end: TurnEnd = finish === "length" || finish === "content-filter" ? finish : "stop";
      yield { type: "done", end, usage: total };
      return;
    }
    const results = yield* runCalls(calls, options);
    const message: ChatMessage = { role: "tool", id: newId(), time: now().toISOString(), results };
    conversation.push(message);
    yield { type: "message", message };
    if (signal.aborted) {
      yield { type: "done", end: "interrupted", usage: total };
      return;
    }
  }
  yield { type: "done", end: "max-steps", usage: total };
}

/**
 * Iterates a stream but stops the moment the signal aborts, even if the stream itself never
 * notices: Esc must end the turn at once, whatever the provider does.
 */
async function* untilAborted<T>(stream: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  if (signal.aborted) return;
  const iterator = stream[Symbol.asyncIterator]();
  let onAbort = (): void => {};
  const aborted = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    while (true) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === "aborted" || next.done) return;
      yield next.value;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    // Ask the stream to close without waiting: a stuck provider must not hold the turn.
    void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

function appendText(parts: AssistantPart[], type: "text" | "reasoning", text: string): void {
  const last = parts.at(-1);
  if (last?.type === type) parts[parts.length - 1] = { ...last, text: last.text + text };
  else parts.push({ type, text });
}

function* closeCalls(
  calls: readonly ToolCall[],
  outcome: ToolOutcome,
  conversation: ChatMessage[],
  newId: () => string,
  now: () => Date,
): Generator<TurnEvent> {
  const message: ChatMessage = {
    role: "tool",
    id: newId(),
    time: now().toISOString(),
    results: calls.map((call) => ({ callId: call.id, name: call.name, outcome })),
  };
  conversation.push(message);
  yield { type: "message", message };
}

type CallResult = { callId: string; name: string; outcome: ToolOutcome };

/** Runs calls in parallel, yielding their progress and ends as they happen. */
async function* runCalls(
  calls: readonly ToolCall[],
  options: TurnOptions,
): AsyncGenerator<TurnEvent, CallResult[], undefined> {
  const queue: TurnEvent[] = [];
  let wake: (() => void) | undefined;
  const push = (event: TurnEvent): void => {
    queue.push(event);
    wake?.();
  };
  const results = new Map<string, ToolOutcome>();
  for (const call of calls) {
    const tool = options.tools.find(call.name);
    push({ type: "tool-start", call, summary: summarizeToolCall(tool, call.input) });
  }
  const clock = options.clock ?? Date.now;
  const running = calls.map(async (call) => {
    // Reset once the call is allowed: the time the user took to approve is not the tool's.
    let started = clock();
    const outcome = await runOne(
      call,
      options,
      (progress) => push({ type: "tool-progress", callId: call.id, progress }),
      () => {
        started = clock();
      },
    );
    results.set(call.id, outcome);
    push({ type: "tool-end", callId: call.id, outcome, durationMs: clock() - started });
  });
  let pending = running.length;
  for (const p of running)
    void p.finally(() => {
      pending--;
      wake?.();
    });
  while (pending > 0 || queue.length > 0) {
    if (queue.length === 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
      continue;
    }
    const event = queue.shift();
    if (event) yield event;
  }
  return calls.map((call) => ({
    callId: call.id,
    name: call.name,
    outcome: results.get(call.id) ?? { status: "cancelled" },
  }));
}

async function runOne(
  call: ToolCall,
  options: TurnOptions,
  onProgress: (progress: ToolProgress) => void,
  onAllowed: () => void,
): Promise<ToolOutcome> {
  const { signal } = options;
  const tool = options.tools.find(call.name);
  if (!tool) return { status: "error", message: `unknown tool "${call.name}"` };
  if (signal.aborted) return { status: "cancelled" };
  try {
    const decision = options.authorize
      ? await options.authorize(call, tool, signal)
      : { allow: true as const };
    if (signal.aborted) return { status: "cancelled" };
    if (!decision.allow)
      return {
        status: "denied",
        reason: decision.reason,
        ...(decision.by !== undefined && { by: decision.by }),
        ...(decision.rule !== undefined && { rule: decision.rule }),
      };
    onAllowed();
    const outcome = await tool.execute(call.input, { signal, onProgress });
    return signal.aborted && outcome.status !== "ok" ? { status: "cancelled" } : outcome;
  } catch (error) {
    if (signal.aborted) return { status: "cancelled" };
    return { status: "error", message: errorText(error) };
  }
}

/** The one-line argument summary of a tool call, as the tool line shows it. */
export function summarizeToolCall(tool: Tool | undefined, input: unknown): string {
  if (tool?.summarize) {
    try {
      return tool.summarize(input);
    } catch {
      // A summary is decoration; a tool that cannot summarize its input still runs.
    }
  }
  const text = JSON.stringify(input) ?? "";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
