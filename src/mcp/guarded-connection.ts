// A connection seen through a wrapper (OAuth's retry after a sign-in, a machine grant's error
// mapping): every request it can make runs through one guard, and the rest passes through
// unchanged. One place, so a wrapper cannot forget a request kind; the two hand-written
// wrappers had both dropped `resources`, and OAuth-protected servers lost their resources.
import type { McpConnection } from "./connection.js";

/** Which request of the connection the guard runs (a sign-in may only start after the listing). */
export type GuardedRequest = "listTools" | "callTool" | "request" | "resources";

/** What a wrapper adds around a connection. */
export interface ConnectionGuard {
  run<T>(request: () => Promise<T>, kind: GuardedRequest): Promise<T>;
  /** The connection's `auth`, read each time it is asked. */
  auth(): McpConnection["auth"];
  /** Replaces the connection's close (to close what the wrapper holds as well). */
  close?(): Promise<void>;
}

/** `connection` with every request run through `guard`. */
export function guardedConnection(
  connection: McpConnection,
  guard: ConnectionGuard,
): McpConnection {
  const { resources } = connection;
  return {
    pid: connection.pid,
    serverInfo: connection.serverInfo,
    instructions: connection.instructions,
    protocolVersion: connection.protocolVersion,
    get auth() {
      return guard.auth();
    },
    ...(connection.capabilities && { capabilities: connection.capabilities }),
    ended: connection.ended,
    listTools: (options) => guard.run(() => connection.listTools(options), "listTools"),
    callTool: (name, args, options) =>
      guard.run(() => connection.callTool(name, args, options), "callTool"),
    request: (send, options) => guard.run(() => connection.request(send, options), "request"),
    notifyRootsChanged: () => connection.notifyRootsChanged(),
    ...(resources && {
      resources: {
        capabilities: resources.capabilities,
        list: (signal) => guard.run(() => resources.list(signal), "resources"),
        read: (uri, signal) => guard.run(() => resources.read(uri, signal), "resources"),
        subscribe: (uri) => guard.run(() => resources.subscribe(uri), "resources"),
        complete: (template, argument, value, signal) =>
          guard.run(() => resources.complete(template, argument, value, signal), "resources"),
      },
    }),
    close: guard.close ?? (() => connection.close()),
  };
}
