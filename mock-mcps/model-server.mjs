#!/usr/bin/env node
// Over 400 lines: a dependency-free, self-contained server (script format, two wire formats, player).
// Scripted mock model server: OpenAI-compatible chat completions and Anthropic Messages, both
// streaming, replaying turns from a JSON script. Prints "listening on <port>" on stdout.
// Plain node:http, no dependencies. See README.md ("Mock model server").
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { exitWithUsageError, readOptions, UsageError } from "./faults.mjs";
import { listen, readBody, sendJson } from "./http-json.mjs";

const USAGE =
  "usage: node mock-mcps/model-server.mjs [--port N] [--script FILE|JSON] [--require-key KEY]" +
  " [--models a,b]";

const OPTION_SPEC = {
  port: { type: "integer", default: 0 },
  script: { type: "string", env: "MOCK_MODEL_SCRIPT" },
  "require-key": { type: "string", env: "MOCK_MODEL_REQUIRE_KEY" },
  models: { type: "string", default: "mock-model,mock-reasoner" },
};

const NO_MORE_TURNS = "(no more scripted turns)";

const STEP_KEYS = new Set([
  "text",
  "reasoning",
  "toolCall",
  "usage",
  "error",
  "cut",
  "delayMs",
  "slowTokens",
  "hang",
  "finish",
]);

const FINISH_REASONS = new Set(["stop", "length", "tool_calls", "content_filter"]);

const ANTHROPIC_STOP = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

const ANTHROPIC_ERROR_TYPES = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  529: "overloaded_error",
};

// Words for `slowTokens`, with markdown now and then so renderers have something to do.
const VOCABULARY = [
  "the",
  "model",
  "streams",
  "tokens",
  "`code`",
  "**bold**",
  "into",
  "a",
  "terminal",
  "while",
  "wren",
  "renders",
  "them",
];

function log(line) {
  process.stderr.write(`mock-model: ${line}\n`);
}

/** Thrown for a script that does not follow the format; the message says where. */
class ScriptError extends Error {
  name = "ScriptError";
}

/** Validates a script (an array of turns, each an array of steps) and returns it. */
function parseScript(value) {
  if (!Array.isArray(value)) throw new ScriptError("a script is an array of turns");
  value.forEach((turn, t) => {
    if (!Array.isArray(turn)) throw new ScriptError(`turn ${t}: expected an array of steps`);
    turn.forEach((step, s) => {
      const where = `turn ${t}, step ${s}`;
      if (step === null || typeof step !== "object" || Array.isArray(step)) {
        throw new ScriptError(`${where}: expected an object`);
      }
      const keys = Object.keys(step);
      if (keys.length !== 1 || !STEP_KEYS.has(keys[0])) {
        throw new ScriptError(
          `${where}: expected exactly one of ${[...STEP_KEYS].join(", ")}; got ${keys.join(", ") || "nothing"}`,
        );
      }
      validateStep(where, keys[0], step[keys[0]]);
    });
  });
  return value;
}

function validateStep(where, key, value) {
  const fail = (expected) => {
    throw new ScriptError(`${where}: "${key}" expects ${expected}`);
  };
  const isCount = (n) => Number.isSafeInteger(n) && n >= 0;
  switch (key) {
    case "text":
    case "reasoning":
      if (typeof value !== "string") fail("a string");
      break;
    case "toolCall":
      if (typeof value?.name !== "string") fail("{ name, arguments?, id? }");
      break;
    case "usage":
      if (typeof value !== "object" || value === null) fail("{ input?, output?, cached? }");
      for (const field of ["input", "output", "cached"]) {
        if (value[field] !== undefined && !isCount(value[field])) fail(`a count for ${field}`);
      }
      break;
    case "error":
      if (!Number.isSafeInteger(value?.status)) fail("{ status, message?, retryAfter? }");
      break;
    case "cut":
    case "hang":
      if (value !== true) fail("true");
      break;
    case "delayMs":
      if (!isCount(value)) fail("a number of milliseconds");
      break;
    case "slowTokens":
      if (!isCount(value?.count)) fail("{ count, perSecond? }");
      if (value.perSecond !== undefined && !(value.perSecond > 0)) fail("a positive perSecond");
      break;
    case "finish":
      if (!FINISH_REASONS.has(value)) fail([...FINISH_REASONS].join(" | "));
      break;
  }
}

