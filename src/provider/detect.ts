import { listModels } from "./models.js";
import { ollamaBaseURL, WELL_KNOWN_PROVIDERS } from "./resolve.js";

/** A provider wren can offer on first run, and why. */
export interface DetectedProvider {
  readonly provider: "anthropic" | "openai" | "openrouter" | "ollama";
  /** One line for the user: "ANTHROPIC_API_KEY is set", "Ollama answers at http://...". */
  readonly reason: string;
  /** `provider/model` to offer; for Ollama the first installed model, if any. */
  readonly suggestedModel?: string;
}

/** Injected dependencies of `detectProviders`. */
export interface DetectOptions {
  readonly fetchFn?: typeof fetch;
  /** How long to wait for a local Ollama. Default 500 ms. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const KEYED = ["anthropic", "openai", "openrouter"] as const;

/**
 * Which providers could work with nothing configured: API keys in the environment
 * (ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY) and a local Ollama that answers within
 * the timeout (its URL honours OLLAMA_HOST). Never throws; meant to run in the background.
 */
export async function detectProviders(
  env: NodeJS.ProcessEnv,
  options: DetectOptions = {},
): Promise<DetectedProvider[]> {
  const found: DetectedProvider[] = [];
  for (const provider of KEYED) {
    const known = WELL_KNOWN_PROVIDERS[provider];
    if (!known?.keyEnv || !env[known.keyEnv]) continue;
    found.push({
      provider,
      reason: `${known.keyEnv} is set`,
      ...(known.suggestedModel && { suggestedModel: `${provider}/${known.suggestedModel}` }),
    });
  }
  const url = ollamaBaseURL(env).replace(/\/v1$/, "");
  try {
    const models = await listModels(
      "ollama",
      { providers: {} },
      {
        env,
        timeoutMs: options.timeoutMs ?? 500,
        ...(options.fetchFn && { fetchFn: options.fetchFn }),
        ...(options.signal && { signal: options.signal }),
      },
    );
    const first = models[0];
    found.push({
      provider: "ollama",
      reason: first
        ? `Ollama answers at ${url}`
        : `Ollama answers at ${url} but has no models yet (ollama pull qwen3:8b)`,
      ...(first && { suggestedModel: `ollama/${first.id}` }),
    });
  } catch {
    // No local Ollama (or it answered garbage): nothing to offer.
  }
  return found;
}
