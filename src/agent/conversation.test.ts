import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ChatModel, ModelEvent, ModelRequest } from "../provider/types.js";
import { ProviderError } from "../provider/types.js";
import { createSessionStore } from "../session/session-store.js";
import { createToolRegistry } from "../tools/registry.js";
import { resolvePaths } from "../utils/paths.js";
import { SUMMARY_HEADING } from "./compact.js";
import { ConversationBusyError, createConversation } from "./conversation.js";
import type { FinishedItem } from "./live-turn.js";

const usage = { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0 };

/** A model at the provider boundary: each call answers with the next scripted reply. */
function model(
  replies: ((request: ModelRequest) => AsyncIterable<ModelEvent>)[],
): ChatModel & { seen: ModelRequest[] } {
  const seen: ModelRequest[] = [];
  return {
    id: "mock/m",
    seen,
    stream(request) {
      seen.push({ ...request, messages: [...request.messages] });
      const reply = replies.shift();
      if (!reply) throw new Error("no reply scripted");
      return reply(request);
    },
  };
}

const say = (text: string) =>
  async function* (): AsyncIterable<ModelEvent> {
    yield { type: "text-delta", text };
    yield { type: "finish", reason: "stop", usage };
  };

/** Streams until the request is aborted. */
const hang = (first: string) =>
  async function* (request: ModelRequest): AsyncIterable<ModelEvent> {
    yield { type: "text-delta", text: first };
    await new Promise((resolve) => request.signal.addEventListener("abort", resolve));
  };

async function setup(
  replies: Parameters<typeof model>[0],
  extra: Partial<Parameters<typeof createConversation>[0]> = {},
) {
  const root = await mkdtemp(join(tmpdir(), "wren-conv-"));
  const paths = resolvePaths({ WREN_HOME: join(root, "home") }, join(root, "project"));
  const sessions = createSessionStore(paths);
  const items: FinishedItem[] = [];
  const m = model(replies);
  const conversation = createConversation({
    model: () => m,
    tools: createToolRegistry(),
    sessions,
    onFinished: (item) => items.push(item),
    publishIntervalMs: 0,
    ...extra,
  });
  return { conversation, items, m, sessions };
}

