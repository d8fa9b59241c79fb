// The only module that loads the Vercel AI SDK. `index.ts` imports it with `await import()` on
// the first request, so the REPL's startup never pays for it (ADR 0001).
import {
  APICallError,
  InvalidResponseDataError,
  jsonSchema,
  type LanguageModel,
  type LanguageModelUsage,
  LoadAPIKeyError,
  RetryError,
  stepCountIs,
  streamText,
  type ToolSet,
} from "ai";
import type { Usage } from "../messages.js";
import { errorText } from "../utils/errors.js";
import {
  type ErrorContext,
  errorCode,
  errorDetail,
  httpStatusError,
  isAbortError,
  isNetworkError,
  networkError,
  oneLine,
  streamCutError,
} from "./errors.js";
import { type ResolvedModel, secretsOf } from "./resolve.js";
import { toModelMessages } from "./translate.js";
import {
  type FinishReason,
  type ModelEvent,
  type ModelRequest,
  type ModelToolSpec,
  ProviderError,
} from "./types.js";

/** What the adapter needs besides the model and the request. */
export interface SdkDeps {
  readonly fetchFn: typeof fetch;
  /** Retries of the initial request on 429/5xx/network errors (the SDK's backoff, honouring retry-after). */
  readonly maxRetries: number;
}

// The SDK prints its warnings with console.warn, which would scribble over the Ink screen.
// It reads this global; leave it alone when the host already chose.
const sdkGlobals: { AI_SDK_LOG_WARNINGS?: unknown } = globalThis;
sdkGlobals.AI_SDK_LOG_WARNINGS ??= false;

// Failures no retry can fix: the SDK would otherwise back off 2 s + 4 s before reporting them.
const HOPELESS = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

/**
 * Wraps fetch so that a refused connection or an unknown host fails at once as a ProviderError.
 * Its cause is a plain object on purpose: the SDK walks `cause` chains of Errors looking for
 * network codes to retry.
 */
export function failFast(fetchFn: typeof fetch, ctx: ErrorContext): typeof fetch {
  return async (input, init) => {
    try {
      return await fetchFn(input, init);
    } catch (error) {
      const code = errorCode(error);
      if (code === undefined || !HOPELESS.has(code) || isAbortError(error)) throw error;
      const { message } = networkError(ctx, error);
      throw new ProviderError("network", message, { cause: { code } });
    }
  };
}

/** Builds the SDK model for a resolved provider; each flavour's package loads on first use. */
async function languageModel(
  resolved: ResolvedModel,
  fetchFn: typeof fetch,
): Promise<LanguageModel> {
  if (resolved.flavor === "anthropic") {
    const { createAnthropic } = await import("@ai-sdk/anthropic");
    return createAnthropic({
      baseURL: resolved.baseURL,
      apiKey: resolved.apiKey ?? "",
      headers: { ...resolved.headers },
      fetch: fetchFn,
    })(resolved.model);
  }
  const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
  return createOpenAICompatible({
    name: resolved.provider,
    baseURL: resolved.baseURL,
    ...(resolved.apiKey !== undefined && { apiKey: resolved.apiKey }),
    headers: { ...resolved.headers },
    fetch: fetchFn,
    includeUsage: true,
  })(resolved.model);
}

function toToolSet(tools: readonly ModelToolSpec[]): ToolSet {
  const set: ToolSet = {};
  for (const spec of tools) {
    // No `execute`: the SDK hands the calls back and wren's own loop runs them.
    set[spec.name] = {
      description: spec.description,
      inputSchema: jsonSchema({ ...spec.inputSchema }),
    };
  }
  return set;
}

function toUsage(usage: LanguageModelUsage): Usage {
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cachedInputTokens: usage.inputTokenDetails?.cacheReadTokens ?? usage.cachedInputTokens ?? 0,
  };
}

export function errorContext(resolved: ResolvedModel): ErrorContext {
  return {
    provider: resolved.provider,
    model: resolved.model,
    baseURL: resolved.baseURL,
    hasKey: resolved.apiKey !== undefined && resolved.apiKey !== "",
    keySource: resolved.keySource,
    secrets: secretsOf(resolved),
  };
}

const STATUS_OF_ERROR_TYPE: Readonly<Record<string, number>> = {
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  invalid_request_error: 400,
  request_too_large: 413,
  api_error: 500,
  overloaded_error: 529,
};

/** An error object sent inside the stream (`data: {"error":...}` / `event: error`). */
function inStreamError(ctx: ErrorContext, error: Record<string, unknown>): ProviderError {
  const type = typeof error.type === "string" ? error.type : undefined;
  const code = typeof error.code === "number" ? error.code : Number(error.code);
  const status =
    (type === undefined ? undefined : STATUS_OF_ERROR_TYPE[type]) ??
    (code >= 400 && code < 600 ? code : undefined);
  if (status !== undefined) return httpStatusError(ctx, status, { error });
  const detail = errorDetail({ error });
  return new ProviderError(
    "server",
    `${ctx.provider} reported an error mid-response${detail ? `: ${oneLine(detail, ctx.secrets)}` : ""}`,
  );
}

