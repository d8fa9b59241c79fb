import { InMemoryTransport, type JSONRPCMessage } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { assumeCompleteResults, withAssumedResultType } from "./result-type.js";

describe("withAssumedResultType", () => {
  it("takes a result without resultType as complete (SEP-2322)", () => {
    expect(withAssumedResultType({ jsonrpc: "2.0", id: 3, result: { content: [] } })).toEqual({
      jsonrpc: "2.0",
      id: 3,
      result: { content: [], resultType: "complete" },
    });
  });

  it("leaves tagged results, errors, requests and notifications as they came", () => {
    const tagged = {
      jsonrpc: "2.0" as const,
      id: 1,
      result: { resultType: "input_required", inputRequests: {} },
    };
    const error = { jsonrpc: "2.0" as const, id: 2, error: { code: -32601, message: "no" } };
    const request = { jsonrpc: "2.0" as const, id: 4, method: "roots/list" };
    const notification = { jsonrpc: "2.0" as const, method: "notifications/progress" };
    for (const message of [tagged, error, request, notification]) {
      expect(withAssumedResultType(message)).toBe(message);
    }
  });
});

describe("assumeCompleteResults", () => {
  it("hands the handler the SDK assigns each response with its resultType", async () => {
    const [client, server] = InMemoryTransport.createLinkedPair();
    const received: JSONRPCMessage[] = [];
    const wrapped = assumeCompleteResults(client);
    // The SDK installs its handler by assignment, after reading the one before (none here).
    expect(wrapped.onmessage).toBeUndefined();
    wrapped.onmessage = (message) => received.push(message);
    await wrapped.start();
    await server.start();
    await server.send({ jsonrpc: "2.0", id: 1, result: { content: [] } });
    expect(received).toEqual([
      { jsonrpc: "2.0", id: 1, result: { content: [], resultType: "complete" } },
    ]);
    await wrapped.close();
  });
});
