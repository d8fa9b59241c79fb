import { SseError } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { ErrorEvent } from "eventsource";
import { describe, expect, it } from "vitest";
import { classifyMcpError, formatMs, McpNeedsAuthError } from "./errors.js";

const context = { server: "s", target: "example.com" };

describe("classifyMcpError", () => {
  it("maps HTTP statuses", () => {
    expect(classifyMcpError(new StreamableHTTPError(401, "x"), context)).toBeInstanceOf(
      McpNeedsAuthError,
    );
    expect(classifyMcpError(new StreamableHTTPError(500, "boom"), context)).toMatchObject({
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
    const dumped = new McpError(
      ErrorCode.InvalidParams,
      'Invalid arguments for tool add: [\n  {\n    "code": "invalid_type",\n    "path": ["a"],\n    "message": "expected number"\n  }\n]',
    );
    const line = classifyMcpError(dumped, context).message;
    expect(line).toBe("MCP error -32602: Invalid arguments for tool add: a: expected number");
    expect(line).not.toMatch(/\[$/);
  });

  it("tells a closed connection from an exited process", () => {
    const closed = new McpError(ErrorCode.ConnectionClosed, "Connection closed");
    expect(classifyMcpError(closed, context)).toMatchObject({ kind: "closed" });
    expect(
      classifyMcpError(closed, { ...context, exited: true, lastStderrLine: "panic: x" }),
    ).toMatchObject({ kind: "exited", message: "server process exited: panic: x" });
  });

  it("blames the transport error that made the SDK drop the connection", () => {
    const closed = new McpError(ErrorCode.ConnectionClosed, "Connection closed");
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
    const error = new McpError(ErrorCode.InternalError, "line one\nline two");
    expect(classifyMcpError(error, context).message).toBe("MCP error -32603: line one");
  });
});

describe("formatMs", () => {
  it("formats milliseconds and seconds", () => {
    expect(formatMs(300)).toBe("300ms");
    expect(formatMs(2000)).toBe("2s");
    expect(formatMs(1500)).toBe("1.5s");
  });
});