/** Reads a script from a file, or from the value itself when it is inline JSON (`[...]`). */
function loadScript(source) {
  if (source === undefined) return [];
  const text = source.trim().startsWith("[") ? source : readFileSync(source, "utf8");
  try {
    return parseScript(JSON.parse(text));
  } catch (error) {
    throw new UsageError(`bad script: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Splits text into word-sized chunks (each keeps its trailing whitespace). */
function chunkText(text) {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

/** Splits a JSON string into about `parts` pieces, as providers stream tool arguments. */
function splitInto(text, parts) {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const pieces = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length > 0 ? pieces : [""];
}

/** The i-th generated token of a `slowTokens` step. */
function generatedToken(i) {
  const word = VOCABULARY[i % VOCABULARY.length];
  if (i > 0 && i % 80 === 0) return `\n\n${word}`;
  if (i > 0 && i % 16 === 0) return `\n${word}`;
  return i === 0 ? word : ` ${word}`;
}

function estimateInputTokens(body) {
  return Math.max(1, Math.ceil(JSON.stringify(body.messages ?? []).length / 4));
}

function errorBody(flavor, status, message) {
  if (flavor === "anthropic") {
    return {
      type: "error",
      error: { type: ANTHROPIC_ERROR_TYPES[status] ?? "api_error", message },
    };
  }
  return {
    error: { message, type: status === 429 ? "rate_limit_exceeded" : "mock_error", code: status },
  };
}

async function readJsonBody(req) {
  const text = await readBody(req);
  try {
    return { ok: true, body: text === "" ? {} : JSON.parse(text) };
  } catch {
    return { ok: false, text };
  }
}

/**
 * Writes one flavour's wire format. `emit` writes raw SSE text and counts chunks; the player
 * calls these in script order.
 */
function openAiWriter(model, emit) {
  const id = `chatcmpl-mock-${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  let toolIndex = 0;
  const chunk = (choices, extra = {}) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...extra })}\n\n`;
  const delta = (d) => chunk([{ index: 0, delta: d, finish_reason: null }]);
  return {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    start: () => emit(delta({ role: "assistant", content: "" })),
    text: (t) => emit(delta({ content: t })),
    reasoning: (t) => emit(delta({ reasoning_content: t })),
    async toolCall(call) {
      const index = toolIndex++;
      const args = JSON.stringify(call.arguments ?? {});
      await emit(
        delta({
          tool_calls: [
            { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
          ],
        }),
      );
      for (const piece of splitInto(args, 3)) {
        await emit(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    },
    async finish(reason, usage, includeUsage) {
      await emit(chunk([{ index: 0, delta: {}, finish_reason: reason }]));
      if (includeUsage) {
        await emit(
          chunk([], {
            usage: {
              prompt_tokens: usage.input,
              completion_tokens: usage.output,
              total_tokens: usage.input + usage.output,
              prompt_tokens_details: { cached_tokens: usage.cached },
            },
          }),
        );
      }
      await emit("data: [DONE]\n\n");
    },
    streamError: (status, message) =>
      emit(`data: ${JSON.stringify(errorBody("openai", status, message))}\n\n`),
  };
}

function anthropicWriter(model, emit) {
  const event = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  let index = -1;
  let open = null; // "text" | "thinking" | null
  const close = async () => {
    if (open === "thinking") {
      await emit(
        event("content_block_delta", {
          index,
          delta: { type: "signature_delta", signature: "mock-signature" },
        }),
      );
    }
    if (open !== null) await emit(event("content_block_stop", { index }));
    open = null;
  };
  const block = async (kind, contentBlock, deltaType, field, value) => {
    if (open !== kind) {
      await close();
      index++;
      open = kind;
      await emit(event("content_block_start", { index, content_block: contentBlock }));
    }
    await emit(event("content_block_delta", { index, delta: { type: deltaType, [field]: value } }));
  };
  return {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    start: (usage) =>
      emit(
        event("message_start", {
          message: {
            id: `msg_mock_${Date.now()}`,
            type: "message",
            role: "assistant",
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: {
              input_tokens: Math.max(0, usage.input - usage.cached),
              cache_read_input_tokens: usage.cached,
              cache_creation_input_tokens: 0,
              output_tokens: 1,
            },
          },
        }),
      ),
    text: (t) => block("text", { type: "text", text: "" }, "text_delta", "text", t),
    reasoning: (t) =>
      block(
        "thinking",
        { type: "thinking", thinking: "", signature: "" },
        "thinking_delta",
        "thinking",
        t,
      ),
    async toolCall(call) {
      await close();
      index++;
      await emit(
        event("content_block_start", {
          index,
          content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
        }),
      );
      for (const piece of splitInto(JSON.stringify(call.arguments ?? {}), 3)) {
        await emit(
          event("content_block_delta", {
            index,
            delta: { type: "input_json_delta", partial_json: piece },
          }),
        );
      }
      await emit(event("content_block_stop", { index }));
    },
    async finish(reason, usage) {
      await close();
      await emit(
        event("message_delta", {
          delta: { stop_reason: ANTHROPIC_STOP[reason], stop_sequence: null },
          usage: { output_tokens: usage.output },
        }),
      );
      await emit(event("message_stop", {}));
    },
    streamError: (status, message) => emit(event("error", errorBody("anthropic", status, message))),
  };
}

/** The final usage of a turn: the script's `usage` step (last one wins) over estimates. */
function turnUsage(steps, body, outputChunks) {
  const scripted = steps.filter((s) => s.usage).at(-1)?.usage ?? {};
  return {
    input: scripted.input ?? estimateInputTokens(body),
    output: scripted.output ?? outputChunks,
    cached: scripted.cached ?? 0,
  };
}

/** Creates the HTTP server around a mutable script and request log (one per process). */
function createModelServer(options) {
  const state = { turns: options.script, next: 0, requests: [] };
  const models = options.models
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);

  function takeTurn() {
    const turn = state.turns[state.next];
    if (turn === undefined) return [{ text: NO_MORE_TURNS }];
    state.next++;
    return turn;
  }

  function authorized(req) {
    if (!options.requireKey) return true;
    const bearer = req.headers.authorization;
    return (
      bearer === `Bearer ${options.requireKey}` || req.headers["x-api-key"] === options.requireKey
    );
  }

  /** Plays one turn as a stream; `record` is this request's log entry, updated as it goes. */
  async function playStream(res, flavor, body, steps, record) {
    let delayMs = 0;
    let started = false;
    let closed = false;
    let toolCalls = 0;
    let finish;
    let flushed = Promise.resolve();
    res.on("close", () => {
      closed = !res.writableFinished;
      if (closed && record.outcome === "streaming") {
        record.outcome = "client-closed";
        log(`client closed the stream after ${record.chunks} chunks`);
      }
    });
    const emit = async (text) => {
      if (closed) throw new ClientGone();
      if (delayMs > 0 && record.chunks > 0) await sleep(delayMs);
      if (closed) throw new ClientGone();
      flushed = new Promise((resolve) => res.write(text, () => resolve()));
      record.chunks++;
    };
    const model = body.model ?? "mock-model";
    const writer =
      flavor === "anthropic" ? anthropicWriter(model, emit) : openAiWriter(model, emit);
    const usageFor = () => turnUsage(steps, body, record.chunks);
    const ensureStarted = async () => {
      if (started) return;
      started = true;
      record.outcome = "streaming";
      res.writeHead(200, writer.headers);
      res.flushHeaders();
      await writer.start(usageFor());
    };

    try {
      for (const step of steps) {
        if (step.delayMs !== undefined) {
          delayMs = step.delayMs;
        } else if (step.text !== undefined) {
          await ensureStarted();
          for (const piece of chunkText(step.text)) await writer.text(piece);
        } else if (step.reasoning !== undefined) {
          await ensureStarted();
          for (const piece of chunkText(step.reasoning)) await writer.reasoning(piece);
        } else if (step.toolCall) {
          await ensureStarted();
          const prefix = flavor === "anthropic" ? "toolu" : "call";
          const id = step.toolCall.id ?? `${prefix}_mock_${state.next}_${toolCalls}`;
          toolCalls++;
          await writer.toolCall({ ...step.toolCall, id });
        } else if (step.slowTokens) {
          await ensureStarted();
          await streamSlowTokens(writer, step.slowTokens, () => closed);
        } else if (step.error) {
          const { status, message = `mock error ${status}`, retryAfter } = step.error;
          if (!started) {
            record.outcome = `error ${status}`;
            const headers = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
            sendJson(res, status, errorBody(flavor, status, message), headers);
            return;
          }
          await writer.streamError(status, message);
          record.outcome = `stream-error ${status}`;
          res.end();
          return;
        } else if (step.cut) {
          // Let what was written reach the client, then drop the connection mid-body.
          await flushed;
          record.outcome = "cut";
          res.socket?.destroy();
          return;
        } else if (step.hang) {
          record.outcome = "hung";
          await new Promise((resolve) => res.once("close", resolve));
          return;
        } else if (step.finish) {
          finish = step.finish;
        }
      }
      await ensureStarted();
      const reason = finish ?? (toolCalls > 0 ? "tool_calls" : "stop");
      await writer.finish(reason, usageFor(), body.stream_options?.include_usage === true);
      record.outcome = "completed";
      res.end();
    } catch (error) {
      if (!(error instanceof ClientGone)) throw error;
    }
  }

  /** Answers a non-streaming OpenAI request with one `chat.completion` object. */
  async function playOpenAiOnce(res, body, steps, record) {
    let content = "";
    let reasoning = "";
    const toolCalls = [];
    let finish;
    for (const step of steps) {
      if (step.text !== undefined) content += step.text;
      else if (step.reasoning !== undefined) reasoning += step.reasoning;
      else if (step.slowTokens) {
        for (let i = 0; i < step.slowTokens.count; i++) content += generatedToken(i);
      } else if (step.toolCall) {
        toolCalls.push({
          id: step.toolCall.id ?? `call_mock_${state.next}_${toolCalls.length}`,
          type: "function",
          function: {
            name: step.toolCall.name,
            arguments: JSON.stringify(step.toolCall.arguments ?? {}),
          },
        });
      } else if (step.error) {
        const { status, message = `mock error ${status}`, retryAfter } = step.error;
        record.outcome = `error ${status}`;
        const headers = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
        sendJson(res, status, errorBody("openai", status, message), headers);
        return;
      } else if (step.cut) {
        record.outcome = "cut";
        res.socket?.destroy();
        return;
      } else if (step.hang) {
        record.outcome = "hung";
        await new Promise((resolve) => res.once("close", resolve));
        return;
      } else if (step.finish) finish = step.finish;
    }
    const usage = turnUsage(steps, body, Math.max(1, chunkText(content).length));
    record.outcome = "completed";
    sendJson(res, 200, {
      id: `chatcmpl-mock-${Date.now()}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? "mock-model",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: content === "" ? null : content,
            ...(reasoning !== "" && { reasoning_content: reasoning }),
            ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
          },
          finish_reason: finish ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
        },
      ],
      usage: {
        prompt_tokens: usage.input,
        completion_tokens: usage.output,
        total_tokens: usage.input + usage.output,
        prompt_tokens_details: { cached_tokens: usage.cached },
      },
    });
  }

  function listModels(req, res) {
    if (req.headers["anthropic-version"] !== undefined) {
      sendJson(res, 200, {
        data: models.map((id) => ({
          type: "model",
          id,
          display_name: id,
          created_at: "2025-01-01T00:00:00Z",
        })),
        has_more: false,
        first_id: models[0] ?? null,
        last_id: models.at(-1) ?? null,
      });
      return;
    }
    sendJson(res, 200, {
      object: "list",
      data: models.map((id) => ({ id, object: "model", created: 1735689600, owned_by: "mock" })),
    });
  }

  /** Records a request to the model API; the entry is updated as the answer proceeds. */
  async function record(req) {
    const parsed = req.method === "GET" ? { ok: true, body: null } : await readJsonBody(req);
    const entry = {
      method: req.method,
      path: req.url,
      headers: req.headers,
      body: parsed.ok ? parsed.body : parsed.text,
      outcome: "pending",
      chunks: 0,
    };
    state.requests.push(entry);
    return { entry, parsed };
  }

  async function handleModelApi(req, res, path) {
    const route =
      req.method === "GET" && path === "/v1/models"
        ? "models"
        : req.method === "POST" && path === "/v1/chat/completions"
          ? "openai"
          : req.method === "POST" && path === "/v1/messages"
            ? "anthropic"
            : undefined;
    const { entry, parsed } = await record(req);
    const flavor =
      route === "anthropic" ||
      (route !== "openai" && req.headers["anthropic-version"] !== undefined)
        ? "anthropic"
        : "openai";
    const fail = (status, message) => {
      entry.outcome = `error ${status}`;
      sendJson(res, status, errorBody(flavor, status, message));
    };
    if (route === undefined) return fail(404, `no route for ${req.method} ${path}`);
    if (!authorized(req)) return fail(401, "invalid x-api-key / bearer token");
    if (route === "models") {
      entry.outcome = "completed";
      return listModels(req, res);
    }
    if (!parsed.ok) return fail(400, "request body is not JSON");
    const steps = takeTurn();
    if (route === "openai" && parsed.body.stream !== true) {
      return playOpenAiOnce(res, parsed.body, steps, entry);
    }
    return playStream(res, route, parsed.body, steps, entry);
  }

  async function handle(req, res) {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/_requests" && req.method === "GET") return sendJson(res, 200, state.requests);
    if (path === "/_requests" && req.method === "DELETE") {
      state.requests = [];
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/_script" && req.method === "POST") {
      const parsed = await readJsonBody(req);
      try {
        if (!parsed.ok) throw new ScriptError("the body is not JSON");
        state.turns = parseScript(parsed.body);
        state.next = 0;
        return sendJson(res, 200, { ok: true, turns: state.turns.length });
      } catch (error) {
        return sendJson(res, 400, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (path.startsWith("/v1/")) return handleModelApi(req, res, path);
    sendJson(res, 404, { error: { message: `no route for ${req.method} ${path}` } });
  }

  return createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`handler failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { message: "mock server bug" } });
      else res.destroy();
    });
  });
}

/** The client went away; stop playing the turn. */
class ClientGone extends Error {
  name = "ClientGone";
}

/** Streams `count` generated tokens at `perSecond` (as fast as possible without a rate). */
async function streamSlowTokens(writer, { count, perSecond }, isClosed) {
  const start = performance.now();
  let i = 0;
  while (i < count) {
    if (isClosed()) throw new ClientGone();
    const due = perSecond
      ? Math.min(count, Math.floor(((performance.now() - start) / 1000) * perSecond) + 1)
      : Math.min(count, i + 100);
    for (; i < due; i++) await writer.text(generatedToken(i));
    if (i >= count) break;
    if (perSecond) {
      const nextAt = start + (i / perSecond) * 1000;
      await sleep(Math.max(1, nextAt - performance.now()));
    } else {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

function main() {
  let options;
  try {
    options = readOptions(process.argv.slice(2), process.env, OPTION_SPEC);
    options.script = loadScript(options.script);
  } catch (error) {
    exitWithUsageError(error, USAGE);
  }
  const server = createModelServer(options);
  const sockets = new Set();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  void listen(server, options.port).then((port) => {
    process.stdout.write(`listening on ${port}\n`);
  });
  const shutdown = () => {
    for (const socket of sockets) socket.destroy();
    server.close(() => process.exit(0));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main();
