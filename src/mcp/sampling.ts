// Sampling: a server asks wren's model for a completion (`sampling/createMessage`). The server
// chooses the words, the user pays for them and the model may see what the server feeds it, so
// nothing is sent before the user has seen the whole request and agreed: a hostile server could
// use sampling to run up cost or to launder instructions. The token limit is capped and shown.
import type {
  CreateMessageRequestParams,
  CreateMessageResult,
  CreateMessageResultWithTools,
  SamplingMessageContentBlock,
} from "@modelcontextprotocol/client";
import { ProtocolError } from "@modelcontextprotocol/client";
import type { AssistantPart, ChatMessage, ToolCall, Usage } from "../messages.js";
import type { ChatModel, FinishReason, ModelToolSpec } from "../provider/types.js";
import type { ToolContentPart, ToolOutcome } from "../tools/types.js";

/** Answers a server's `sampling/createMessage`; the signal aborts when the server gives up. */
export type SamplingHandler = (
  server: string,
  params: CreateMessageRequestParams,
  signal: AbortSignal,
) => Promise<CreateMessageResult | CreateMessageResultWithTools>;

/** The user's answer to a sampling request. */
export type SamplingDecision = "once" | "session" | "deny";

/** One line of the request as the consent prompt shows it (server text, not yet sanitized). */
export interface SamplingLine {
  readonly role: "system" | "user" | "assistant";
  readonly text: string;
}

/** What the user sees before deciding: everything the model would receive, and the cost cap. */
export interface SamplingRequestView {
  readonly server: string;
  /** `provider/model` that would answer. */
  readonly model: string;
  readonly lines: readonly SamplingLine[];
  /** Names of the tools the server offers the model inside this request. */
  readonly tools: readonly string[];
  /** The output token limit that applies (the server's, capped). */
  readonly maxTokens: number;
  /** What the server asked for, when the cap lowered it. */
  readonly requestedMaxTokens?: number;
}

/** Asks the user; resolves with the decision, or `deny` when the signal aborts. */
export type SamplingConsent = (
  view: SamplingRequestView,
  signal: AbortSignal,
) => Promise<SamplingDecision>;

/** JSON-RPC error code the spec suggests for "the user rejected the request". */
export const USER_REJECTED = -1;

/** Default cap on a sampling answer's length: a server cannot order an essay at the user's cost. */
export const DEFAULT_SAMPLING_MAX_TOKENS = 4096;

/** What the handler needs. */
export interface SamplingOptions {
  /** The user's configured model; undefined when none is set. */
  readonly model: () => ChatModel | undefined;
  readonly consent: SamplingConsent;
  /** Counted toward `.usage` (and print mode's totals). */
  readonly onUsage?: (usage: Usage) => void;
  readonly maxTokensCap?: number;
  /** A line for the log or stderr (decisions, failures). */
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

type Blocks = SamplingMessageContentBlock | readonly SamplingMessageContentBlock[];

function isBlockList(content: Blocks): content is readonly SamplingMessageContentBlock[] {
  return Array.isArray(content);
}

function blocksOf(content: Blocks): readonly SamplingMessageContentBlock[] {
  return isBlockList(content) ? content : [content];
}

function approxBytes(base64: string): number {
  return Math.floor((base64.length * 3) / 4);
}

/** One block as plain text: what the consent shows and what a text-only model gets. */
function blockText(block: SamplingMessageContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
      return `[image ${block.mimeType}, ${approxBytes(block.data)} bytes: not sent to the model]`;
    case "audio":
      return `[audio ${block.mimeType}, ${approxBytes(block.data)} bytes: not sent to the model]`;
    case "tool_use":
      return `[calls tool ${block.name} ${JSON.stringify(block.input)}]`;
    case "tool_result":
      return `[result of tool call ${block.toolUseId}${block.isError ? " (error)" : ""}: ${block.content
        .map((c) => (c.type === "text" ? c.text : `[${c.type}]`))
        .join("\n")}]`;
    default:
      return "";
  }
}

/** The request as the consent prompt shows it. */
export function describeSamplingRequest(
  server: string,
  model: string,
  params: CreateMessageRequestParams,
  cap: number,
): SamplingRequestView {
  const lines: SamplingLine[] = [];
  if (params.systemPrompt) lines.push({ role: "system", text: params.systemPrompt });
  for (const message of params.messages) {
    lines.push({
      role: message.role,
      text: blocksOf(message.content).map(blockText).join("\n"),
    });
  }
  const maxTokens = Math.min(params.maxTokens, cap);
  return {
    server,
    model,
    lines,
    tools: (params.tools ?? []).map((t) => t.name),
    maxTokens,
    ...(maxTokens < params.maxTokens && { requestedMaxTokens: params.maxTokens }),
  };
}

