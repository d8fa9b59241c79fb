import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
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
