import type { ChatMessage, Usage } from "../messages.js";
import type { ChatModel } from "../provider/types.js";
import type { ToolRegistry } from "../tools/registry.js";
import { addUsage } from "./loop.js";

/** What the model is asked to do with the conversation (`/compact`). */
export const COMPACT_INSTRUCTION = [
  "Summarise our conversation so far so that it can replace it: you will continue from the",
  "summary alone. Keep what matters for the work ahead: the user's goals and requests, decisions",
  "made, files and commands involved, tool results still relevant, and open questions or next",
  "steps. Be concise and factual; write it as notes, not as a reply to the user.",
].join(" ");

/** The heading of the message that stands in for the compacted conversation. */
export const SUMMARY_HEADING =
  "Summary of the conversation so far (earlier messages were compacted):";

/** The model's summary of `messages`, and what it cost. */
export interface ConversationSummary {
  readonly text: string;
  readonly usage: Usage;
}

/** The summary came back empty: nothing is replaced. */
export class EmptySummaryError extends Error {
  override readonly name = "EmptySummaryError";
}

/**
 * Asks the model for a summary of the conversation. Tools are described (tool calls in the
 * history need them with some providers) but never run: only text is kept.
 */
export async function summarizeConversation(options: {
  readonly model: ChatModel;
  readonly messages: readonly ChatMessage[];
  readonly tools: ToolRegistry;
  readonly system?: string;
  readonly signal: AbortSignal;
  readonly now?: () => Date;
}): Promise<ConversationSummary> {
  const now = options.now ?? (() => new Date());
  const request: ChatMessage = {
    role: "user",
    id: "compact-request",
    time: now().toISOString(),
    text: COMPACT_INSTRUCTION,
  };
  let text = "";
  let usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  for await (const event of options.model.stream({
    ...(options.system !== undefined && { system: options.system }),
    messages: [...options.messages, request],
    tools: options.tools.list().map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
    })),
    signal: options.signal,
  })) {
    if (event.type === "text-delta") text += event.text;
    if (event.type === "finish") usage = addUsage(usage, event.usage);
  }
  if (!text.trim()) throw new EmptySummaryError("the model returned an empty summary");
  return { text: text.trim(), usage };
}
