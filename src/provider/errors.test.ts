import { describe, expect, it } from "vitest";
import {
  type ErrorContext,
  errorDetail,
  httpStatusError,
  networkError,
  retryAfterSeconds,
} from "./errors.js";

const KEY = "sk-ant-api03-SECRETSECRETSECRET";

const ctx: ErrorContext = {
  provider: "anthropic",
  model: "claude-x",
  baseURL: "https://api.anthropic.com/v1",
  hasKey: true,
  keySource: "ANTHROPIC_API_KEY",
  secrets: [KEY],
};

describe("errorDetail", () => {
  it.each([
    ['{"error":{"message":"model not found","type":"x"}}', "model not found"],
    [
      '{"type":"error","error":{"type":"not_found_error","message":"model: claude-x"}}',
      "model: claude-x",
    ],
    ['{"error":"plain string"}', "plain string"],
    ['{"message":"top-level"}', "top-level"],
    ["Service Unavailable", "Service Unavailable"],
    ["<html><body>502 Bad Gateway</body></html>", undefined],
    ["", undefined],
  ])("reads %j", (body, expected) => {
    expect(errorDetail(body)).toBe(expected);
  });
});

describe("retryAfterSeconds", () => {
  it("reads retry-after-ms, seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterSeconds({ "retry-after-ms": "1500" }, now)).toBe(2);
    expect(retryAfterSeconds({ "retry-after": "30" }, now)).toBe(30);
    expect(retryAfterSeconds({ "retry-after": "Thu, 01 Jan 2026 00:01:00 GMT" }, now)).toBe(60);
    expect(retryAfterSeconds({}, now)).toBeUndefined();
  });
});

describe("httpStatusError", () => {
  it.each([
    [401, "auth", "anthropic rejected the API key (401): check ANTHROPIC_API_KEY"],
    [
      403,
      "auth",
      "anthropic refused access (403), check ANTHROPIC_API_KEY and its permissions: nope",
    ],
    [
      404,
      "not-found",
      'anthropic does not know model "claude-x" (404 from https://api.anthropic.com/v1): nope',
    ],
    [429, "rate-limit", "anthropic rate limit reached (429): nope"],
    [500, "server", "anthropic server error (500): nope"],
    [529, "server", "anthropic is overloaded (529): nope"],
    [400, "bad-request", "anthropic rejected the request (400): nope"],
    [418, "unknown", "anthropic answered HTTP 418: nope"],
  ] as const)("maps %i to %s", (status, kind, message) => {
    const error = httpStatusError(ctx, status, '{"error":{"message":"nope"}}');
    expect(error).toMatchObject({ kind, status, message });
  });

  it("adds the wait from retry-after to a 429", () => {
    expect(httpStatusError(ctx, 429, "", { "retry-after": "12" }).message).toBe(
      "anthropic rate limit reached (429), retry after 12s",
    );
  });

  it("never quotes a key the server echoes back, and stays on one short line", () => {
    const body = JSON.stringify({
      error: { message: `Invalid key ${KEY}\nsee docs ${"x".repeat(400)}` },
    });
    const error = httpStatusError(ctx, 400, body);
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain("\n");
    expect(error.message.length).toBeLessThan(260);
  });

  it("tells a key-less provider to configure one on 401", () => {
    expect(httpStatusError({ ...ctx, provider: "corp", hasKey: false }, 401).message).toBe(
      'corp needs an API key (401): add "apiKey" to providers.corp in settings.json',
    );
  });
});

describe("networkError", () => {
  it.each([
    ["ECONNREFUSED", "connection refused"],
    ["ENOTFOUND", "host not found"],
    ["UND_ERR_CONNECT_TIMEOUT", "connection timed out"],
  ])("names %s in words", (code, words) => {
    const cause = new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code }) });
    expect(networkError(ctx, cause)).toMatchObject({
      kind: "network",
      message: `cannot reach https://api.anthropic.com/v1: ${words}`,
    });
  });
});
