import type { AssistantContent, ModelMessage, ToolCallPart, ToolResultPart, UserContent } from "ai";
import type { Attachment, ChatMessage, ToolCall } from "../messages.js";
import type { ToolContentPart, ToolOutcome } from "../tools/types.js";
import type { ProviderFlavor } from "./resolve.js";

// Type-only imports from "ai": this module stays free of the SDK at runtime.

/** Text of the synthetic results the model sees for calls that never ran. */
export const CANCELLED_TEXT = "cancelled by the user";

type ToolOutput = ToolResultPart["output"];

/** What the model can take besides text. */
export interface ModelCapabilities {
  /** Images in user messages and tool results (vision). */
  readonly imageInput: boolean;
}

/** Anthropic's models all read images; OpenAI-compatible servers only when configured so. */
export function defaultCapabilities(flavor: ProviderFlavor): ModelCapabilities {
  return { imageInput: flavor === "anthropic" };
}

/** The one note a model without image input reads instead of images. */
export function imagesNotSentNote(count: number, mimeTypes: readonly string[]): string {
  const kinds = [...new Set(mimeTypes)].join(", ");
  const what = count === 1 ? `an image (${kinds})` : `${count} images (${kinds})`;
  return `[${what} not shown: this model is not configured for image input (providers.NAME.imageInput in settings.json)]`;
}

/** Where a tool result's images go when the wire format cannot carry them in the result. */
const IMAGE_FOLLOWS = "[image attached in the next message]";

/** Joins text parts; images become one line: `imageText` (where they went) or a note. */
function textOf(parts: readonly ToolContentPart[], imageText?: string): string {
  const texts = parts.flatMap((part) => (part.type === "text" ? [part.text] : []));
  const images = parts.flatMap((part) => (part.type === "image" ? [part.mimeType] : []));
  if (images.length > 0) texts.push(imageText ?? imagesNotSentNote(images.length, images));
  return texts.join("\n");
}

/** The parts the model gets: those the server addressed to the user only become one note. */
export function forModel(parts: readonly ToolContentPart[]): ToolContentPart[] {
  const hidden = parts.filter((part) => part.audience === "user").length;
  const kept = parts.filter((part) => part.audience !== "user");
  if (hidden === 0) return kept;
  const what = hidden === 1 ? "1 item" : `${hidden} items`;
  return [...kept, { type: "text", text: `[${what} addressed to the user only, not shown here]` }];
}

/** What the model reads for one tool outcome. */
export function toolOutput(
  outcome: ToolOutcome,
  flavor: ProviderFlavor,
  capabilities: ModelCapabilities = defaultCapabilities(flavor),
): ToolOutput {
  // forModel leaves no user-only part, so these recursions end after one step.
  if (outcome.status === "ok" && outcome.content.some((part) => part.audience === "user")) {
    return toolOutput({ ...outcome, content: forModel(outcome.content) }, flavor, capabilities);
  }
  if (outcome.status === "error" && outcome.content?.some((part) => part.audience === "user")) {
    return toolOutput({ ...outcome, content: forModel(outcome.content) }, flavor, capabilities);
  }
  switch (outcome.status) {
    case "ok": {
      const hasImage = outcome.content.some((part) => part.type === "image");
      if (hasImage && flavor === "anthropic" && capabilities.imageInput) {
        return {
          type: "content",
          value: outcome.content.map((part) =>
            part.type === "text"
              ? { type: "text", text: part.text }
              : { type: "image-data", data: part.data, mediaType: part.mimeType },
          ),
        };
      }
      // OpenAI's tool messages hold text only: images follow in a user message (see below).
      const follows = hasImage && capabilities.imageInput ? IMAGE_FOLLOWS : undefined;
      let text = textOf(outcome.content, follows);
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
  capabilities: ModelCapabilities = defaultCapabilities(flavor),
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
      const attachments = message.attachments ?? [];
      out.push({
        role: "user",
        content:
          attachments.length === 0
            ? message.text
            : userContent(message.text, attachments, capabilities),
      });
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
          output: toolOutput(results.get(call.id) ?? { status: "cancelled" }, flavor, capabilities),
        })),
      });
      if (flavor !== "anthropic" && capabilities.imageInput) {
        const images = calls.flatMap((call) => {
          const outcome = results.get(call.id);
          if (outcome?.status !== "ok") return [];
          return forModel(outcome.content).flatMap((part) =>
            part.type === "image" ? [{ call: call.name, part }] : [],
          );
        });
        if (images.length > 0) {
          out.push({
            role: "user",
            content: [
              {
                type: "text",
                text: `Images returned by ${[...new Set(images.map((i) => i.call))].join(", ")}:`,
              },
              ...images.map(({ part }) => ({
                type: "image" as const,
                image: part.data,
                mediaType: part.mimeType,
              })),
            ],
          });
        }
      }
    }
  }
  return out;
}

/** A user message with what it mentioned: text resources inline, images as image parts. */
function userContent(
  text: string,
  attachments: readonly Attachment[],
  capabilities: ModelCapabilities,
): UserContent {
  const content: Exclude<UserContent, string> = [{ type: "text", text }];
  const skipped = attachments.filter((a) => a.type === "image" && !capabilities.imageInput);
  for (const attachment of attachments) {
    if (attachment.type === "text") {
      const mime = attachment.mimeType ? ` mimeType="${attachment.mimeType}"` : "";
      content.push({
        type: "text",
        text: `<resource source="${attachment.source}"${mime}>\n${attachment.text}\n</resource>`,
      });
    } else if (capabilities.imageInput) {
      content.push({ type: "text", text: `<resource source="${attachment.source}"/>` });
      content.push({ type: "image", image: attachment.data, mediaType: attachment.mimeType });
    }
  }
  if (skipped.length > 0) {
    content.push({
      type: "text",
      text: imagesNotSentNote(
        skipped.length,
        skipped.map((a) => (a.type === "image" ? a.mimeType : "")),
      ),
    });
  }
  return content;
}
