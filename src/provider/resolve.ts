import type { WrenConfig } from "../config/load.js";
import type { ProviderSettings } from "../config/schema.js";
import { ProviderError } from "./types.js";

/** The two wire protocols wren speaks: OpenAI chat completions and Anthropic Messages. */
export type ProviderFlavor = "openai-compatible" | "anthropic";

/** The part of the configuration providers need. */
export type ProvidersConfig = Pick<WrenConfig, "providers">;

/** A provider that works without a `providers` entry. */
export interface WellKnownProvider {
  readonly type: ProviderSettings["type"];
  readonly baseURL: string;
  /** Environment variable holding the API key; none for local servers. */
  readonly keyEnv?: string;
  /** A model to suggest on first run. */
  readonly suggestedModel?: string;
}

const OPENAI_URL = "https://api.openai.com/v1";
const ANTHROPIC_URL = "https://api.anthropic.com/v1";
const OLLAMA_URL = "http://localhost:11434";

/** Providers usable by name alone: `openai/...`, `anthropic/...`, `openrouter/...`, `ollama/...`. */
export const WELL_KNOWN_PROVIDERS: Readonly<Record<string, WellKnownProvider>> = {
  openai: {
    type: "openai",
    baseURL: OPENAI_URL,
    keyEnv: "OPENAI_API_KEY",
    suggestedModel: "gpt-4.1",
  },
  anthropic: {
    type: "anthropic",
    baseURL: ANTHROPIC_URL,
    keyEnv: "ANTHROPIC_API_KEY",
    suggestedModel: "claude-sonnet-4-5",
  },
  openrouter: {
    type: "openai-compatible",
    baseURL: "https://openrouter.ai/api/v1",
    keyEnv: "OPENROUTER_API_KEY",
    suggestedModel: "anthropic/claude-sonnet-4.5",
  },
  ollama: { type: "openai-compatible", baseURL: `${OLLAMA_URL}/v1` },
};

/** A `provider/model` resolved against settings and environment: everything needed to call it. */
export interface ResolvedModel {
  /** `provider/model`. */
  readonly id: string;
  readonly provider: string;
  /** The model name the provider knows (may itself contain `/`, as on OpenRouter). */
  readonly model: string;
  readonly flavor: ProviderFlavor;
  /** Base URL without a trailing slash, e.g. `https://api.openai.com/v1`. */
  readonly baseURL: string;
  readonly apiKey?: string;
  /** Where the key is set, for messages: an env var or `providers.NAME.apiKey`. */
  readonly keySource: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Whether the model takes images (`providers.NAME.imageInput`, default by provider type). */
  readonly imageInput?: boolean;
}

/** Splits `provider/model`; the model part may contain further slashes. */
export function parseModelId(modelId: string): { provider: string; model: string } {
  const slash = modelId.indexOf("/");
  if (slash <= 0 || slash === modelId.length - 1) {
    throw new ProviderError(
      "config",
      `model "${modelId}" should be "provider/model", for example "ollama/qwen3:8b" or "anthropic/claude-sonnet-4-5"`,
    );
  }
  return { provider: modelId.slice(0, slash), model: modelId.slice(slash + 1) };
}

/** Ollama's OpenAI-compatible URL, honouring `OLLAMA_HOST` (`host:port` or a URL) like its CLI. */
export function ollamaBaseURL(env: NodeJS.ProcessEnv): string {
  const host = env.OLLAMA_HOST?.trim();
  if (!host) return `${OLLAMA_URL}/v1`;
  const url = /^https?:\/\//i.test(host) ? host : `http://${host}`;
  return `${url.replace(/\/+$/, "")}/v1`;
}