describe("conversation", () => {
  it("reads a message's mentions before sending: notes shown, attachments kept with it", async () => {
    const { conversation, items, m, sessions } = await setup([say("read it")], {
      attach: async (text) => ({
        attachments: [{ type: "text", source: `docs:${text.length}`, text: "the doc" }],
        notes: ["attached @docs:a://x (7 B)"],
      }),
    });
    conversation.send("look at @docs:a://x");
    await conversation.idle();
    expect(items.slice(0, 2)).toEqual([
      { kind: "user", text: "look at @docs:a://x" },
      { kind: "note", text: "attached @docs:a://x (7 B)" },
    ]);
    expect(m.seen[0]?.messages[0]).toMatchObject({
      role: "user",
      attachments: [{ type: "text", source: "docs:19", text: "the doc" }],
    });
    await conversation.close();
    const resumed = await sessions.resume(conversation.getSnapshot().sessionId ?? "");
    expect(resumed.messages[0]).toMatchObject({ attachments: [{ text: "the doc" }] });
    await resumed.writer.close();
  });

  it("compacts: the summary replaces the history, in memory and in the session file", async () => {
    const { conversation, m, sessions } = await setup([
      say("Heron noted."),
      say("User chose the codeword heron."),
      hang("thinking"),
    ]);
    conversation.send("the codeword is heron");
    await conversation.idle();
    const { replaced } = await conversation.compact(new AbortController().signal);
    expect(replaced).toBe(2);
    expect(m.seen[1]?.messages.at(-1)).toMatchObject({ role: "user" });
    expect(conversation.messages()).toEqual([
      expect.objectContaining({
        role: "user",
        text: `${SUMMARY_HEADING}\n\nUser chose the codeword heron.`,
      }),
    ]);
    conversation.send("and now?");
    await expect(conversation.compact(new AbortController().signal)).rejects.toBeInstanceOf(
      ConversationBusyError,
    );
    conversation.interrupt();
    await conversation.idle();
    await conversation.close();
    const id = conversation.getSnapshot().sessionId ?? "";
    const resumed = await sessions.resume(id);
    expect(resumed.messages[0]).toMatchObject({
      role: "user",
      text: expect.stringContaining("heron"),
    });
    expect(resumed.messages.map((x) => x.role)).toEqual(["user", "user", "assistant"]);
    await resumed.writer.close();
  });

  it("sends a message, streams the answer and persists both", async () => {
    const { conversation, items, sessions } = await setup([say("Hello **there**")]);
    conversation.send("hi");
    await conversation.idle();
    expect(items.map((i) => i.kind)).toEqual(["user", "assistant-text", "turn-end"]);
    expect(items[1]).toEqual({ kind: "assistant-text", text: "Hello **there**" });
    expect(conversation.getSnapshot().usage.session).toEqual(usage);
    await conversation.close();
    const resumed = await sessions.resume(conversation.getSnapshot().sessionId!);
    expect(resumed.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("queues messages typed during a turn and sends them in order", async () => {
    const { conversation, items, m } = await setup([hang("working"), say("second"), say("third")]);
    conversation.send("first");
    conversation.send("two");
    conversation.send("three");
    expect(conversation.getSnapshot().queue).toEqual(["two", "three"]);
    expect(conversation.unqueueLast()).toBe("three");
    conversation.send("three");
    await expect.poll(() => conversation.getSnapshot().live?.text).toBe("working");
    conversation.interrupt();
    await conversation.idle();
    const users = items.flatMap((i) => (i.kind === "user" ? [i.text] : []));
    expect(users).toEqual(["first", "two", "three"]);
    expect(
      items.filter((i) => i.kind === "turn-end").map((i) => (i.kind === "turn-end" ? i.end : "")),
    ).toEqual(["interrupted", "stop", "stop"]);
    // The interrupted answer stays in the conversation the model sees next.
    expect(m.seen[1]?.messages.map((msg) => msg.role)).toEqual(["user", "assistant", "user"]);
  });

  it("sendNow interrupts and sends the queued message at once", async () => {
    const { conversation, items } = await setup([hang("long answer"), say("ok")]);
    conversation.send("first");
    conversation.send("urgent");
    conversation.sendNow();
    await conversation.idle();
    expect(items.flatMap((i) => (i.kind === "user" ? [i.text] : []))).toEqual(["first", "urgent"]);
  });

  it("turns a model error into one error item and stays usable", async () => {
    const { conversation, items } = await setup([
      async function* () {
        yield* [];
        throw new ProviderError("auth", "openai rejected the API key (401)");
      },
      say("fine now"),
    ]);
    conversation.send("hi");
    await conversation.idle();
    conversation.send("again");
    await conversation.idle();
    expect(items.filter((i) => i.kind === "error")).toEqual([
      { kind: "error", text: "openai rejected the API key (401)" },
    ]);
    expect(items.some((i) => i.kind === "assistant-text" && i.text === "fine now")).toBe(true);
  });

  it("retries the last answer and records it in the session", async () => {
    const { conversation, sessions } = await setup([say("first try"), say("second try")]);
    conversation.send("q");
    await conversation.idle();
    expect(conversation.retry()).toBe(true);
    await conversation.idle();
    expect(conversation.lastAnswer()).toBe("second try");
    await conversation.close();
    const resumed = await sessions.resume(conversation.getSnapshot().sessionId!);
    expect(resumed.messages).toHaveLength(2);
  });

  it("resumes the latest session into the conversation", async () => {
    const first = await setup([say("remembered")]);
    first.conversation.send("note this");
    await first.conversation.idle();
    await first.conversation.close();
    const conversation = createConversation({
      model: () => first.m,
      tools: createToolRegistry(),
      sessions: first.sessions,
      onFinished: () => {},
    });
    const resumed = await conversation.resume("latest");
    expect(resumed.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(conversation.lastAnswer()).toBe("remembered");
  });
});

describe("sendMessages (an MCP prompt's messages)", () => {
  it("adds the earlier messages, merges neighbours of one role, and runs a turn on the last", async () => {
    const { conversation, items, m } = await setup([say("Answer."), hang("busy")]);
    const ran = conversation.sendMessages([
      { role: "user", text: "Context A" },
      { role: "assistant", text: "Noted." },
      { role: "user", text: "Question" },
      { role: "user", text: "[resource file:///x]\nbody" },
    ]);
    expect(ran).toBe(true);
    await conversation.idle();
    expect(m.seen[0]?.messages.map((x) => x.role)).toEqual(["user", "assistant", "user"]);
    expect(m.seen[0]?.messages.at(-1)).toMatchObject({
      text: "Question\n\n[resource file:///x]\nbody",
    });
    expect(items.slice(0, 3).map((i) => i.kind)).toEqual(["user", "assistant-text", "user"]);
    // No second prompt while a turn runs: the caller waits for it.
    conversation.send("go on");
    expect(() => conversation.sendMessages([{ role: "user", text: "x" }])).toThrow(
      ConversationBusyError,
    );
    conversation.interrupt();
  });

  it("sends a prompt's images with the user message they belong to", async () => {
    const { conversation, m } = await setup([say("I see it.")]);
    const image = {
      type: "image",
      source: "prompt image",
      mimeType: "image/png",
      data: "AAAA",
    } as const;
    conversation.sendMessages([
      { role: "user", text: "Describe this" },
      { role: "user", text: "", attachments: [image] },
    ]);
    await conversation.idle();
    expect(m.seen[0]?.messages).toHaveLength(1);
    expect(m.seen[0]?.messages[0]).toMatchObject({ text: "Describe this", attachments: [image] });
  });

  it("runs no turn when the prompt ends with the assistant's words", async () => {
    const { conversation, m } = await setup([]);
    expect(conversation.sendMessages([{ role: "assistant", text: "Hello" }])).toBe(false);
    expect(conversation.messages()).toHaveLength(1);
    expect(m.seen).toHaveLength(0);
  });
});
