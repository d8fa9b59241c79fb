import { describe, expect, it } from "vitest";
import { listModels } from "./models.js";
import { ProviderError } from "./types.js";

const KEY = "sk-ant-SECRETSECRET";

function fakeFetch(respond: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; headers: Headers }[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    calls.push({ url: String(input), headers: new Headers(init?.headers) });
    return respond(String(input), init);
  };
  return { fetchFn, calls };
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("listModels", () => {
  it("returns the models listed in settings without asking the server", async () => {
    const { fetchFn, calls } = fakeFetch(() => json({ data: [] }));
    const models = await listModels(
      "ollama",
      { providers: { ollama: { type: "openai-compatible", models: ["qwen3:8b", "llama3"] } } },
      { fetchFn, env: {} },
    );
    expect(models).toEqual([{ id: "qwen3:8b" }, { id: "llama3" }]);
    expect(calls).toHaveLength(0);
  });

  it("reads an OpenAI-style list, sorted by id", async () => {
    const { fetchFn, calls } = fakeFetch(() =>
      json({ object: "list", data: [{ id: "gpt-b", object: "model" }, { id: "gpt-a" }] }),
    );
    const models = await listModels(
      "openai",
      { providers: {} },
      {
        fetchFn,
        env: { OPENAI_API_KEY: KEY },
      },
    );
    expect(models).toEqual([{ id: "gpt-a" }, { id: "gpt-b" }]);
    expect(calls[0]?.url).toBe("https://api.openai.com/v1/models");
    expect(calls[0]?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
  });

  it("asks Anthropic with its headers and keeps its newest-first order", async () => {
    const { fetchFn, calls } = fakeFetch(() =>
      json({
        data: [
          { type: "model", id: "claude-new", display_name: "Claude New" },
          { type: "model", id: "claude-old", display_name: "Claude Old" },
        ],
        has_more: false,
      }),
    );
    const models = await listModels(
      "anthropic",
      { providers: {} },
      {
        fetchFn,
        env: { ANTHROPIC_API_KEY: KEY },
      },
    );
    expect(models).toEqual([
      { id: "claude-new", displayName: "Claude New" },
      { id: "claude-old", displayName: "Claude Old" },
    ]);
    expect(calls[0]?.url).toBe("https://api.anthropic.com/v1/models?limit=1000");
    expect(calls[0]?.headers.get("x-api-key")).toBe(KEY);
    expect(calls[0]?.headers.get("anthropic-version")).toBe("2023-06-01");
  });

  it("maps HTTP errors like the chat stream does", async () => {
    const { fetchFn } = fakeFetch(() => json({ error: { message: `bad key ${KEY}` } }, 401));
    const error = await listModels(
      "anthropic",
      { providers: {} },
      {
        fetchFn,
        env: { ANTHROPIC_API_KEY: KEY },
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: "auth",
      message: "anthropic rejected the API key (401): check ANTHROPIC_API_KEY",
    });
  });

  it("gives up after the timeout with a network error", async () => {
    const fetchFn: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const error = await listModels(
      "ollama",
      { providers: {} },
      { fetchFn, env: {}, timeoutMs: 20 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: "network",
      message: "cannot reach http://localhost:11434/v1: no answer within 0.02s",
    });
  });

  it("rejects with the caller's abort reason when the caller aborts", async () => {
    const controller = new AbortController();
    const fetchFn: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const pending = listModels(
      "ollama",
      { providers: {} },
      {
        fetchFn,
        env: {},
        signal: controller.signal,
      },
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("reports a list it cannot read", async () => {
    const { fetchFn } = fakeFetch(() => json({ models: "nope" }));
    await expect(
      listModels("ollama", { providers: {} }, { fetchFn, env: {} }),
    ).rejects.toMatchObject({
      kind: "server",
    });
  });
});
