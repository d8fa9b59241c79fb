import type { CreateMessageRequestParams } from "@modelcontextprotocol/client";
import { ProtocolError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import type { Usage } from "../messages.js";
import type { ChatModel, ModelEvent, ModelRequest } from "../provider/types.js";
import {
  createSamplingHandler,
  describeSamplingRequest,
  ruleConsent,
  type SamplingDecision,
  toChatMessages,
  USER_REJECTED,
} from "./sampling.js";

const usage: Usage = { inputTokens: 12, outputTokens: 5, cachedInputTokens: 0 };

/** A model that answers from a list of events and records what it was asked. */
function fakeModel(events: ModelEvent[]): { model: ChatModel; requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    requests,
    model: {
      id: "mock/model",
      async *stream(request) {
        requests.push(request);
        yield* events;
      },
    },
  };
}

const params: CreateMessageRequestParams = {
  messages: [{ role: "user", content: { type: "text", text: "What is 2+2?" } }],
  systemPrompt: "Be brief.",
  maxTokens: 100_000,
};

const signal = new AbortController().signal;

describe("createSamplingHandler", () => {
  it("asks first, then answers with the user's model within the capped limit, counting usage", async () => {
    const { model, requests } = fakeModel([
      { type: "text-delta", text: "4" },
      { type: "finish", reason: "stop", usage },
    ]);
    const seen: unknown[] = [];
    const counted: Usage[] = [];
    const handler = createSamplingHandler({
      model: () => model,
      consent: async (view) => {
        seen.push(view);
        return "once";
      },
      onUsage: (u) => counted.push(u),
      maxTokensCap: 1000,
    });
    const result = await handler("calc", params, signal);
    expect(result).toEqual({
      role: "assistant",
      model: "mock/model",
      stopReason: "endTurn",
      content: { type: "text", text: "4" },
    });
    expect(seen).toEqual([
      {
        server: "calc",
        model: "mock/model",
        lines: [
          { role: "system", text: "Be brief." },
          { role: "user", text: "What is 2+2?" },
        ],
        tools: [],
        maxTokens: 1000,
        requestedMaxTokens: 100_000,
      },
    ]);
    expect(requests[0]?.maxOutputTokens).toBe(1000);
    expect(requests[0]?.system).toBe("Be brief.");
    expect(counted).toEqual([usage]);
  });

  it("denied: the model is never called and the server gets the user-rejected error", async () => {
    const { model, requests } = fakeModel([]);
    const handler = createSamplingHandler({ model: () => model, consent: async () => "deny" });
    const error = await handler("thief", params, signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error instanceof ProtocolError && error.code).toBe(USER_REJECTED);
    expect(requests).toHaveLength(0);
  });

  it("allow for this session asks once per server; other servers are still asked", async () => {
    const { model } = fakeModel([{ type: "finish", reason: "stop", usage }]);
    const asked: string[] = [];
    const answers: SamplingDecision[] = ["session", "deny"];
    const handler = createSamplingHandler({
      model: () => model,
      consent: async (view) => {
        asked.push(view.server);
        return answers.shift() ?? "deny";
      },
    });
    await handler("a", params, signal);
    await handler("a", params, signal);
    await expect(handler("b", params, signal)).rejects.toBeInstanceOf(ProtocolError);
    expect(asked).toEqual(["a", "b"]);
  });

  it("without a configured model, refuses without asking", async () => {
    let asked = false;
    const handler = createSamplingHandler({
      model: () => undefined,
      consent: async () => {
        asked = true;
        return "once";
      },
    });
    await expect(handler("a", params, signal)).rejects.toBeInstanceOf(ProtocolError);
    expect(asked).toBe(false);
  });

  it("tools in sampling: offers the server's tools and returns the model's tool use", async () => {
    const { model, requests } = fakeModel([
      { type: "tool-call", id: "c1", name: "get_weather", input: { city: "Oslo" } },
      { type: "finish", reason: "tool-calls", usage },
    ]);
    const handler = createSamplingHandler({ model: () => model, consent: async () => "once" });
    const withTools: CreateMessageRequestParams = {
      ...params,
      tools: [
        {
          name: "get_weather",
          description: "Weather",
          inputSchema: { type: "object", properties: {} },
        },
      ],
    };
    const result = await handler("w", withTools, signal);
    expect(requests[0]?.tools.map((t) => t.name)).toEqual(["get_weather"]);
    expect(result).toEqual({
      role: "assistant",
      model: "mock/model",
      stopReason: "toolUse",
      content: [{ type: "tool_use", id: "c1", name: "get_weather", input: { city: "Oslo" } }],
    });
  });
});

describe("toChatMessages", () => {
  it("maps tool use and tool results of a multi-step sampling conversation", () => {
    const messages = toChatMessages({
      maxTokens: 10,
      messages: [
        { role: "user", content: { type: "text", text: "weather?" } },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "c1", name: "get_weather", input: { city: "Oslo" } }],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", toolUseId: "c1", content: [{ type: "text", text: "sunny" }] },
          ],
        },
      ],
    });
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    const results = messages[2]?.role === "tool" ? messages[2].results : [];
    expect(results).toEqual([
      {
        callId: "c1",
        name: "get_weather",
        outcome: { status: "ok", content: [{ type: "text", text: "sunny" }] },
      },
    ]);
  });
});

describe("describeSamplingRequest", () => {
  it("shows images by size, never as data, and keeps a limit below the cap as asked", () => {
    const view = describeSamplingRequest(
      "s",
      "m/x",
      {
        maxTokens: 50,
        messages: [
          { role: "user", content: { type: "image", data: "AAAA", mimeType: "image/png" } },
        ],
      },
      4096,
    );
    expect(view.lines).toEqual([
      { role: "user", text: "[image image/png, 3 bytes: not sent to the model]" },
    ]);
    expect(view.maxTokens).toBe(50);
    expect(view.requestedMaxTokens).toBeUndefined();
  });
});

describe("ruleConsent (print mode)", () => {
  it("allows only servers named as sampling(NAME), and says why on the log", async () => {
    const lines: string[] = [];
    const consent = ruleConsent(["mcp__x__*", "sampling(good)"], (l) => lines.push(l));
    const view = describeSamplingRequest("good", "m/x", params, 10);
    expect(await consent(view, signal)).toBe("once");
    expect(await consent({ ...view, server: "other" }, signal)).toBe("deny");
    expect(lines[1]).toContain("--allowed-tools 'sampling(other)'");
  });
});
