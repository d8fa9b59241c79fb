import { z } from "zod";
import { type ErrorContext, httpStatusError, isAbortError, networkError } from "./errors.js";
import { type ProvidersConfig, resolveProvider, secretsOf } from "./resolve.js";
import { ProviderError } from "./types.js";

/** One model a provider offers. */
export interface ModelInfo {
  /** The name to put after `provider/`. */
  readonly id: string;
  /** A friendlier name when the provider gives one (Anthropic's `display_name`). */
  readonly displayName?: string;
}

/** Injected dependencies of `listModels`. */
export interface ListModelsOptions {
  readonly fetchFn?: typeof fetch;
  readonly env?: NodeJS.ProcessEnv;
  /** Aborts the request (the caller's Esc); rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Gives up after this long with a "network" ProviderError. Default 10 s. */
  readonly timeoutMs?: number;
}

/** The Anthropic API version wren speaks (the one the AI SDK sends too). */
const ANTHROPIC_VERSION = "2023-06-01";

const ModelListSchema = z.object({
  data: z.array(z.looseObject({ id: z.string(), display_name: z.string().optional() })),
});

/**
 * The models a provider offers: the `models` list from its settings entry when there is one,
 * else its models endpoint (`GET {baseURL}/models`, with Anthropic's headers for Anthropic).
 * OpenAI-style lists come back sorted by id; Anthropic's keep their newest-first order.
 */
export async function listModels(
  provider: string,
  config: ProvidersConfig,
  options: ListModelsOptions = {},
): Promise<ModelInfo[]> {
  const configured = config.providers[provider]?.models;
  if (configured && configured.length > 0) return configured.map((id) => ({ id }));
  const resolved = resolveProvider(provider, config, options.env ?? process.env);
  const fetchFn = options.fetchFn ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ctx: ErrorContext = {
    provider,
    baseURL: resolved.baseURL,
    hasKey: resolved.apiKey !== undefined,
    keySource: resolved.keySource,
    secrets: secretsOf(resolved),
  };
  const anthropic = resolved.flavor === "anthropic";
  const headers: Record<string, string> = {
    accept: "application/json",
    ...(anthropic
      ? {
          "anthropic-version": ANTHROPIC_VERSION,
          ...(resolved.apiKey && { "x-api-key": resolved.apiKey }),
        }
      : resolved.apiKey && { authorization: `Bearer ${resolved.apiKey}` }),
    ...resolved.headers,
  };
  const url = `${resolved.baseURL}/models${anthropic ? "?limit=1000" : ""}`;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  let response: Response;
  let body: string;
  try {
    response = await fetchFn(url, { headers, signal });
    body = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted || isAbortError(error)) {
      throw new ProviderError(
        "network",
        `cannot reach ${resolved.baseURL}: no answer within ${timeoutMs / 1000}s`,
        {
          cause: error,
        },
      );
    }
    throw networkError(ctx, error);
  }
  if (!response.ok) {
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name] = value;
    });
    throw httpStatusError(ctx, response.status, body, responseHeaders);
  }
  let parsed: z.infer<typeof ModelListSchema>;
  try {
    parsed = ModelListSchema.parse(JSON.parse(body));
  } catch (error) {
    throw new ProviderError("server", `${provider} sent a model list wren cannot read (${url})`, {
      cause: error,
    });
  }
  const models = parsed.data.map((m) => ({
    id: m.id,
    ...(m.display_name !== undefined && { displayName: m.display_name }),
  }));
  return anthropic ? models : models.sort((a, b) => a.id.localeCompare(b.id));
}
