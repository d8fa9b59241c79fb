import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../messages.js";
import type { ToolOutcome } from "../tools/types.js";
import { imagesNotSentNote, toModelMessages, toolOutput } from "./translate.js";

const TIME = "2026-01-01T00:00:00.000Z";

const user = (text: string): ChatMessage => ({ role: "user", id: `u-${text}`, time: TIME, text });

const assistant = (
  parts: Extract<ChatMessage, { role: "assistant" }>["parts"],
  extra: { interrupted?: boolean } = {},
): ChatMessage => ({ role: "assistant", id: "a", time: TIME, parts, ...extra });

const results = (...items: [callId: string, outcome: ToolOutcome][]): ChatMessage => ({
  role: "tool",
  id: "t",
  time: TIME,
  results: items.map(([callId, outcome]) => ({ callId, name: "echo", outcome })),
});

const image = { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" } as const;

const ok = (text: string): ToolOutcome => ({ status: "ok", content: [{ type: "text", text }] });

describe("toModelMessages", () => {
  it("translates a plain exchange", () => {
    expect(
      toModelMessages([user("hi"), assistant([{ type: "text", text: "hello" }])], "anthropic"),
    ).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: [{ type: "text", text: "hello" }] },
    ]);
  });

  it("keeps reasoning for OpenAI-compatible servers and drops it for Anthropic", () => {
    const conversation = [
      user("hi"),
      assistant([
        { type: "reasoning", text: "thinking", durationMs: 1200 },
        { type: "text", text: "answer" },
      ]),
    ];
    expect(toModelMessages(conversation, "openai-compatible")[1]).toEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "thinking" },
        { type: "text", text: "answer" },
      ],
    });
    expect(toModelMessages(conversation, "anthropic")[1]).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "answer" }],
    });
  });

  it("puts each call's result right after it, in call order", () => {
    const messages = toModelMessages(
      [
        user("two calls"),
        assistant([
          { type: "text", text: "doing both" },
          { type: "tool-call", id: "c1", name: "echo", input: { text: "a" } },
          { type: "tool-call", id: "c2", name: "echo", input: { text: "b" } },
        ]),
        results(["c2", ok("B")], ["c1", ok("A")]),
      ],
      "openai-compatible",
    );
    expect(messages).toEqual([
      { role: "user", content: "two calls" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "doing both" },
          { type: "tool-call", toolCallId: "c1", toolName: "echo", input: { text: "a" } },
          { type: "tool-call", toolCallId: "c2", toolName: "echo", input: { text: "b" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "echo",
            output: { type: "text", value: "A" },
          },
          {
            type: "tool-result",
            toolCallId: "c2",
            toolName: "echo",
            output: { type: "text", value: "B" },
          },
        ],
      },
    ]);
  });

  it("gives calls without a result a cancelled one and keeps the interrupted text", () => {
    const messages = toModelMessages(
      [
        user("go"),
        assistant(
          [
            { type: "text", text: "partial ans" },
            { type: "tool-call", id: "c1", name: "echo", input: {} },
          ],
          { interrupted: true },
        ),
        user("stop that"),
      ],
      "anthropic",
    );
    expect(messages).toEqual([
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "partial ans" },
          { type: "tool-call", toolCallId: "c1", toolName: "echo", input: {} },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "echo",
            output: { type: "error-text", value: "cancelled by the user" },
          },
        ],
      },
      { role: "user", content: "stop that" },
    ]);
  });

  it("moves a result that arrived after a queued user message back to its call", () => {
    const messages = toModelMessages(
      [
        user("go"),
        assistant([{ type: "tool-call", id: "c1", name: "echo", input: {} }]),
        user("queued meanwhile"),
        results(["c1", ok("done")]),
      ],
      "openai-compatible",
    );
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "user"]);
  });

  it("drops results whose call is unknown, duplicate calls and empty assistant messages", () => {
    const messages = toModelMessages(
      [
        user("hi"),
        assistant([], { interrupted: true }),
        assistant([{ type: "reasoning", text: "only thoughts" }], { interrupted: true }),
        assistant([
          { type: "tool-call", id: "c1", name: "echo", input: {} },
          { type: "tool-call", id: "c1", name: "echo", input: {} },
        ]),
        results(["c1", ok("one")], ["ghost", ok("nobody asked")]),
      ],
      "anthropic",
    );
    expect(messages).toHaveLength(3);
    expect(JSON.stringify(messages)).not.toContain("ghost");
    expect(messages[1]?.content).toHaveLength(1);
  });

  it("sends Anthropic an object input even when the model produced something else", () => {
    const conversation = [
      user("hi"),
      assistant([{ type: "tool-call", id: "c1", name: "echo", input: "{not json" }]),
      results(["c1", ok("x")]),
    ];
    expect(toModelMessages(conversation, "anthropic")[1]?.content).toEqual([
      { type: "tool-call", toolCallId: "c1", toolName: "echo", input: {} },
    ]);
    expect(toModelMessages(conversation, "openai-compatible")[1]?.content).toEqual([
      { type: "tool-call", toolCallId: "c1", toolName: "echo", input: "{not json" },
    ]);
  });
});

