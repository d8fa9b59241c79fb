// One server's lifecycle with an injected connect (`open`) and a fake clock: restarts happen
// when the test moves time, never after a real wait.

import { describe, expect, it } from "vitest";
import type { McpServerConfig } from "../config/schema.js";
import type { ConnectionEnd, McpConnection } from "./connect.js";
import { McpAuthError, McpConnectionError, McpNeedsAuthError } from "./errors.js";
import type { LifecycleClock } from "./restart-backoff.js";
import {
  type Attempt,
  createServerLifecycle,
  type Opened,
  type ServerLifecycle,
} from "./server-lifecycle.js";
import type { McpServerStatus } from "./status.js";
import { stdioMock } from "./test-support.js";

const POLL = { timeout: 10_000 };

const remote: McpServerConfig = {
  name: "r",
  type: "http",
  url: "http://127.0.0.1:9/mcp",
  headers: {},
  oauth: {},
  enabled: true,
  source: "test",
};

/** A clock whose timers run only when the test advances it. */
function fakeClock(): { clock: LifecycleClock; advance(ms: number): void; pending(): number[] } {
  let time = 0;
  const timers: { at: number; run: () => void; done: boolean }[] = [];
  return {
    clock: {
      now: () => time,
      schedule(run, ms) {
        const timer = { at: time + ms, run, done: false };
        timers.push(timer);
        return () => {
          timer.done = true;
        };
      },
    },
    advance(ms) {
      time += ms;
      for (const timer of timers.filter((t) => !t.done && t.at <= time)) {
        timer.done = true;
        timer.run();
      }
    },
    /** Delays of the timers still waiting, from now. */
    pending: () => timers.filter((t) => !t.done).map((t) => t.at - time),
  };
}

interface FakeConnection {
  readonly connection: McpConnection;
  closed: boolean;
  /** Ends the connection as if the process exited. */
  exit(reason?: string): void;
}

function fakeConnection(): FakeConnection {
  let end: (e: ConnectionEnd) => void = () => {};
  const ended = new Promise<ConnectionEnd>((resolve) => {
    end = resolve;
  });
  const fake: FakeConnection = {
    closed: false,
    exit: (reason = "server process exited") =>
      end({ requested: false, error: new McpConnectionError("s", "exited", reason) }),
    connection: {
      pid: undefined,
      serverInfo: undefined,
      instructions: undefined,
      protocolVersion: "2025-11-25",
      listTools: async () => [],
      request: async () => {
        throw new Error("not in this fake");
      },
      notifyRootsChanged: async () => {},
      callTool: async () => ({ content: [] }),
      close: async () => {
        fake.closed = true;
        end({ requested: true, error: new McpConnectionError("s", "closed", "closed") });
      },
      ended,
    },
  };
  return fake;
}

