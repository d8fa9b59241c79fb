import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../messages.js";
import { estimateTokens, fitToContext } from "./context.js";

const user = (text: string): ChatMessage => ({ role: "user", id: text, time: "t", text });
const call = (id: string): ChatMessage => ({
  role: "assistant",
  id: `a${id}`,
  time: "t",
  parts: [{ type: "tool-call", id, name: "read_file", input: { path: "x".repeat(200) } }],
});
const result = (id: string): ChatMessage => ({
  role: "tool",
  id: `r${id}`,
  time: "t",
  results: [
    {
      callId: id,
      name: "read_file",
      outcome: { status: "ok", content: [{ type: "text", text: "y".repeat(400) }] },
    },
  ],
});

describe("fitToContext", () => {
  it("keeps everything that fits", () => {
    const messages = [user("a"), call("1"), result("1")];
    expect(fitToContext(messages, 10_000)).toEqual({ messages, dropped: 0 });
  });

  it("drops the oldest turns and starts at a user message", () => {
    const messages = [user("old"), call("1"), result("1"), user("new"), call("2"), result("2")];
    const budget =
      estimateTokens(messages[3]!) +
      estimateTokens(messages[4]!) +
      estimateTokens(messages[5]!) +
      50;
    const fitted = fitToContext(messages, budget);
    expect(fitted.dropped).toBe(3);
    expect(fitted.messages[0]).toEqual(user("new"));
  });

  it("always keeps the latest message even when it alone is too big", () => {
    const messages = [user("a"), user("b".repeat(1000))];
    expect(fitToContext(messages, 10).messages).toEqual([messages[1]]);
  });
});