/**
 * Maps whatever the SDK reports to a ProviderError. `midStream` says whether output had
 * already arrived, which turns a dropped connection into "stream-cut".
 */
export function fromSdkError(ctx: ErrorContext, error: unknown, midStream: boolean): ProviderError {
  if (error instanceof ProviderError) return error;
  if (RetryError.isInstance(error)) return fromSdkError(ctx, error.lastError, midStream);
  if (APICallError.isInstance(error)) {
    // A 2xx APICallError is the SDK's "Failed to process successful response": the body broke.
    if (error.statusCode !== undefined && error.statusCode >= 400) {
      return httpStatusError(
        ctx,
        error.statusCode,
        error.responseBody ?? error.data,
        error.responseHeaders,
        error,
      );
    }
    return midStream ? streamCutError(ctx, error) : networkError(ctx, error.cause ?? error);
  }
  if (LoadAPIKeyError.isInstance(error)) {
    return new ProviderError("config", `no API key for ${ctx.provider}: set ${ctx.keySource}`, {
      cause: error,
    });
  }
  if (InvalidResponseDataError.isInstance(error) && /ended without/i.test(error.message)) {
    return streamCutError(ctx, error);
  }
  if (isNetworkError(error)) {
    return midStream ? streamCutError(ctx, error) : networkError(ctx, error);
  }
  if (typeof error === "object" && error !== null && !(error instanceof Error)) {
    // Providers' in-stream error events arrive as plain objects.
    const record: Record<string, unknown> = { ...error };
    return inStreamError(ctx, record);
  }
  const message = errorText(error);
  return new ProviderError(
    "unknown",
    `${ctx.provider} request failed: ${oneLine(message, ctx.secrets)}`,
    { cause: error },
  );
}

function finishReason(reason: string): FinishReason {
  switch (reason) {
    case "stop":
    case "length":
    case "content-filter":
    case "tool-calls":
    case "error":
      return reason;
    default:
      return "other";
  }
}

/** What aborting the request rejects with: the signal's reason (an AbortError by default). */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * Streams one model response through the AI SDK: a single step, tools without `execute`, so
 * tool calls come back as events. Failures throw ProviderError; an abort of `request.signal`
 * stops the HTTP stream at once and rejects with the signal's reason.
 */
export async function* streamWithSdk(
  resolved: ResolvedModel,
  request: ModelRequest,
  deps: SdkDeps,
): AsyncGenerator<ModelEvent> {
  const { signal } = request;
  if (signal.aborted) throw abortReason(signal);
  const ctx = errorContext(resolved);
  // Our own controller also cancels the HTTP stream when the consumer stops iterating early.
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  let midStream = false;
  try {
    const model = await languageModel(resolved, failFast(deps.fetchFn, ctx));
    const result = streamText({
      model,
      ...(request.system !== undefined && { system: request.system }),
      messages: toModelMessages(request.messages, resolved.flavor, {
        imageInput: resolved.imageInput ?? resolved.flavor === "anthropic",
      }),
      ...(request.tools.length > 0 && { tools: toToolSet(request.tools) }),
      ...(request.maxOutputTokens !== undefined && { maxOutputTokens: request.maxOutputTokens }),
      stopWhen: stepCountIs(1),
      maxRetries: deps.maxRetries,
      abortSignal: controller.signal,
      // Errors arrive as `error` parts below; the default handler would console.error them.
      onError: () => {},
    });
    for await (const part of result.fullStream) {
      // Parts already buffered must not reach the caller after Esc.
      if (signal.aborted) throw abortReason(signal);
      switch (part.type) {
        case "text-delta":
          midStream = true;
          if (part.text !== "") yield { type: "text-delta", text: part.text };
          break;
        case "reasoning-delta":
          midStream = true;
          if (part.text !== "") yield { type: "reasoning-delta", text: part.text };
          break;
        case "tool-call":
          midStream = true;
          yield { type: "tool-call", id: part.toolCallId, name: part.toolName, input: part.input };
          break;
        case "finish":
          yield {
            type: "finish",
            reason: finishReason(part.finishReason),
            usage: toUsage(part.totalUsage),
          };
          break;
        case "abort":
          throw abortReason(signal);
        case "error":
          if (signal.aborted || isAbortError(part.error)) throw abortReason(signal);
          throw fromSdkError(ctx, part.error, midStream);
        default:
          break;
      }
    }
    if (signal.aborted) throw abortReason(signal);
  } catch (error) {
    if (signal.aborted) throw abortReason(signal);
    throw fromSdkError(ctx, error, midStream);
  } finally {
    signal.removeEventListener("abort", onAbort);
    controller.abort();
  }
}
