import {
  ProtocolError,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SseError,
  UnauthorizedError,
  UrlElicitationRequiredError,
} from "@modelcontextprotocol/client";
import { CallToolResultSchema } from "@modelcontextprotocol/core";
import { ErrorEvent } from "eventsource";
import { describe, expect, it } from "vitest";
import { classifyMcpError, McpNeedsAuthError } from "./errors.js";

const context = { server: "s", target: "example.com" };

describe("classifyMcpError", () => {
  it("maps HTTP statuses", () => {
    const http = (status: number): SdkHttpError =>
      new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, "x", { status });
    expect(classifyMcpError(http(401), context)).toBeInstanceOf(McpNeedsAuthError);
    expect(classifyMcpError(http(500), context)).toMatchObject({
      kind: "http",
      status: 500,
      message: "HTTP 500 from example.com",
    });
  });

  it("names the cause of a bare fetch failure", () => {
    const error = new TypeError("fetch failed", { cause: new Error("bad port") });
    expect(classifyMcpError(error, context).message).toBe("fetch failed: bad port");
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
    expect(classifyMcpError(refused, context)).toMatchObject({
      kind: "refused",
      message: "connection refused (example.com)",
    });
  });

  it("says host not found for a DNS failure, not connection refused", () => {
    const dns = new TypeError("fetch failed", {
      cause: Object.assign(new Error("getaddrinfo ENOTFOUND nope.invalid"), {
        code: "ENOTFOUND",
        hostname: "nope.invalid",
      }),
    });
    expect(classifyMcpError(dns, { server: "s", target: "nope.invalid:8443" }).message).toBe(
      "host not found (nope.invalid)",
    );
  });

  it("turns SSE errors into one readable line", () => {
    const refused = new SseError(
      undefined,
      "TypeError: fetch failed: connect ECONNREFUSED 127.0.0.1:9",
      new ErrorEvent("error"),
    );
    expect(classifyMcpError(refused, { server: "s", target: "127.0.0.1:9" }).message).toBe(
      "connection refused (127.0.0.1:9)",
    );
    const dns = new SseError(
      undefined,
      "TypeError: fetch failed: getaddrinfo ENOTFOUND nope.invalid",
      new ErrorEvent("error"),
    );
    expect(classifyMcpError(dns, { server: "s", target: "nope.invalid" }).message).toBe(
      "host not found (nope.invalid)",
    );
    const other = new SseError(
      undefined,
      "TypeError: fetch failed: other side closed",
      new ErrorEvent("error"),
    );
    const message = classifyMcpError(other, context).message;
    expect(message).toBe("SSE stream failed (example.com): other side closed");
    expect(message).not.toContain("SSE error");
  });

  it("never shows a validation error's JSON dump as its first line", () => {
    const parsed = CallToolResultSchema.safeParse({ content: "nope" });
    expect(parsed.success).toBe(false);
    const schema = classifyMcpError(parsed.error, context).message;
    expect(schema).toMatch(/^the server's answer does not fit MCP \(content: /);
    const dumped = new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      'Invalid arguments for tool add: [\n  {\n    "code": "invalid_type",\n    "path": ["a"],\n    "message": "expected number"\n  }\n]',
    );
    const line = classifyMcpError(dumped, context).message;
    expect(line).toBe("MCP error -32602: Invalid arguments for tool add: a: expected number");
    expect(line).not.toMatch(/\[$/);
  });

  it("tells a closed connection from an exited process", () => {
    const closed = new SdkError(SdkErrorCode.ConnectionClosed, "Connection closed");
    expect(classifyMcpError(closed, context)).toMatchObject({ kind: "closed" });
    expect(
      classifyMcpError(closed, { ...context, exited: true, lastStderrLine: "panic: x" }),
    ).toMatchObject({ kind: "exited", message: "server process exited: panic: x" });
  });

  it("blames the transport error that made the SDK drop the connection", () => {
    const closed = new SdkError(SdkErrorCode.ConnectionClosed, "Connection closed");
    const context2 = {
      ...context,
      exited: true,
      lastStderrLine: "ready",
      transportError: "too big",
    };
    expect(classifyMcpError(closed, context2)).toMatchObject({
      kind: "closed",
      message: "connection dropped: too big",
    });
  });

  it("keeps protocol errors to one line", () => {
    const error = new ProtocolError(ProtocolErrorCode.InternalError, "line one\nline two");
    expect(classifyMcpError(error, context)).toMatchObject({
      kind: "server-error",
      message: "MCP error -32603: line one",
    });
  });

  it("says which page a URL elicitation asks for, encoded, and never other schemes", () => {
    const page = (url: string): UrlElicitationRequiredError =>
      new UrlElicitationRequiredError([
        { mode: "url", url, message: "link your account", elicitationId: "e1" },
      ]);
    expect(classifyMcpError(page("https://example.com/link?x=1"), context).message).toBe(
      "the server needs you to open https://example.com/link?x=1 in a browser first, then try again",
    );
    expect(classifyMcpError(page("https://example.com/a b\u001b[2J"), context).message).toBe(
      "the server needs you to open https://example.com/a%20b%1B[2J in a browser first, then try again",
    );
    expect(classifyMcpError(page("javascript:alert(1)"), context).message).toContain(
      "open a page it names",
    );
  });

  it("unwraps a failed version-negotiation probe to the reason inside", () => {
    const probe = new SdkError(SdkErrorCode.EraNegotiationFailed, "negotiation failed", {
      cause: new UnauthorizedError("401"),
    });
    expect(classifyMcpError(probe, context)).toBeInstanceOf(McpNeedsAuthError);
    const timeout = new SdkError(SdkErrorCode.RequestTimeout, "timed out");
    expect(classifyMcpError(timeout, { ...context, timeoutMs: 2000 })).toMatchObject({
      kind: "timeout",
      message: "timed out after 2s",
    });
  });
});
