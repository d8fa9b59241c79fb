import type { ToolOutcome } from "./tools/types.js";

/** Token counts of one model response (or a sum of several). */
export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens served from the provider's prompt cache. */
  readonly cachedInputTokens: number;
}

/**
 * Context attached to a user message: an MCP resource read when the message was sent. Text is
 * already capped; an image goes to models that take images, anything else is described.
 */
export type Attachment =
  | {
      readonly type: "text";
      /** Where it came from, e.g. `everything:demo://doc.md`. */
      readonly source: string;
      readonly mimeType?: string;
      readonly text: string;
    }
  | {
      readonly type: "image";
      readonly source: string;
      readonly mimeType: string;
      /** Base64. */
      readonly data: string;
    };

/** A tool call the model asked for. */
export interface ToolCall {
  /** Provider-assigned call id; results refer to it. */
  readonly id: string;
  readonly name: string;
  /** Parsed arguments as the model sent them (validated by the tool, not here). */
  readonly input: unknown;
}

/** One part of an assistant message, in the order the model produced them. */
export type AssistantPart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "reasoning"; readonly text: string; readonly durationMs?: number }
  | ({ readonly type: "tool-call" } & ToolCall);

/**
 * A message of the conversation as wren stores it (session files) and hands it to providers.
 * Provider adapters translate it to their wire format.
 */
export type ChatMessage =
  | {
      readonly role: "user";
      readonly id: string;
      readonly time: string;
      readonly text: string;
      /** Content the message mentioned (`@server:uri`), read when it was sent. */
      readonly attachments?: readonly Attachment[];
    }
  | {
      readonly role: "assistant";
      readonly id: string;
      readonly time: string;
      readonly parts: readonly AssistantPart[];
      /** `provider/model` that wrote it. */
      readonly model?: string;
      readonly usage?: Usage;
      /** The user pressed Esc while it streamed: the parts are what arrived until then. */
      readonly interrupted?: boolean;
    }
  | {
      readonly role: "tool";
      readonly id: string;
      readonly time: string;
      readonly results: readonly {
        readonly callId: string;
        readonly name: string;
        readonly outcome: ToolOutcome;
      }[];
    };
