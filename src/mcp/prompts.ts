import type { GetPromptResult, Prompt, PromptMessage } from "@modelcontextprotocol/client";
import type { Attachment } from "../messages.js";
import type { McpConnection } from "./connect.js";
import { DEFAULT_ATTACHMENT_LIMITS } from "./resources.js";

/** One argument of a server prompt. */
export interface McpPromptArgument {
  readonly name: string;
  readonly description?: string;
  readonly required: boolean;
}

/** A prompt a server offers, with the server it came from. */
export interface McpPrompt {
  readonly server: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly arguments: readonly McpPromptArgument[];
}

/** One message of a prompt as the conversation takes it: text, images of user messages attached. */
export interface PromptTurn {
  readonly role: "user" | "assistant";
  readonly text: string;
  /** Images the prompt gives the user message (the provider sends them, or notes them). */
  readonly attachments?: readonly Attachment[];
}

/** What `prompts/get` returned, reduced to what the conversation can carry. */
export interface PromptContent {
  readonly description?: string;
  readonly messages: readonly PromptTurn[];
}

/** A `completion/complete` request for one prompt argument. */
export interface PromptCompletionRequest {
  readonly prompt: string;
  readonly argument: string;
  /** What the user has typed of the value so far. */
  readonly value: string;
  /** Arguments already given, so the server can narrow its suggestions. */
  readonly context?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** Embedded text resources are inlined up to this many characters each. */
export const EMBEDDED_TEXT_CAP = 20_000;
const MAX_PAGES = 100;

function toPrompt(server: string, prompt: Prompt): McpPrompt {
  return {
    server,
    name: prompt.name,
    ...(prompt.title !== undefined && { title: prompt.title }),
    ...(prompt.description !== undefined && { description: prompt.description }),
    arguments: (prompt.arguments ?? []).map((a) => ({
      name: a.name,
      ...(a.description !== undefined && { description: a.description }),
      required: a.required === true,
    })),
  };
}

/** Every prompt of a server that offers prompts, following pagination; none otherwise. */
export async function listServerPrompts(
  server: string,
  connection: McpConnection,
  signal?: AbortSignal,
): Promise<McpPrompt[]> {
  if (!connection.capabilities?.prompts) return [];
  const prompts: McpPrompt[] = [];
  let cursor: string | undefined;
  // Bounded so a server that repeats its cursor cannot loop forever.
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = cursor === undefined ? {} : { cursor };
    const result = await connection.request(
      (client, options) => client.listPrompts(params, options),
      signal ? { signal } : {},
    );
    prompts.push(...result.prompts.map((p) => toPrompt(server, p)));
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return prompts;
}

/** Runs `prompts/get` and converts its messages. */
export async function fetchPrompt(
  connection: McpConnection,
  name: string,
  args: Record<string, string>,
  signal?: AbortSignal,
): Promise<PromptContent> {
  const result: GetPromptResult = await connection.request(
    (client, options) => client.getPrompt({ name, arguments: args }, options),
    signal ? { signal } : {},
  );
  return {
    ...(result.description !== undefined && { description: result.description }),
    messages: result.messages.map(toTurn),
  };
}

/**
 * A prompt message as the conversation takes it: embedded text resources are inlined (capped,
 * with their URI); images of user messages (content or embedded resources) are attached, as
 * mentioned resources are; what the conversation cannot carry (audio, other binary data, images
 * in the assistant's words or past the size cap) becomes a note, so the model knows something
 * was there instead of silently losing it.
 */
export function toTurn(message: PromptMessage): PromptTurn {
  const content = message.content;
  const image = (source: string, mimeType: string, data: string): PromptTurn | undefined =>
    message.role === "user" &&
    mimeType.startsWith("image/") &&
    data.length <= DEFAULT_ATTACHMENT_LIMITS.maxImageChars
      ? { role: "user", text: "", attachments: [{ type: "image", source, mimeType, data }] }
      : undefined;
  switch (content.type) {
    case "text":
      return { role: message.role, text: content.text };
    case "resource": {
      const resource = content.resource;
      if ("text" in resource) {
        const text =
          resource.text.length > EMBEDDED_TEXT_CAP
            ? `${resource.text.slice(0, EMBEDDED_TEXT_CAP)}\n[… cut at ${EMBEDDED_TEXT_CAP} characters]`
            : resource.text;
        return { role: message.role, text: `[resource ${resource.uri}]\n${text}` };
      }
      const type = resource.mimeType ?? "binary";
      return (
        image(resource.uri, type, resource.blob) ?? {
          role: message.role,
          text: `[resource ${resource.uri} (${type}) not included]`,
        }
      );
    }
    case "resource_link":
      return { role: message.role, text: `[resource link: ${content.uri}]` };
    case "image":
      return (
        image("prompt image", content.mimeType, content.data) ?? {
          role: message.role,
          text: `[image ${content.mimeType} not included]`,
        }
      );
    case "audio":
      return { role: message.role, text: `[${content.type} ${content.mimeType} not included]` };
    default:
      return { role: message.role, text: "[content wren cannot show]" };
  }
}

/** Values the server suggests for one prompt argument; none when it offers no completion. */
export async function completePromptArgument(
  connection: McpConnection,
  request: PromptCompletionRequest,
): Promise<readonly string[]> {
  if (!connection.capabilities?.completions) return [];
  const result = await connection.request(
    (client, options) =>
      client.complete(
        {
          ref: { type: "ref/prompt", name: request.prompt },
          argument: { name: request.argument, value: request.value },
          ...(request.context && { context: { arguments: { ...request.context } } }),
        },
        options,
      ),
    request.signal ? { signal: request.signal } : {},
  );
  return result.completion.values.slice(0, 100);
}