describe("toolOutput", () => {
  it("joins text content, falls back to structured content, never sends an empty string", () => {
    expect(
      toolOutput(
        {
          status: "ok",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
        "openai-compatible",
      ),
    ).toEqual({ type: "text", value: "a\nb" });
    expect(toolOutput({ status: "ok", content: [], structured: { sum: 5 } }, "anthropic")).toEqual({
      type: "text",
      value: '{"sum":5}',
    });
    expect(toolOutput({ status: "ok", content: [] }, "anthropic")).toEqual({
      type: "text",
      value: "(no output)",
    });
  });

  it("sends images to Anthropic and one note to models without image input", () => {
    const outcome: ToolOutcome = {
      status: "ok",
      content: [{ type: "text", text: "a PNG" }, image],
    };
    expect(toolOutput(outcome, "anthropic")).toEqual({
      type: "content",
      value: [
        { type: "text", text: "a PNG" },
        { type: "image-data", data: image.data, mediaType: "image/png" },
      ],
    });
    const twice: ToolOutcome = {
      status: "ok",
      content: [image, { type: "text", text: "x" }, image],
    };
    expect(toolOutput(twice, "openai-compatible")).toEqual({
      type: "text",
      value: `x\n${imagesNotSentNote(2, ["image/png"])}`,
    });
    expect(imagesNotSentNote(2, ["image/png"])).toContain("2 images (image/png) not shown");
    // An Anthropic-flavoured gateway whose model is text-only gets the note too.
    expect(toolOutput(outcome, "anthropic", { imageInput: false })).toEqual({
      type: "text",
      value: `a PNG\n${imagesNotSentNote(1, ["image/png"])}`,
    });
  });

  it("moves tool-result images of OpenAI-compatible vision models into a user message", () => {
    const messages = toModelMessages(
      [
        user("look"),
        assistant([{ type: "tool-call", id: "c1", name: "shot", input: {} }]),
        results(["c1", { status: "ok", content: [{ type: "text", text: "a PNG" }, image] }]),
      ],
      "openai-compatible",
      { imageInput: true },
    );
    expect(messages[2]).toMatchObject({
      role: "tool",
      content: [{ output: { type: "text", value: "a PNG\n[image attached in the next message]" } }],
    });
    expect(messages[3]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Images returned by shot:" },
        { type: "image", image: image.data, mediaType: "image/png" },
      ],
    });
  });
});

describe("annotations", () => {
  it("keeps content addressed to the user only from the model, with one note", () => {
    const outcome: ToolOutcome = {
      status: "ok",
      content: [
        { type: "text", text: "Operation completed successfully", audience: "user" },
        { ...image, audience: "user" },
        { type: "text", text: "Debug: cache hit" },
      ],
    };
    expect(toolOutput(outcome, "anthropic")).toEqual({
      type: "text",
      value: "Debug: cache hit\n[2 items addressed to the user only, not shown here]",
    });
  });
});

describe("attachments", () => {
  const mention: ChatMessage = {
    role: "user",
    id: "u",
    time: TIME,
    text: "summarize @docs:demo://a.md and @docs:demo://p.png",
    attachments: [
      { type: "text", source: "docs:demo://a.md", mimeType: "text/markdown", text: "# A" },
      { type: "image", source: "docs:demo://p.png", mimeType: "image/png", data: image.data },
    ],
  };

  it("puts text resources inline and images as image parts for vision models", () => {
    expect(toModelMessages([mention], "anthropic")).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: mention.text },
          {
            type: "text",
            text: '<resource source="docs:demo://a.md" mimeType="text/markdown">\n# A\n</resource>',
          },
          { type: "text", text: '<resource source="docs:demo://p.png"/>' },
          { type: "image", image: image.data, mediaType: "image/png" },
        ],
      },
    ]);
  });

  it("replaces images with one note for models without image input", () => {
    const [message] = toModelMessages([mention], "openai-compatible");
    expect(message?.content).toEqual([
      { type: "text", text: mention.text },
      {
        type: "text",
        text: '<resource source="docs:demo://a.md" mimeType="text/markdown">\n# A\n</resource>',
      },
      { type: "text", text: imagesNotSentNote(1, ["image/png"]) },
    ]);
  });

  it("words errors, denials and cancellations for the model", () => {
    expect(toolOutput({ status: "error", message: "ENOENT: no such file" }, "anthropic")).toEqual({
      type: "error-text",
      value: "ENOENT: no such file",
    });
    expect(
      toolOutput(
        { status: "error", message: "exit 1", content: [{ type: "text", text: "stderr: boom" }] },
        "anthropic",
      ),
    ).toEqual({ type: "error-text", value: "exit 1\nstderr: boom" });
    expect(toolOutput({ status: "denied", reason: "not in this repo" }, "anthropic")).toEqual({
      type: "error-text",
      value: "denied by the user: not in this repo",
    });
    expect(
      toolOutput(
        {
          status: "denied",
          reason: "run_command is denied by the rule run_command(git push:*) in permissions.deny",
          by: "rule",
          rule: "run_command(git push:*)",
        },
        "anthropic",
      ),
    ).toEqual({ type: "error-text", value: "denied by a rule: run_command(git push:*)" });
    expect(
      toolOutput(
        {
          status: "denied",
          reason: "run_command was not run: print mode cannot ask",
          by: "no-prompt",
        },
        "openai-compatible",
      ),
    ).toEqual({ type: "error-text", value: "run_command was not run: print mode cannot ask" });
    expect(toolOutput({ status: "cancelled" }, "openai-compatible")).toEqual({
      type: "error-text",
      value: "cancelled by the user",
    });
  });
});
