// How both provider flavours fail against the real mock model server (one for the file):
// aborts, HTTP errors as one-line ProviderErrors, cut streams, retries; keys never quoted.
import { describe, expect, it } from "vitest";
import { freePort } from "../mcp/test-support.js";
import {
  collect,
  type Flavor,
  failure,
  flavourModel,
  request,
  serverRequiringKey,
  textOf,
  user,
} from "./chat-model-test-support.js";
import { type ModelServer, useModelServer } from "./test-support.js";
import { type ChatModel, type ModelEvent, ProviderError } from "./types.js";

const server = useModelServer();

describe.each<Flavor>(["openai-compatible", "anthropic"])("%s flavour", (flavor) => {
  const modelFor = (mock: ModelServer | string, options: { maxRetries?: number } = {}): ChatModel =>
    flavourModel(flavor, mock, options);

  it("stops the HTTP stream at once when the signal aborts", async () => {
    const mock = await server([[{ slowTokens: { count: 5000, perSecond: 200 } }]]);
    const controller = new AbortController();
    const events: ModelEvent[] = [];
    const outcome = (async () => {
      for await (const event of modelFor(mock).stream(
        request([user("go")], { signal: controller.signal }),
      )) {
        events.push(event);
        if (events.length === 3) controller.abort();
      }
    })();
    const error = await outcome.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(events).toHaveLength(3);
    // The server sees the client go away long before the 5000 tokens (25 s) are out.
    await expect
      .poll(async () => (await mock.requests())[0]?.outcome, { timeout: 10_000 })
      .toBe("client-closed");
    expect((await mock.requests())[0]?.chunks).toBeLessThan(100);
  });

  it("aborts a request the server never answers", async () => {
    const mock = await server([[{ hang: true }]]);
    const controller = new AbortController();
    const stream = modelFor(mock).stream(request([user("go")], { signal: controller.signal }));
    const failed = failure(stream);
    // Abort once the server holds the request, unanswered.
    await expect.poll(async () => (await mock.requests()).length, { timeout: 10_000 }).toBe(1);
    controller.abort();
    const { error } = await failed;
    expect(error).toMatchObject({ name: "AbortError" });
  });

  it("maps HTTP errors to one-line ProviderErrors of the right kind", async () => {
    const cases = [
      [
        404,
        "not-found",
        /^mock does not know model "mock-model" \(404 from http:\/\/127\.0\.0\.1:\d+\/v1\): nope$/,
      ],
      [429, "rate-limit", /^mock rate limit reached \(429\), retry after 7s: nope$/],
      [500, "server", /^mock server error \(500\): nope$/],
      [529, "server", /^mock is overloaded \(529\): nope$/],
      [400, "bad-request", /^mock rejected the request \(400\): nope$/],
    ] as const;
    const mock = await server(
      cases.map(([status]) => [{ error: { status, message: "nope", retryAfter: 7 } }]),
    );
    const model = modelFor(mock);
    for (const [status, kind, message] of cases) {
      const { error } = await failure(model.stream(request([user("hi")])));
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind, status });
      expect((error as ProviderError).message).toMatch(message);
    }
  });

  it("reports a rejected key without quoting it", async () => {
    const mock = await serverRequiringKey("the-right-key");
    const { error } = await failure(modelFor(mock).stream(request([user("hi")])));
    expect(error).toMatchObject({
      kind: "auth",
      status: 401,
      message: "mock rejected the API key (401): check providers.mock.apiKey",
    });
  });

  it("reports a server that is not there", async () => {
    const port = await freePort();
    const { error } = await failure(
      modelFor(`http://127.0.0.1:${port}/v1`).stream(request([user("hi")])),
    );
    expect(error).toMatchObject({
      kind: "network",
      message: `cannot reach http://127.0.0.1:${port}/v1: connection refused`,
    });
  });

  it("reports a stream cut mid-response after the partial text", async () => {
    const mock = await server([[{ text: "The first half of the answer" }, { cut: true }]]);
    const { error, events } = await failure(modelFor(mock).stream(request([user("hi")])));
    expect(textOf(events, "text-delta")).toBe("The first half of the answer");
    expect(error).toMatchObject({
      kind: "stream-cut",
      message: "the connection to mock dropped mid-response",
    });
  });

  it("reports an error event inside the stream", async () => {
    const mock = await server([
      [{ text: "Starting" }, { error: { status: 529, message: "Overloaded" } }],
    ]);
    const { error, events } = await failure(modelFor(mock).stream(request([user("hi")])));
    expect(textOf(events, "text-delta")).toBe("Starting");
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toContain("Overloaded");
  });

  it("retries a 5xx before any output when asked to", async () => {
    const mock = await server([
      [{ error: { status: 503, message: "busy", retryAfter: 0 } }],
      [{ text: "second time lucky" }],
    ]);
    const events = await collect(modelFor(mock, { maxRetries: 1 }).stream(request([user("hi")])));
    expect(textOf(events, "text-delta")).toBe("second time lucky");
    expect(await mock.requests()).toHaveLength(2);
  });
});
