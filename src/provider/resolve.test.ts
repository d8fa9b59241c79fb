import { describe, expect, it } from "vitest";
import type { ProviderSettings } from "../config/schema.js";
import { parseModelId, resolveModel, secretsOf } from "./resolve.js";
import { ProviderError } from "./types.js";

const none = { providers: {} };
const withProviders = (providers: Record<string, ProviderSettings>) => ({ providers });

function configError(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error("expected a ProviderError");
}

describe("parseModelId", () => {
  it("splits at the first slash so OpenRouter ids keep theirs", () => {
    expect(parseModelId("openrouter/anthropic/claude-sonnet-4.5")).toEqual({
      provider: "openrouter",
      model: "anthropic/claude-sonnet-4.5",
    });
  });

  it.each(["gpt-4o", "/gpt-4o", "openai/"])("rejects %j with an example", (id) => {
    const error = configError(() => parseModelId(id));
    expect(error.kind).toBe("config");
    expect(error.message).toContain('should be "provider/model"');
  });
});

describe("resolveModel", () => {
  it("knows the well-known providers without settings", () => {
    const env = { OPENAI_API_KEY: "sk-o", ANTHROPIC_API_KEY: "sk-a", OPENROUTER_API_KEY: "sk-r" };
    expect(resolveModel("openai/gpt-4.1", none, env)).toMatchObject({
      flavor: "openai-compatible",
      baseURL: "https://api.openai.com/v1",
      apiKey: "sk-o",
      keySource: "OPENAI_API_KEY",
    });
    expect(resolveModel("anthropic/claude-sonnet-4-5", none, env)).toMatchObject({
      flavor: "anthropic",
      baseURL: "https://api.anthropic.com/v1",
      apiKey: "sk-a",
    });
    expect(resolveModel("openrouter/x/y", none, env)).toMatchObject({
      baseURL: "https://openrouter.ai/api/v1",
      apiKey: "sk-r",
      model: "x/y",
    });
    const ollama = resolveModel("ollama/qwen3:8b", none, {});
    expect(ollama).toMatchObject({ baseURL: "http://localhost:11434/v1", model: "qwen3:8b" });
    expect(ollama.apiKey).toBeUndefined();
  });

  it("honours OPENAI_BASE_URL for the openai provider, unless settings give a baseURL", () => {
    const env = { OPENAI_API_KEY: "sk-1", OPENAI_BASE_URL: "https://gateway.example/v1/" };
    expect(resolveModel("openai/gpt-5", { providers: {} }, env).baseURL).toBe(
      "https://gateway.example/v1",
    );
    const own = {
      providers: { openai: { type: "openai" as const, baseURL: "https://own.example/v1" } },
    };
    expect(resolveModel("openai/gpt-5", own, env).baseURL).toBe("https://own.example/v1");
    expect(resolveModel("openai/gpt-5", { providers: {} }, { OPENAI_API_KEY: "k" }).baseURL).toBe(
      "https://api.openai.com/v1",
    );
  });

  it("finds Ollama through OLLAMA_HOST, as its CLI does", () => {
    expect(resolveModel("ollama/m", none, { OLLAMA_HOST: "10.0.0.5:11434" }).baseURL).toBe(
      "http://10.0.0.5:11434/v1",
    );
    expect(resolveModel("ollama/m", none, { OLLAMA_HOST: "https://gpu.local/" }).baseURL).toBe(
      "https://gpu.local/v1",
    );
  });

  it("lets a settings entry override a well-known provider's defaults", () => {
    const resolved = resolveModel(
      "anthropic/claude",
      withProviders({
        anthropic: { type: "anthropic", apiKey: "from-settings", headers: { "X-Team": "core" } },
      }),
      { ANTHROPIC_API_KEY: "from-env" },
    );
    expect(resolved).toMatchObject({
      baseURL: "https://api.anthropic.com/v1",
      apiKey: "from-settings",
      keySource: "providers.anthropic.apiKey",
      headers: { "X-Team": "core" },
    });
  });

  it("resolves a custom OpenAI-compatible server and trims the trailing slash", () => {
    const resolved = resolveModel(
      "vllm/qwen",
      withProviders({ vllm: { type: "openai-compatible", baseURL: "http://gpu:8000/v1/" } }),
      { OPENAI_API_KEY: "not-for-vllm" },
    );
    expect(resolved).toMatchObject({ flavor: "openai-compatible", baseURL: "http://gpu:8000/v1" });
    expect(resolved.apiKey).toBeUndefined();
  });

  it("names what to add for an unknown provider", () => {
    const error = configError(() => resolveModel("lmstudio/qwen", none, {}));
    expect(error.kind).toBe("config");
    expect(error.message).toMatch(
      /^unknown provider "lmstudio": add it under "providers" in settings.json, for example "lmstudio": \{ "type": "openai-compatible", "baseURL": .*\(built in: openai, anthropic, openrouter, ollama\)$/,
    );
  });

  it("asks for a baseURL when an OpenAI-compatible entry has none", () => {
    const error = configError(() =>
      resolveModel("corp/m", withProviders({ corp: { type: "openai-compatible" } }), {}),
    );
    expect(error.message).toContain('provider "corp" needs a "baseURL"');
  });

  it("says which variable to set when a key is missing", () => {
    expect(configError(() => resolveModel("anthropic/claude", none, {})).message).toBe(
      'no API key for anthropic: set ANTHROPIC_API_KEY or add "apiKey" to providers.anthropic in settings.json',
    );
    expect(
      configError(() =>
        resolveModel(
          "proxy/claude",
          withProviders({ proxy: { type: "anthropic", baseURL: "http://proxy/v1" } }),
          { ANTHROPIC_API_KEY: "vendor-key-not-for-a-proxy" },
        ),
      ).message,
    ).toBe('no API key for proxy: add "apiKey" to providers.proxy in settings.json');
  });
});

describe("secretsOf", () => {
  it("collects the key and credential-looking header values", () => {
    expect(
      secretsOf({
        apiKey: "sk-1234",
        headers: { Authorization: "Bearer abcd", "X-Team": "core", "X-Api-Key": "zzzz" },
      }),
    ).toEqual(["sk-1234", "Bearer abcd", "zzzz"]);
  });
});

describe("takesImages", () => {
  it("follows the setting, else the provider type", async () => {
    const { takesImages } = await import("./resolve.js");
    expect(takesImages(undefined, "anthropic", "claude")).toBe(true);
    expect(takesImages(undefined, "openai", "gpt-4.1")).toBe(true);
    expect(takesImages(undefined, "openai-compatible", "qwen3")).toBe(false);
    expect(takesImages(true, "openai-compatible", "qwen3")).toBe(true);
    expect(takesImages(false, "anthropic", "claude")).toBe(false);
    expect(takesImages(["llava*", "gemma3"], "openai-compatible", "llava:13b")).toBe(true);
    expect(takesImages(["llava*", "gemma3"], "openai-compatible", "gemma3:4b")).toBe(false);
  });
});
