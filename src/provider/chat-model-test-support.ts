// Driving a ChatModel against the mock model server in the provider integration tests.
// Used by *.test.ts only.
import { onTestFinished } from "vitest";
import type { ChatMessage } from "../messages.js";
import { createChatModel } from "./index.js";
import { type ModelServer, startModelServer } from "./test-support.js";
import type { ChatModel, ModelEvent, ModelRequest } from "./types.js";

/** The API key the tests configure; it must never show up in a request body or an error. */
export const KEY = "sk-test-SECRET-0123456789";

/** The time of every test message. */
export const TIME = "2026-01-01T00:00:00.000Z";

/** The two provider flavours wren speaks. */
export type Flavor = "openai-compatible" | "anthropic";

/** `mock/mock-model` of one flavour at the mock server (or any base URL), without retries. */
export function flavourModel(
  flavor: Flavor,
  mock: ModelServer | string,
  options: { maxRetries?: number } = {},
): ChatModel {
  const baseURL = typeof mock === "string" ? mock : mock.baseURL;
  return createChatModel(
    "mock/mock-model",
    { providers: { mock: { type: flavor, baseURL, apiKey: KEY } } },
    { env: {}, maxRetries: options.maxRetries ?? 0 },
  );
}

/** A mock model server of its own that answers 401 unless `key` arrives; stops with the test. */
export async function serverRequiringKey(key: string): Promise<ModelServer> {
  const server = await startModelServer({ requireKey: key });
  onTestFinished(() => server.stop());
  return server;
}

/** A user message. */
export function user(text: string): ChatMessage {
  return { role: "user", id: `u-${text}`, time: TIME, text };
}

/** A model request with no tools and a signal nobody aborts, unless `extra` says otherwise. */
export function request(
  messages: readonly ChatMessage[],
  extra: Partial<ModelRequest> = {},
): ModelRequest {
  return { messages, tools: [], signal: new AbortController().signal, ...extra };
}

/** Every event of a stream that ends well. */
export async function collect(stream: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Runs a stream to its failure, keeping the events that arrived before it. */
export async function failure(
  stream: AsyncIterable<ModelEvent>,
): Promise<{ error: unknown; events: ModelEvent[] }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { error, events };
  }
  throw new Error(`expected the stream to fail; got ${JSON.stringify(events)}`);
}

/** The text or reasoning the events carried, joined. */
export function textOf(
  events: readonly ModelEvent[],
  type: "text-delta" | "reasoning-delta",
): string {
  return events.map((e) => (e.type === type ? e.text : "")).join("");
}

/** A tool taking one string. */
export const ECHO_TOOL = {
  name: "echo",
  description: "Echoes text",
  inputSchema: {
    type: "object",
    properties: { text: { type: "string" } },
    required: ["text"],
  },
};
