// What `wren -p --output-format json|stream-json` writes: Claude Code's shapes for the result
// object, the `system`/`init` line and the conversation's messages, so scripts written for
// `claude -p` read wren's output unchanged.
import type { WrenConfig } from "../config/load.js";
import type { McpServerState } from "../mcp/status.js";
import type { AssistantPart, ChatMessage, Usage } from "../messages.js";
import { estimateCost } from "../provider/cost.js";
import type { ToolOutcome } from "../tools/types.js";

/** Claude Code's `subtype` of the final result object. */
export type ResultSubtype = "success" | "error_during_execution" | "error_max_turns";

/** The result object of `--output-format json` (and the last line of `stream-json`). */
export interface PrintResult {
  readonly type: "result";
  readonly subtype: ResultSubtype;
  readonly is_error: boolean;
  readonly result: string;
  readonly session_id: string;
  readonly num_turns: number;
  readonly duration_ms: number;
  readonly total_cost_usd: number;
  readonly usage: {
    readonly input_tokens: number;
    readonly output_tokens: number;
    readonly cache_read_input_tokens: number;
  };
  readonly model?: string;
  /** Why it failed, when `is_error`. */
  readonly error?: string;
}

/** Why a run failed: the error line, and the result's subtype when it is not the default. */
export interface PrintFailure {
  readonly subtype?: ResultSubtype;
  readonly message: string;
}

/** What a finished run reports in its result object. */
export interface RunSummary {
  readonly answer: string;
  readonly sessionId: string;
  /** Model requests made (Claude Code's `num_turns`). */
  readonly steps: number;
  readonly durationMs: number;
  /** All tokens spent, sampling included. */
  readonly usage: Usage;
  readonly modelId: string | undefined;
  /** For the model's prices (`providers.NAME.prices`). */
  readonly config: WrenConfig;
  readonly failure?: PrintFailure;
}

/** The result object of a run, priced with the configured prices of its model. */
export function resultObject(run: RunSummary): PrintResult {
  const { modelId, failure, usage } = run;
  const slash = modelId?.indexOf("/") ?? -1;
  const price =
    modelId && slash > 0
      ? run.config.providers[modelId.slice(0, slash)]?.prices?.[modelId.slice(slash + 1)]
      : undefined;
  return {
    type: "result",
    subtype: failure ? (failure.subtype ?? "error_during_execution") : "success",
    is_error: failure !== undefined,
    result: run.answer,
    session_id: run.sessionId,
    num_turns: run.steps,
    duration_ms: run.durationMs,
    total_cost_usd: estimateCost(usage, price) ?? 0,
    usage: {
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cache_read_input_tokens: usage.cachedInputTokens,
    },
    ...(modelId !== undefined && { model: modelId }),
    ...(failure && { error: failure.message }),
  };
}

/** A server's status in the `system`/`init` event, in Claude Code's words. */
export function serverStatus(state: McpServerState): string {
  switch (state.status.state) {
    case "connected":
      return "connected";
    case "connecting":
      return "pending";
    case "needs-auth":
      return "needs-auth";
    case "disabled":
      return "disabled";
    case "failed":
      return "failed";
  }
}

/** A conversation message as a stream-json `assistant` / `user` line (Claude Code's shape). */
export function streamMessage(message: ChatMessage, sessionId: string): unknown {
  const common = { parent_tool_use_id: null, session_id: sessionId };
  if (message.role === "assistant") {
    return {
      type: "assistant",
      message: {
        id: message.id,
        type: "message",
        role: "assistant",
        ...(message.model !== undefined && { model: message.model }),
        content: message.parts.flatMap(contentBlock),
        ...(message.usage && {
          usage: {
            input_tokens: message.usage.inputTokens,
            output_tokens: message.usage.outputTokens,
            cache_read_input_tokens: message.usage.cachedInputTokens,
          },
        }),
      },
      ...common,
    };
  }
  if (message.role === "tool") {
    return {
      type: "user",
      message: {
        role: "user",
        content: message.results.map((r) => ({
          type: "tool_result",
          tool_use_id: r.callId,
          content: outcomeText(r.outcome),
          is_error: r.outcome.status !== "ok",
        })),
      },
      ...common,
    };
  }
  return { type: "user", message: { role: "user", content: message.text }, ...common };
}

function contentBlock(part: AssistantPart): unknown[] {
  switch (part.type) {
    case "text":
      return [{ type: "text", text: part.text }];
    case "reasoning":
      return [{ type: "thinking", thinking: part.text }];
    case "tool-call":
      return [{ type: "tool_use", id: part.id, name: part.name, input: part.input }];
  }
}

function outcomeText(outcome: ToolOutcome): string {
  if (outcome.status === "denied") return outcome.reason;
  if (outcome.status === "error") return outcome.message;
  if (outcome.status === "cancelled") return "cancelled";
  return outcome.content
    .map((c) => (c.type === "text" ? c.text : `[image ${c.mimeType}]`))
    .join("\n");
}
