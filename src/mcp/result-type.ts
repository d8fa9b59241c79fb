// Revision 2026-07-28 (SEP-2322) tags every result with `resultType`, and says a client MUST
// take a result without one as "complete". The v2 SDK (2.4.0) instead rejects such a result
// from a 2026-07-28 server as invalid, so a tool call to a server that leaves the tag out
// fails in wren although the server answered. This shim sits between the transport and the
// SDK and adds the tag the spec says to assume; a tagged result passes untouched.
import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/client";

type MessageHandler = NonNullable<Transport["onmessage"]>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * A JSON-RPC response whose result has no `resultType`, given `resultType: "complete"`; any
 * other message (requests, notifications, errors, tagged results) is returned as it came.
 * 2025-era results are untagged too: the SDK strips the tag from those, so adding it is neutral.
 */
export function withAssumedResultType(message: JSONRPCMessage): JSONRPCMessage {
  if (!("result" in message) || "method" in message) return message;
  const { result } = message;
  if (!isPlainObject(result) || "resultType" in result) return message;
  return { ...message, result: { ...result, resultType: "complete" } };
}

/**
 * Makes `transport` hand the SDK every response with its `resultType` as the spec defines it
 * (absent means "complete"). The SDK installs its handler by assigning `onmessage`; the
 * property is replaced by an accessor that wraps whatever handler is assigned.
 */
export function assumeCompleteResults<T extends Transport>(transport: T): T {
  let wrapped: MessageHandler | undefined;
  Object.defineProperty(transport, "onmessage", {
    configurable: true,
    enumerable: true,
    get: () => wrapped,
    set: (handler: MessageHandler | undefined) => {
      wrapped =
        handler === undefined
          ? undefined
          : (message, extra) => handler(withAssumedResultType(message), extra);
    },
  });
  return transport;
}
