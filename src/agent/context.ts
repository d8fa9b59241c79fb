import type { ChatMessage } from "../messages.js";

/** Rough token count of a message: about four characters a token, which errs on the safe side. */
export function estimateTokens(message: ChatMessage): number {
  return Math.ceil(JSON.stringify(message).length / 4);
}

/**
 * Keeps the newest messages that fit in `budget` tokens. The kept part always starts with a
 * user message, so no tool result is left without the call it answers. Returns how many
 * messages were dropped so the caller can say so: trimming is never silent.
 */
export function fitToContext(
  messages: readonly ChatMessage[],
  budget: number,
): { messages: readonly ChatMessage[]; dropped: number } {
  let used = 0;
  let start = messages.length;
  while (start > 0) {
    const cost = estimateTokens(messages[start - 1] as ChatMessage);
    if (used + cost > budget && start < messages.length) break;
    used += cost;
    start--;
  }
  // Move forward to a user message: a turn is never cut in half.
  while (start < messages.length - 1 && messages[start]?.role !== "user") start++;
  return { messages: messages.slice(start), dropped: start };
}