/** The server's messages as wren's chat messages (tool use and results included). */
export function toChatMessages(
  params: CreateMessageRequestParams,
  now: () => Date = () => new Date(),
): ChatMessage[] {
  const out: ChatMessage[] = [];
  const toolNames = new Map<string, string>();
  params.messages.forEach((message, index) => {
    const id = `sampling-${index}`;
    const time = now().toISOString();
    const blocks = blocksOf(message.content);
    if (message.role === "assistant") {
      const parts: AssistantPart[] = blocks.map((block) => {
        if (block.type === "tool_use") {
          toolNames.set(block.id, block.name);
          return { type: "tool-call", id: block.id, name: block.name, input: block.input };
        }
        return { type: "text", text: blockText(block) };
      });
      out.push({ role: "assistant", id, time, parts });
      return;
    }
    const results = blocks.flatMap((block) =>
      block.type === "tool_result"
        ? [
            {
              callId: block.toolUseId,
              name: toolNames.get(block.toolUseId) ?? "tool",
              outcome: resultOutcome(block.content, block.isError === true),
            },
          ]
        : [],
    );
    if (results.length > 0) out.push({ role: "tool", id: `${id}-results`, time, results });
    const text = blocks
      .filter((b) => b.type !== "tool_result")
      .map(blockText)
      .join("\n");
    if (text !== "" || results.length === 0) out.push({ role: "user", id, time, text });
  });
  return out;
}

function resultOutcome(
  content: readonly { type: string; text?: string }[],
  isError: boolean,
): ToolOutcome {
  const parts: ToolContentPart[] = content.map((c) => ({
    type: "text",
    text: c.type === "text" && c.text !== undefined ? c.text : `[${c.type}]`,
  }));
  if (isError) {
    return { status: "error", message: parts.map((p) => ("text" in p ? p.text : "")).join("\n") };
  }
  return { status: "ok", content: parts };
}

function stopReason(finish: FinishReason, toolCalls: number): string {
  if (toolCalls > 0) return "toolUse";
  if (finish === "length") return "maxTokens";
  return "endTurn";
}

/**
 * The handler to give the MCP manager: asks for consent (unless the user allowed the server for
 * this session), then answers with the configured model within the capped token limit.
 */
export function createSamplingHandler(options: SamplingOptions): SamplingHandler {
  const cap = options.maxTokensCap ?? DEFAULT_SAMPLING_MAX_TOKENS;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const allowedForSession = new Set<string>();
  return async (server, params, signal) => {
    const model = options.model();
    if (!model) {
      throw new ProtocolError(USER_REJECTED, "wren has no model configured to answer sampling");
    }
    const view = describeSamplingRequest(server, model.id, params, cap);
    if (!allowedForSession.has(server)) {
      const decision = await options.consent(view, signal);
      if (decision === "deny" || signal.aborted) {
        log(`${server} asked to use the model (sampling); denied`);
        throw new ProtocolError(USER_REJECTED, "User rejected sampling request");
      }
      if (decision === "session") allowedForSession.add(server);
    }
    const tools: ModelToolSpec[] =
      params.toolChoice?.mode === "none"
        ? []
        : (params.tools ?? []).map((t) => ({
            name: t.name,
            description: t.description ?? t.name,
            inputSchema: t.inputSchema,
          }));
    let text = "";
    const calls: ToolCall[] = [];
    let finish: FinishReason = "stop";
    let usage: Usage | undefined;
    try {
      for await (const event of model.stream({
        ...(params.systemPrompt !== undefined && { system: params.systemPrompt }),
        messages: toChatMessages(params, now),
        tools,
        signal,
        maxOutputTokens: view.maxTokens,
      })) {
        if (event.type === "text-delta") text += event.text;
        else if (event.type === "tool-call") calls.push(event);
        else if (event.type === "finish") {
          finish = event.reason;
          usage = event.usage;
        }
      }
    } finally {
      // Tokens spent count even when the stream broke off.
      if (usage) options.onUsage?.(usage);
    }
    log(`${server}: sampling answered by ${model.id}`);
    const reason = stopReason(finish, calls.length);
    if (calls.length > 0 || params.tools !== undefined) {
      return {
        role: "assistant",
        model: model.id,
        stopReason: reason,
        content: [
          ...(text !== "" ? [{ type: "text" as const, text }] : []),
          ...calls.map((c) => ({
            type: "tool_use" as const,
            id: c.id,
            name: c.name,
            input: isRecord(c.input) ? c.input : {},
          })),
        ],
      };
    }
    return {
      role: "assistant",
      model: model.id,
      stopReason: reason,
      content: { type: "text", text },
    };
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Print mode's consent: never asks; allows a server only when `--allowed-tools` (or
 * `permissions.allow`) names `sampling(NAME)`, and says so on stderr either way.
 */
export function ruleConsent(
  allowed: readonly string[],
  log: (line: string) => void,
): SamplingConsent {
  return async (view) => {
    if (allowed.includes(`sampling(${view.server})`)) {
      log(
        `${view.server} uses the model (sampling, up to ${view.maxTokens} tokens): allowed by sampling(${view.server})`,
      );
      return "once";
    }
    log(
      `${view.server} asked to use the model (sampling); denied: print mode cannot ask. To allow it, pass --allowed-tools 'sampling(${view.server})'`,
    );
    return "deny";
  };
}
