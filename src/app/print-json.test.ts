import { describe, expect, it } from "vitest";
import type { WrenConfig } from "../config/load.js";
import { resultObject, streamMessage } from "./print-json.js";

const config: WrenConfig = {
  providers: {
    mock: { type: "openai-compatible", prices: { m: { inputPerMTok: 2, outputPerMTok: 10 } } },
  },
  permissions: { allow: [], deny: [] },
  display: "standard",
  servers: [],
  warnings: [],
  files: [],
};
const usage = { inputTokens: 1_000_000, outputTokens: 100_000, cachedInputTokens: 0 };
const run = { answer: "hi", sessionId: "s1", steps: 2, durationMs: 7, usage, config };

describe("resultObject", () => {
  it("prices the run with the model's configured prices", () => {
    expect(resultObject({ ...run, modelId: "mock/m" })).toEqual({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "hi",
      session_id: "s1",
      num_turns: 2,
      duration_ms: 7,
      total_cost_usd: 3,
      usage: { input_tokens: 1_000_000, output_tokens: 100_000, cache_read_input_tokens: 0 },
      model: "mock/m",
    });
    expect(resultObject({ ...run, modelId: "other/m" }).total_cost_usd).toBe(0);
  });

  it("names the failure and its subtype", () => {
    const failed = resultObject({ ...run, modelId: undefined, failure: { message: "boom" } });
    expect(failed).toMatchObject({
      subtype: "error_during_execution",
      is_error: true,
      error: "boom",
    });
    expect(failed).not.toHaveProperty("model");
    const maxTurns = { subtype: "error_max_turns" as const, message: "stopped" };
    expect(resultObject({ ...run, modelId: "mock/m", failure: maxTurns }).subtype).toBe(
      "error_max_turns",
    );
  });
});

describe("streamMessage", () => {
  it("writes tool results as a user line of tool_result blocks", () => {
    const line = streamMessage(
      {
        role: "tool",
        id: "t1",
        time: "2026-01-01T00:00:00.000Z",
        results: [
          { callId: "c1", name: "read", outcome: { status: "denied", reason: "not allowed" } },
          {
            callId: "c2",
            name: "shot",
            outcome: {
              status: "ok",
              content: [
                { type: "text", text: "ok" },
                { type: "image", data: "", mimeType: "image/png" },
              ],
            },
          },
        ],
      },
      "s1",
    );
    expect(line).toEqual({
      type: "user",
      message: {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "c1", content: "not allowed", is_error: true },
          {
            type: "tool_result",
            tool_use_id: "c2",
            content: "ok\n[image image/png]",
            is_error: false,
          },
        ],
      },
      parent_tool_use_id: null,
      session_id: "s1",
    });
  });

  it("writes an assistant message's parts as Claude Code content blocks", () => {
    const line = streamMessage(
      {
        role: "assistant",
        id: "a1",
        time: "2026-01-01T00:00:00.000Z",
        parts: [
          { type: "reasoning", text: "hmm" },
          { type: "text", text: "Reading." },
          { type: "tool-call", id: "c1", name: "read", input: { path: "a" } },
        ],
      },
      "s1",
    );
    expect(line).toMatchObject({
      type: "assistant",
      message: {
        content: [
          { type: "thinking", thinking: "hmm" },
          { type: "text", text: "Reading." },
          { type: "tool_use", id: "c1", name: "read", input: { path: "a" } },
        ],
      },
    });
  });
});
