import { describe, expect, it } from "vitest";
import { detectProviders } from "./detect.js";

const noOllama: typeof fetch = async () => {
  throw new TypeError("fetch failed", {
    cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
  });
};

describe("detectProviders", () => {
  it("offers each provider whose key is set", async () => {
    const found = await detectProviders(
      { OPENAI_API_KEY: "sk-1", OPENROUTER_API_KEY: "sk-2", ANTHROPIC_API_KEY: "" },
      { fetchFn: noOllama },
    );
    expect(found).toEqual([
      { provider: "openai", reason: "OPENAI_API_KEY is set", suggestedModel: "openai/gpt-4.1" },
      {
        provider: "openrouter",
        reason: "OPENROUTER_API_KEY is set",
        suggestedModel: "openrouter/anthropic/claude-sonnet-4.5",
      },
    ]);
  });

  it("offers a local Ollama with its first model, or says how to get one", async () => {
    const urls: string[] = [];
    const withModels: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(JSON.stringify({ data: [{ id: "qwen3:8b" }, { id: "llama3.2" }] }));
    };
    expect(await detectProviders({}, { fetchFn: withModels })).toEqual([
      {
        provider: "ollama",
        reason: "Ollama answers at http://localhost:11434",
        suggestedModel: "ollama/llama3.2",
      },
    ]);
    expect(urls).toEqual(["http://localhost:11434/v1/models"]);
    const empty: typeof fetch = async () => new Response(JSON.stringify({ data: [] }));
    expect(await detectProviders({}, { fetchFn: empty })).toEqual([
      {
        provider: "ollama",
        reason:
          "Ollama answers at http://localhost:11434 but has no models yet (ollama pull qwen3:8b)",
      },
    ]);
  });

  it("never throws", async () => {
    expect(await detectProviders({}, { fetchFn: noOllama })).toEqual([]);
  });
});