/** Resolves one provider's settings: its entry under `providers` over the built-in defaults. */
export function resolveProvider(
  provider: string,
  config: ProvidersConfig,
  env: NodeJS.ProcessEnv,
): Omit<ResolvedModel, "id" | "model"> {
  const entry = config.providers[provider];
  const known = WELL_KNOWN_PROVIDERS[provider];
  if (entry === undefined && known === undefined) {
    throw new ProviderError(
      "config",
      `unknown provider "${provider}": add it under "providers" in settings.json, for example ` +
        `"${provider}": { "type": "openai-compatible", "baseURL": "http://localhost:8000/v1" } ` +
        `(built in: ${Object.keys(WELL_KNOWN_PROVIDERS).join(", ")})`,
    );
  }
  const type = entry?.type ?? known!.type;
  const flavor: ProviderFlavor = type === "anthropic" ? "anthropic" : "openai-compatible";
  const baseURL = entry?.baseURL ?? defaultBaseURL(provider, type, env);
  if (baseURL === undefined) {
    throw new ProviderError(
      "config",
      `provider "${provider}" needs a "baseURL" in settings.json (providers.${provider}.baseURL), ` +
        `for example "http://localhost:8000/v1"`,
    );
  }
  const keyEnv = defaultKeyEnv(provider, type, entry?.baseURL);
  const fromSettings = entry?.apiKey !== undefined && entry.apiKey !== "";
  const apiKey = fromSettings ? entry?.apiKey : keyEnv ? env[keyEnv] || undefined : undefined;
  const keySource = fromSettings
    ? `providers.${provider}.apiKey`
    : (keyEnv ?? `providers.${provider}.apiKey`);
  const needsKey = flavor === "anthropic" || keyEnv !== undefined;
  if (needsKey && apiKey === undefined) {
    throw new ProviderError(
      "config",
      keyEnv
        ? `no API key for ${provider}: set ${keyEnv} or add "apiKey" to providers.${provider} in settings.json`
        : `no API key for ${provider}: add "apiKey" to providers.${provider} in settings.json`,
    );
  }
  return {
    provider,
    flavor,
    baseURL: baseURL.replace(/\/+$/, ""),
    ...(apiKey !== undefined && { apiKey }),
    keySource,
    headers: entry?.headers ?? {},
  };
}

/** The built-in URL for a provider of this type, when there is one. */
function defaultBaseURL(
  provider: string,
  type: ProviderSettings["type"],
  env: NodeJS.ProcessEnv,
): string | undefined {
  const known = WELL_KNOWN_PROVIDERS[provider];
  // OPENAI_BASE_URL points the OpenAI SDKs (and so scripts written for them) at a proxy or a
  // compatible gateway; honoured the same way here.
  if (type === "openai") return env.OPENAI_BASE_URL?.trim() || OPENAI_URL;
  if (known?.type === type) return provider === "ollama" ? ollamaBaseURL(env) : known.baseURL;
  if (type === "anthropic") return ANTHROPIC_URL;
  return undefined;
}

/**
 * The environment variable a key falls back to: the well-known provider's, or the vendor's own
 * when an entry of type `anthropic` / `openai` talks to the vendor's URL.
 */
function defaultKeyEnv(
  provider: string,
  type: ProviderSettings["type"],
  entryBaseURL: string | undefined,
): string | undefined {
  const known = WELL_KNOWN_PROVIDERS[provider];
  if (known?.type === type) return known.keyEnv;
  if (entryBaseURL !== undefined) return undefined;
  if (type === "anthropic") return "ANTHROPIC_API_KEY";
  if (type === "openai") return "OPENAI_API_KEY";
  return undefined;
}

/** Resolves `provider/model` against `config.providers`; problems are `ProviderError("config")`. */
export function resolveModel(
  modelId: string,
  config: ProvidersConfig,
  env: NodeJS.ProcessEnv,
): ResolvedModel {
  const { provider, model } = parseModelId(modelId);
  const resolved = resolveProvider(provider, config, env);
  const type = config.providers[provider]?.type ?? WELL_KNOWN_PROVIDERS[provider]?.type;
  const imageInput = takesImages(config.providers[provider]?.imageInput, type, model);
  return { id: modelId, model, ...resolved, imageInput };
}

/**
 * Whether `model` takes images: the setting when there is one (true, false, or model names with
 * an optional trailing `*`), else true for Anthropic and OpenAI, whose current models all do.
 * OpenAI-compatible servers run anything, so they must say so.
 */
export function takesImages(
  setting: boolean | readonly string[] | undefined,
  type: ProviderSettings["type"] | undefined,
  model: string,
): boolean {
  if (typeof setting === "boolean") return setting;
  if (setting !== undefined) {
    return setting.some((name) =>
      name.endsWith("*") ? model.startsWith(name.slice(0, -1)) : name === model,
    );
  }
  return type === "anthropic" || type === "openai";
}

/** Values that must never appear in messages: the key and credential-looking header values. */
export function secretsOf(resolved: Pick<ResolvedModel, "apiKey" | "headers">): string[] {
  const secrets = resolved.apiKey ? [resolved.apiKey] : [];
  for (const [name, value] of Object.entries(resolved.headers)) {
    if (/auth|key|token|secret|cookie/i.test(name) && value.length >= 4) secrets.push(value);
  }
  return secrets;
}