/** A promise the test settles. */
function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve: (v: T) => void = () => {};
  let reject: (e: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A lifecycle whose data is a tool count, recording statuses, attempts and connections. */
function lifecycle(
  config: McpServerConfig,
  open: (attempt: Attempt<number>) => Promise<Opened<number>>,
  clock?: LifecycleClock,
): {
  server: ServerLifecycle<number>;
  statuses: McpServerStatus[];
  attempts: Attempt<number>[];
} {
  const statuses: McpServerStatus[] = [];
  const attempts: Attempt<number>[] = [];
  const server = createServerLifecycle<number>({
    config,
    open: (attempt) => {
      attempts.push(attempt);
      return open(attempt);
    },
    connectedStatus: (_connection, toolCount) => ({ state: "connected", toolCount }),
    onStatus: (status) => statuses.push(status),
    onChange: () => {},
    restart: { baseDelayMs: 1000, maxDelayMs: 4000, maxAttempts: 4, stableAfterMs: 60_000 },
    ...(clock && { clock }),
  });
  return { server, statuses, attempts };
}

describe("server lifecycle: restarts", () => {
  it("restarts a stdio server that exits after doubling delays, capped, and then gives up", async () => {
    const time = fakeClock();
    const connections: FakeConnection[] = [];
    let failing = false;
    const { server } = lifecycle(
      stdioMock("s"),
      async () => {
        if (failing) throw new McpConnectionError("s", "exited", "server process exited: boom");
        const fake = fakeConnection();
        connections.push(fake);
        return { connection: fake.connection, data: 1 };
      },
      time.clock,
    );
    await server.connect();
    failing = true;
    connections[0]?.exit("server process exited: boom");
    const delays: number[] = [];
    for (const expected of [1000, 2000, 4000, 4000]) {
      await expect.poll(() => time.pending(), POLL).toEqual([expected]);
      expect(server.status()).toEqual({
        state: "failed",
        reason: `server process exited: boom, restarting in ${expected / 1000}s`,
        retryInMs: expected,
      });
      // Calls are refused while the restart waits, instead of starting another connect.
      await expect(server.ensure()).rejects.toThrow("restarting in");
      time.advance(expected - 1);
      expect(server.connecting()).toBe(false);
      time.advance(1);
      expect(server.connecting()).toBe(true);
      delays.push(expected);
    }
    await expect
      .poll(() => server.status(), POLL)
      .toEqual({
        state: "failed",
        reason: "server process exited: boom; gave up after 4 restarts",
      });
    expect(time.pending()).toEqual([]);
    expect(delays).toEqual([1000, 2000, 4000, 4000]);
  });

  it("a connection that lived stableAfterMs starts the backoff over", async () => {
    const time = fakeClock();
    const connections: FakeConnection[] = [];
    const { server } = lifecycle(
      stdioMock("s"),
      async () => {
        const fake = fakeConnection();
        connections.push(fake);
        return { connection: fake.connection, data: 1 };
      },
      time.clock,
    );
    await server.connect();
    connections[0]?.exit();
    await expect.poll(() => time.pending(), POLL).toEqual([1000]);
    time.advance(1000);
    await expect.poll(() => server.status().state, POLL).toBe("connected");
    // Died again at once: the next delay doubles.
    connections[1]?.exit();
    await expect.poll(() => time.pending(), POLL).toEqual([2000]);
    time.advance(2000);
    await expect.poll(() => server.status().state, POLL).toBe("connected");
    time.advance(60_000);
    connections[2]?.exit();
    await expect.poll(() => time.pending(), POLL).toEqual([1000]);
  });

  it("does not restart a remote server: the next call connects it again", async () => {
    const time = fakeClock();
    const connections: FakeConnection[] = [];
    const { server } = lifecycle(
      remote,
      async () => {
        const fake = fakeConnection();
        connections.push(fake);
        return { connection: fake.connection, data: 2 };
      },
      time.clock,
    );
    await server.connect();
    connections[0]?.exit("stream lost");
    await expect
      .poll(() => server.status(), POLL)
      .toEqual({ state: "failed", reason: "stream lost" });
    expect(time.pending()).toEqual([]);
    expect(await server.ensure()).toBe(connections[1]?.connection);
  });
});

describe("server lifecycle: generations", () => {
  it("discards a connect that a reconnect replaced, and its late events", async () => {
    const first = deferred<Opened<number>>();
    const second = deferred<Opened<number>>();
    const pending = [first, second];
    const { server, attempts } = lifecycle(stdioMock("s"), () => {
      const next = pending.shift();
      if (!next) throw new Error("no more connects expected");
      return next.promise;
    });
    const stale = server.connect();
    stale.catch(() => {});
    const reconnecting = server.reconnect();
    expect(attempts[0]?.signal.aborted).toBe(true);
    // The replaced attempt finishes anyway: its connection is closed, never adopted.
    const older = fakeConnection();
    first.resolve({ connection: older.connection, data: 9 });
    await expect(stale).rejects.toThrow("s was disconnected");
    expect(older.closed).toBe(true);
    await expect.poll(() => attempts.length, POLL).toBe(2);
    const newer = fakeConnection();
    second.resolve({ connection: newer.connection, data: 2 });
    await reconnecting;
    expect(server.status()).toEqual({ state: "connected", toolCount: 2 });
    expect(server.live()?.connection).toBe(newer.connection);
    // A list_changed refresh of the replaced attempt is ignored; the live one's lands.
    expect(attempts[0]?.live()).toBeUndefined();
    attempts[0]?.update(() => 7);
    expect(server.status()).toEqual({ state: "connected", toolCount: 2 });
    expect(attempts[1]?.live()).toBe(newer.connection);
    attempts[1]?.update(() => 3);
    expect(server.status()).toEqual({ state: "connected", toolCount: 3 });
    expect(server.live()?.data).toBe(3);
  });

  it("a sign-in asked for is passed to the connect, and only its McpAuthError is thrown", async () => {
    // oauth/ throws a kind of McpAuthError (cancelled, denied...); the lifecycle knows the base.
    const cancelled = new McpAuthError("r", "authorization cancelled");
    let failure: Error = cancelled;
    const { server, attempts } = lifecycle(remote, async () => {
      throw failure;
    });
    await expect(server.reconnect({ signIn: true })).rejects.toBe(cancelled);
    expect(attempts[0]?.signIn).toBe(true);
    expect(server.status()).toEqual({
      state: "needs-auth",
      message: new McpNeedsAuthError("r").message,
    });
    // Without the sign-in, the same failure is only the status.
    await server.reconnect();
    expect(attempts[1]?.signIn).toBe(false);
    expect(server.status().state).toBe("needs-auth");
    // A server that cannot be reached is not a sign-in failure: the status says so.
    failure = new McpConnectionError("r", "refused", "connection refused (127.0.0.1:9)");
    await server.reconnect({ signIn: true });
    expect(server.status()).toEqual({
      state: "failed",
      reason: "connection refused (127.0.0.1:9)",
    });
  });
});

describe("server lifecycle: calls in flight", () => {
  /** A call that runs until its connection closes, then fails as the SDK's would. */
  const untilClosed = (connection: McpConnection): Promise<string> =>
    connection.ended.then(() => {
      throw new McpConnectionError("r", "closed", "connection closed");
    });

  it("a dropped remote connection closes once its other calls end, and the call is retried", async () => {
    const connections: FakeConnection[] = [];
    const { server } = lifecycle(remote, async () => {
      const fake = fakeConnection();
      connections.push(fake);
      return { connection: fake.connection, data: 1 };
    });
    await server.connect();
    const release = deferred<string>();
    const running = server.call(() => release.promise);
    // Another call finds the server gone before the request left: reconnect, retry once.
    let tries = 0;
    const retried = await server.call(async (connection) => {
      tries++;
      if (connection === connections[0]?.connection) {
        throw new McpConnectionError("r", "refused", "connection refused");
      }
      return "second";
    });
    expect(retried).toBe("second");
    expect(tries).toBe(2);
    expect(server.live()?.connection).toBe(connections[1]?.connection);
    // The first connection waits for the call still running on it.
    expect(connections[0]?.closed).toBe(false);
    release.resolve("first");
    expect(await running).toBe("first");
    await expect.poll(() => connections[0]?.closed, POLL).toBe(true);
  });

  it("close() ends calls in flight, on the live connection and on a detached one", async () => {
    const connections: FakeConnection[] = [];
    const { server } = lifecycle(remote, async () => {
      const fake = fakeConnection();
      connections.push(fake);
      return { connection: fake.connection, data: 1 };
    });
    await server.connect();
    const onDetached = server.call(untilClosed);
    onDetached.catch(() => {});
    // The request may have reached the server: not retried, but the connection is detached.
    await expect(
      server.call(async () => {
        throw new McpConnectionError("r", "closed", "connection dropped");
      }),
    ).rejects.toThrow("connection dropped");
    expect(server.status()).toEqual({ state: "failed", reason: "connection dropped" });
    await server.connect();
    const onLive = server.call(untilClosed);
    onLive.catch(() => {});
    expect(connections.map((c) => c.closed)).toEqual([false, false]);
    await server.close();
    expect(connections.map((c) => c.closed)).toEqual([true, true]);
    await expect(onDetached).rejects.toThrow("connection closed");
    await expect(onLive).rejects.toThrow("connection closed");
    await expect(server.ensure()).rejects.toThrow("MCP manager is closed");
  });

  it("close() aborts a connect in progress without waiting for it", async () => {
    const never = deferred<Opened<number>>();
    const { server, attempts } = lifecycle(stdioMock("s"), () => never.promise);
    const connecting = server.connect();
    connecting.catch(() => {});
    // Resolves with the attempt still open, or the test times out.
    await server.close();
    expect(attempts[0]?.signal.aborted).toBe(true);
    // If it finishes after all, its connection is closed rather than kept.
    const late = fakeConnection();
    never.resolve({ connection: late.connection, data: 1 });
    await expect(connecting).rejects.toThrow("s was disconnected");
    expect(late.closed).toBe(true);
  });
});
