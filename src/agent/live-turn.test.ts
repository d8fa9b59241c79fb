import { describe, expect, it } from "vitest";
import { createLiveTurn, type FinishedItem, type LiveTurn, splitAtParagraph } from "./live-turn.js";

describe("splitAtParagraph", () => {
  it("keeps open code fences in the tail", () => {
    expect(splitAtParagraph("one\n\ntwo")).toEqual({ stable: "one\n\n", tail: "two" });
    expect(splitAtParagraph("intro\n\n```js\na\n\nb")).toEqual({
      stable: "intro\n\n",
      tail: "```js\na\n\nb",
    });
    expect(splitAtParagraph("```\ncode\n```\n\nafter")).toEqual({
      stable: "```\ncode\n```\n\n",
      tail: "after",
    });
  });
});

function tracker() {
  const items: FinishedItem[] = [];
  const shown: LiveTurn[] = [];
  const turn = createLiveTurn({
    startedAt: 0,
    onFinished: (item) => items.push(item),
    split: splitAtParagraph,
    show: (live) => shown.push(live),
    publishIntervalMs: 0,
  });
  return { turn, items, shown };
}

const call = { id: "c1", name: "read", input: { path: "a" } };

describe("createLiveTurn", () => {
  it("moves stable paragraphs to the transcript and keeps the tail live", () => {
    const { turn, items, shown } = tracker();
    turn.apply({ type: "text-delta", text: "First paragraph.\n\nSecond" });
    expect(items).toEqual([{ kind: "assistant-text", text: "First paragraph." }]);
    expect(turn.current().text).toBe("Second");
    expect(shown.at(-1)?.text).toBe("Second");
    turn.finish();
    expect(items.at(-1)).toEqual({ kind: "assistant-text", text: "Second" });
  });

  it("finishes reasoning before the text and text before a tool starts", () => {
    const { turn, items } = tracker();
    turn.apply({ type: "reasoning-delta", text: "Thinking." });
    turn.apply({ type: "text-delta", text: "Reading it." });
    turn.apply({ type: "tool-start", call, summary: "a" });
    expect(items.map((i) => i.kind)).toEqual(["reasoning", "assistant-text"]);
    expect(turn.current().tools).toMatchObject([{ id: "c1", status: "running", summary: "a" }]);
  });

  it("shows a tool's progress and hands its end to the transcript with the outcome", () => {
    const { turn, items } = tracker();
    turn.apply({ type: "tool-start", call, summary: "a" });
    turn.apply({ type: "tool-progress", callId: "c1", progress: { message: "half" } });
    expect(turn.current().tools[0]?.progress).toEqual({ message: "half" });
    const outcome = { status: "ok" as const, content: [] };
    turn.apply({ type: "tool-end", callId: "c1", outcome, durationMs: 5 });
    expect(items).toEqual([
      {
        kind: "tool",
        call: {
          ...call,
          summary: "a",
          status: "ok",
          progress: { message: "half" },
          outcome,
          durationMs: 5,
        },
      },
    ]);
    expect(turn.current().tools).toEqual([]);
  });

  it("ends tools still running as cancelled when the turn finishes", () => {
    const { turn, items } = tracker();
    turn.apply({ type: "tool-start", call, summary: "a" });
    turn.apply({ type: "error", error: new Error("boom") });
    turn.finish();
    expect(items).toMatchObject([
      { kind: "error", text: "boom" },
      { kind: "tool", call: { id: "c1", status: "cancelled" } },
    ]);
  });
});
