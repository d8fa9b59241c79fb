// Model providers behind one streaming interface. This module is light: the AI SDK loads on the
// first `stream()` call (`./ai-sdk.js`), so importing it costs nothing at startup.
import { type ProvidersConfig, type ResolvedModel, resolveModel } from "./resolve.js";
import type { ChatModel, ModelEvent, ModelRequest } from "./types.js";

export { estimateCost, type ModelPrice } from "./cost.js";
export { type DetectedProvider, type DetectOptions, detectProviders } from "./detect.js";
export { type ListModelsOptions, listModels, type ModelInfo } from "./models.js";
export {
  type ProviderFlavor,
  type ProvidersConfig,
  parseModelId,
  type ResolvedModel,
  resolveModel,
  WELL_KNOWN_PROVIDERS,
} from "./resolve.js";
export * from "./types.js";

/** Injected dependencies of `createChatModel`. */
export interface ChatModelOptions {
  /** Every HTTP request goes through it (tests pass a fake; default: global `fetch`). */
  readonly fetchFn?: typeof fetch;
  /** Where API keys and `OLLAMA_HOST` are read (default: `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Retries of a failed request before any output (429, 5xx, dropped connections), with the
   * SDK's backoff (2 s, 4 s, or the server's retry-after when under a minute). Default: env
   * `WREN_MODEL_RETRIES` if it is a whole number, else 2. Tests use 0.
   */
  readonly maxRetries?: number;
}

/**
 * A chat model for `provider/model`, resolved against `config.providers` (well-known providers
 * need no entry). Configuration problems (bad id, unknown provider, missing key) throw
 * `ProviderError` kind "config" here; everything else surfaces from `stream()`.
 */
export function createChatModel(
  modelId: string,
  config: ProvidersConfig,
  options: ChatModelOptions = {},
): ChatModel {
  const env = options.env ?? process.env;
  const resolved: ResolvedModel = resolveModel(modelId, config, env);
  const fromEnv = Number(env.WREN_MODEL_RETRIES);
  const deps = {
    fetchFn: options.fetchFn ?? globalThis.fetch,
    maxRetries:
      options.maxRetries ??
      (env.WREN_MODEL_RETRIES && Number.isSafeInteger(fromEnv) && fromEnv >= 0 ? fromEnv : 2),
  };
  return {
    id: resolved.id,
    async *stream(request: ModelRequest): AsyncGenerator<ModelEvent> {
      const { streamWithSdk } = await import("./ai-sdk.js");
      yield* streamWithSdk(resolved, request, deps);
    },
  };
}

/**
 * Loads the AI SDK ahead of the first message (call it after the first frame, when idle), so the
 * first answer does not wait for it (~0.15–0.25 s on a 2-core machine). Never rejects.
 */
export async function preloadModelSdk(): Promise<void> {
  await import("./ai-sdk.js").catch(() => undefined);
}
