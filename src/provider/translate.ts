import type { AssistantContent, ModelMessage, ToolCallPart, ToolResultPart } from "ai";
import type { ChatMessage, ToolCall } from "../agent/messages.js";
import type { ToolContentPart, ToolOutcome } from "../tools/types.js";
import type { ProviderFlavor } from "./resolve.js";

// Type-only imports from "ai": this module stays free of the SDK at runtime.

/** Text of the synthetic results the model sees for calls that never ran. */
export const CANCELLED_TEXT = "cancelled by the user";

type ToolOutput = ToolResultPart["output"];

/** Joins text parts; images become a placeholder where the wire format has no room for them. */
function textOf(parts: readonly ToolContentPart[]): string {
  return parts
    .map((part) => (part.type === "text" ? part.text : `[image ${part.mimeType} omitted]`))
    .join("\n");
}

/** What the model reads for one tool outcome. */
export function toolOutput(outcome: ToolOutcome, flavor: ProviderFlavor): ToolOutput {
  switch (outcome.status) {
    case "ok": {
      const hasImage = outcome.content.some((part) => part.type === "image");
      if (hasImage && flavor === "anthropic") {
        return {
          type: "content",
          value: outcome.content.map((part) =>
            part.type === "text"
              ? { type: "text", text: part.text }
              : { type: "image-data", data: part.data, mediaType: part.mimeType },
          ),
        };
      }
      let text = textOf(outcome.content);
      if (text === "" && outcome.structured !== undefined) {
        text = JSON.stringify(outcome.structured);
      }
      return { type: "text", value: text === "" ? "(no output)" : text };
    }
    case "error": {
      const extra = outcome.content ? textOf(outcome.content) : "";
      return {
        type: "error-text",
        value:
          extra && extra !== outcome.message ? `${outcome.message}\n${extra}` : outcome.message,
      };
    }
    case "denied":
      return { type: "error-text", value: deniedText(outcome) };
    case "cancelled":
      return { type: "error-text", value: CANCELLED_TEXT };
  }
}

/** What the model reads for a denied call: who denied it, and why. */
export function deniedText(outcome: Extract<ToolOutcome, { status: "denied" }>): string {
  if (outcome.by === "rule")
    return outcome.rule !== undefined
      ? `denied by a rule: ${outcome.rule}`
      : `denied by a rule: ${outcome.reason}`;
  // Print mode's text already says what happened and how to allow it.
  if (outcome.by === "no-prompt") return outcome.reason;
  return outcome.reason ? `denied by the user: ${outcome.reason}` : "denied by the user";
}

/** Tool input as the wire format accepts it: Anthropic only takes JSON objects. */
function callInput(call: ToolCall, flavor: ProviderFlavor): unknown {
  const isObject =
    typeof call.input === "object" && call.input !== null && !Array.isArray(call.input);
  if (flavor === "anthropic" && !isObject) return {};
  return call.input ?? {};
}

/**
 * Translates wren's conversation into the AI SDK's messages. The result is always a valid
 * conversation: every tool call is followed at once by exactly one result (a "cancelled" one when
 * the call never finished, e.g. after Esc), results without a call are dropped, interrupted
 * assistant messages keep their partial text, and empty assistant messages are left out.
 * Reasoning is sent back to OpenAI-compatible servers (`reasoning_content`) but not to Anthropic,
 * which only accepts thinking blocks with a signature wren does not keep.
 */
export function toModelMessages(
  messages: readonly ChatMessage[],
  flavor: ProviderFlavor,
): ModelMessage[] {
  const results = new Map<string, ToolOutcome>();
  for (const message of messages) {
    if (message.role !== "tool") continue;
    for (const result of message.results) {
      if (!results.has(result.callId)) results.set(result.callId, result.outcome);
    }
  }
  const seenCalls = new Set<string>();
  const out: ModelMessage[] = [];
  for (const message of messages) {
    if (message.role === "user") {
      out.push({ role: "user", content: message.text });
      continue;
    }
    if (message.role === "tool") continue; // placed right after the call that asked for it
    const content: Exclude<AssistantContent, string> = [];
    const calls: ToolCall[] = [];
    for (const part of message.parts) {
      if (part.type === "text") {
        if (part.text !== "") content.push({ type: "text", text: part.text });
      } else if (part.type === "reasoning") {
        if (flavor !== "anthropic" && part.text !== "") {
          content.push({ type: "reasoning", text: part.text });
        }
      } else if (!seenCalls.has(part.id)) {
        seenCalls.add(part.id);
        calls.push(part);
        const call: ToolCallPart = {
          type: "tool-call",
          toolCallId: part.id,
          toolName: part.name,
          input: callInput(part, flavor),
        };
        content.push(call);
      }
    }
    if (!content.some((part) => part.type === "text" || part.type === "tool-call")) continue;
    out.push({ role: "assistant", content });
    if (calls.length > 0) {
      out.push({
        role: "tool",
        content: calls.map((call) => ({
          type: "tool-result",
          toolCallId: call.id,
          toolName: call.name,
          output: toolOutput(results.get(call.id) ?? { status: "cancelled" }, flavor),
        })),
      });
    }
  }
  return out;
}
