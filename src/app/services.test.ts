import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../messages.js";
import { replayItems } from "./services.js";

const time = "2026-01-01T00:00:00.000Z";

describe("replayItems", () => {
  it("puts the interrupted marker after the cancelled tool lines of an answer cut off mid-call", () => {
    const messages: ChatMessage[] = [
      { role: "user", id: "u", time, text: "go" },
      {
        role: "assistant",
        id: "a",
        time,
        parts: [{ type: "tool-call", id: "c", name: "slow", input: { n: 1 } }],
        interrupted: true,
      },
      {
        role: "tool",
        id: "t",
        time,
        results: [{ callId: "c", name: "slow", outcome: { status: "cancelled" } }],
      },
    ];
    const items = replayItems(messages, () => undefined);
    expect(items.map((i) => i.kind)).toEqual(["user", "tool", "note"]);
    expect(items[1]).toMatchObject({
      kind: "tool",
      call: { name: "slow", summary: '{"n":1}', status: "cancelled" },
    });
    expect(items[2]).toEqual({ kind: "note", text: "interrupted" });
  });

  it("uses the tool's own summary when the tool is known", () => {
    const messages: ChatMessage[] = [
      {
        role: "assistant",
        id: "a",
        time,
        parts: [{ type: "tool-call", id: "c", name: "read", input: { path: "x.txt" } }],
      },
      {
        role: "tool",
        id: "t",
        time,
        results: [{ callId: "c", name: "read", outcome: { status: "ok", content: [] } }],
      },
    ];
    const items = replayItems(messages, (name) => ({
      name,
      description: "",
      inputSchema: {},
      effect: "read",
      origin: "builtin",
      summarize: () => "x.txt",
      execute: async () => ({ status: "ok", content: [] }),
    }));
    expect(items).toEqual([
      expect.objectContaining({
        kind: "tool",
        call: expect.objectContaining({ summary: "x.txt" }),
      }),
    ]);
  });
});
