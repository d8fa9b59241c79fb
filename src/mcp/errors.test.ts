import {
  ProtocolError,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  UnauthorizedError,
  UrlElicitationRequiredError,
} from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { classifyMcpError, formatMs, McpNeedsAuthError } from "./errors.js";

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
    expect(classifyMcpError(error, context).message).toBe("MCP error -32603: line one");
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

describe("formatMs", () => {
  it("formats milliseconds and seconds", () => {
    expect(formatMs(300)).toBe("300ms");
    expect(formatMs(2000)).toBe("2s");
    expect(formatMs(1500)).toBe("1.5s");
  });
});
