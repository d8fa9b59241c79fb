import type { ChatMessage, ToolCall, Usage } from "../messages.js";

/** Why the model stopped. */
export type FinishReason = "stop" | "tool-calls" | "length" | "content-filter" | "error" | "other";

/** One event of a streaming model response. */
export type ModelEvent =
  | { readonly type: "text-delta"; readonly text: string }
  | { readonly type: "reasoning-delta"; readonly text: string }
  | ({ readonly type: "tool-call" } & ToolCall)
  | { readonly type: "finish"; readonly reason: FinishReason; readonly usage: Usage };

/** A tool as the model sees it: no execution here, the agent loop runs tools itself. */
export interface ModelToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** One request to a model. */
export interface ModelRequest {
  readonly system?: string;
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly ModelToolSpec[];
  /** Aborting stops the stream at once (Esc). */
  readonly signal: AbortSignal;
  readonly maxOutputTokens?: number;
}

/** A model behind one streaming interface, whatever the provider. */
export interface ChatModel {
  /** `provider/model`. */
  readonly id: string;
  /** Streams the response; failures throw `ProviderError`. */
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}

/** What went wrong talking to a model, in words a user can act on. */
export type ProviderErrorKind =
  | "auth"
  | "not-found"
  | "rate-limit"
  | "server"
  | "network"
  | "stream-cut"
  | "bad-request"
  | "config"
  | "unknown";

/** A model or network failure; `message` is one readable line and never contains secrets. */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly kind: ProviderErrorKind;
  readonly status?: number;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    if (options.status !== undefined) this.status = options.status;
  }
}
