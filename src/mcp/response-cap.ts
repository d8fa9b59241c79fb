import type { FetchLike } from "@modelcontextprotocol/client";
import * as z from "zod/v4";

/** Largest MCP message wren accepts from a remote server: the SDK's stdio cap (10 MB). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** Error bodies are only quoted (shortened) in messages and logs; the rest is never read. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

const RequestSchema = z.object({
  id: z.union([z.string(), z.number()]),
  method: z.string(),
  params: z.optional(z.object({ name: z.optional(z.string()) })),
});
type PendingRequest = z.infer<typeof RequestSchema>;

/** The JSON-RPC requests (with ids) in a POST body; none for anything else. */
function requestsIn(init: RequestInit | undefined): PendingRequest[] {
  if (init?.method !== "POST" || typeof init.body !== "string") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(init.body);
  } catch {
    return [];
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.flatMap((item) => {
    const request = RequestSchema.safeParse(item);
    return request.success ? [request.data] : [];
  });
}

function describeLimit(maxBytes: number): string {
  const mb = maxBytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${maxBytes} bytes`;
}

/**
 * What the client gets instead of an oversized answer: for a tool call an `isError` result the
 * model can read (and, over SSE, a result, so the SDK does not reconnect to fetch it again);
 * for anything else a JSON-RPC error.
 */
function oversizedAnswer(request: PendingRequest, maxBytes: number): object {
  if (request.method === "tools/call") {
    const tool = request.params?.name ?? "the tool";
    const text = `${tool} returned more than ${describeLimit(maxBytes)}; wren dropped the result. Ask for less (a narrower query, a page, a file path).`;
    return {
      jsonrpc: "2.0",
      id: request.id,
      result: { content: [{ type: "text", text }], isError: true },
    };
  }
  return {
    jsonrpc: "2.0",
    id: request.id,
    error: {
      code: -32603,
      message: `the server's answer to ${request.method} exceeded ${describeLimit(maxBytes)} and was dropped`,
    },
  };
}

function mediaType(response: Response): string {
  return (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Reads at most `maxBytes` of `body`; undefined (and the rest cancelled) when there is more. */
async function readCapped(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array[] | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return chunks;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
}

/** Passes at most `maxBytes` of a body, then ends it (error bodies only get quoted). */
function truncated(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let left = maxBytes;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (left <= 0) {
          controller.terminate();
          return;
        }
        controller.enqueue(chunk.subarray(0, left));
        left -= chunk.byteLength;
      },
    }),
  );
}

/**
 * An SSE body whose events are passed whole, one by one, while each stays under `maxBytes`;
 * an event that grows past it is dropped as it streams (never held), and when it was the answer
 * to `request`, an {@link oversizedAnswer} event takes its place.
 */
export function capSseEvents(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  request: PendingRequest | undefined,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  // The current event so far, in pieces: joining or searching it per chunk would copy it again
  // and again (quadratic garbage for a large event). Only new text is ever searched.
  let parts: string[] = [];
  let size = 0;
  let head = "";
  let lastChar = "";
  let carryCr = false;
  /** Set while dropping an oversized event: whether it was an answer (not a notification). */
  let dropping: { answer: boolean } | undefined;
  // A JSON-RPC answer (result or error) rather than a request or notification of the server.
  const classify = (): { answer: boolean } => ({ answer: !/"method"\s*:/.test(head) });
  const reset = (): void => {
    parts = [];
    size = 0;
    head = "";
    lastChar = "";
  };
  const replace = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    if (dropping?.answer && request) {
      const data = JSON.stringify(oversizedAnswer(request, maxBytes));
      controller.enqueue(encoder.encode(`event: message\ndata: ${data}\n\n`));
    }
    dropping = undefined;
  };
  const add = (text: string): void => {
    if (text === "") return;
    if (head.length < 512) head += text.slice(0, 512 - head.length);
    lastChar = text.slice(-1);
    if (dropping) return;
    parts.push(text);
    size += text.length;
    if (size > maxBytes) {
      dropping = classify();
      parts = [];
    }
  };
  const feed = (raw: string, controller: TransformStreamDefaultController<Uint8Array>): void => {
    // One line ending, so an event boundary is always "\n\n"; a CR at a chunk's end waits.
    let text = (carryCr ? "\r" : "") + raw;
    carryCr = text.endsWith("\r");
    if (carryCr) text = text.slice(0, -1);
    text = text.replace(/\r\n?/g, "\n");
    for (;;) {
      // Index in `text` of the newline that ends the current event, if it ends in this text.
      const spanning = lastChar === "\n" && text.startsWith("\n");
      const found = spanning ? 0 : text.indexOf("\n\n");
      if (found === -1) break;
      const cut = spanning ? 1 : found + 2;
      add(text.slice(0, cut));
      text = text.slice(cut);
      if (dropping) replace(controller);
      else controller.enqueue(encoder.encode(parts.join("")));
      reset();
    }
    add(text);
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        feed(decoder.decode(chunk, { stream: true }), controller);
      },
      flush(controller) {
        feed(decoder.decode() + (carryCr ? "\n" : ""), controller);
        if (dropping) replace(controller);
        else if (size > 0) controller.enqueue(encoder.encode(parts.join("")));
      },
    }),
  );
}

/**
 * Wraps a transport's fetch so no answer of a remote MCP server is held whole past
 * {@link MAX_MESSAGE_BYTES}, like the SDK's stdio read buffer: JSON answers are read with a cap,
 * SSE answers are capped per event as they stream, error bodies are cut short. An oversized
 * answer becomes a clear tool error (or JSON-RPC error) and the connection stays usable.
 */
export function capResponseSize(base: FetchLike, maxBytes: number = MAX_MESSAGE_BYTES): FetchLike {
  return async (url, init) => {
    const response = await base(url, init);
    const body = response.body;
    if (!body) return response;
    const rebuilt = (stream: ReadableStream<Uint8Array> | string): Response =>
      new Response(stream, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    if (!response.ok) return rebuilt(truncated(body, MAX_ERROR_BODY_BYTES));
    const type = mediaType(response);
    const isStream = type === "text/event-stream";
    const requests = requestsIn(init);
    // OAuth and other non-MCP requests pass untouched; the standalone GET stream is capped too.
    if (requests.length === 0 && !(isStream && (init?.method ?? "GET") === "GET")) return response;
    if (isStream) return rebuilt(capSseEvents(body, maxBytes, requests[0]));
    if (type !== "application/json") return response;
    const chunks = await readCapped(body, maxBytes);
    if (chunks) return rebuilt(Buffer.concat(chunks).toString("utf8"));
    const answers = requests.map((r) => oversizedAnswer(r, maxBytes));
    const json = JSON.stringify(answers.length === 1 ? answers[0] : answers);
    return rebuilt(json);
  };
}
