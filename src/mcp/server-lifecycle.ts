import type { McpServerConfig } from "../config/schema.js";
import { errorText } from "../utils/errors.js";
import { formatDuration } from "../utils/format.js";
import { createCallsInFlight } from "./calls-in-flight.js";
import type { McpConnection } from "./connect.js";
import {
  McpAuthError,
  McpConnectionError,
  McpNeedsAuthError,
  McpServerUnavailableError,
} from "./errors.js";
import {
  createRestartBackoff,
  DEFAULT_RESTART,
  type LifecycleClock,
  type RestartPolicy,
  systemClock,
} from "./restart-backoff.js";
import type { McpServerStatus } from "./status.js";

/** How a connect was asked for. */
export interface ConnectRequest {
  /** The user asked to sign in (`.mcp auth`): the connect may prompt, and its failure is thrown. */
  readonly signIn?: boolean;
}

/** One connect attempt, as `open` sees it. */
export interface Attempt<D> {
  /** The server's settings for this attempt. */
  readonly config: McpServerConfig;
  /** Aborted when the attempt is given up (reconnect, disable, close). */
  readonly signal: AbortSignal;
  readonly signIn: boolean;
  /** This attempt's connection while it is the server's live one; undefined before and after. */
  live(): McpConnection | undefined;
  /** Replaces the live data (a list_changed refresh); ignored once the attempt was replaced. */
  update(change: (data: D) => D): void;
}

/** A connection and what it offers (tools, prompts...), as `open` lists them. */
export interface Opened<D> {
  readonly connection: McpConnection;
  readonly data: D;
}

/** What one server's lifecycle needs. */
export interface ServerLifecycleOptions<D> {
  readonly config: McpServerConfig;
  /** Connects and lists what the server offers; closes what it opened before it rejects. */
  readonly open: (attempt: Attempt<D>) => Promise<Opened<D>>;
  /** The status while connected (tool count, sign-in), in the manager's words. */
  readonly connectedStatus: (connection: McpConnection, data: D) => McpServerStatus;
  /** Every status transition. */
  readonly onStatus: (status: McpServerStatus) => void;
  /** The live data changed and the status did not. */
  readonly onChange: () => void;
  /** The connection is gone (dropped, or it ended): forget what it offered elsewhere. */
  readonly onDisconnect?: () => void;
  readonly log?: (line: string) => void;
  readonly restart?: Partial<RestartPolicy>;
  readonly clock?: LifecycleClock;
}

/** One server over time: connects, restarts, reconnects and tracks the calls on its connections. */
export interface ServerLifecycle<D> {
  config(): McpServerConfig;
  status(): McpServerStatus;
  /** The live connection and its data, while there is one. */
  live(): Opened<D> | undefined;
  /** Whether an attempt is running. */
  connecting(): boolean;
  /** Connects unless connected or connecting; every caller gets the same attempt. */
  connect(request?: ConnectRequest): Promise<McpConnection>;
  /** The connection for a call, connecting first; refuses while disabled, invalid, closed or waiting to restart. */
  ensure(): Promise<McpConnection>;
  /** Runs `run` on the connection, tracked so a retired connection closes only after it. */
  use<T>(run: (connection: McpConnection) => Promise<T>): Promise<T>;
  /**
   * Like `use`, for tool calls: a remote server that dropped is detached and, when the call
   * surely never ran, reconnected and the call retried once.
   */
  call<T>(run: (connection: McpConnection) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Drops the connection and connects again; rejects only with a requested sign-in's McpAuthError. */
  reconnect(request?: ConnectRequest): Promise<void>;
  /** Turns the server on (resolves once connected or failed) or off; saving it is the caller's. */
  setEnabled(enabled: boolean): Promise<void>;
  /** Aborts an attempt without waiting for it and closes every connection, in use or not. */
  close(): Promise<void>;
}

/** Errors that mean a remote server is gone: it is reconnected on next use. */
function isDroppedConnection(error: unknown): boolean {
  return (
    error instanceof McpConnectionError &&
    (error.kind === "refused" || error.kind === "not-found" || error.kind === "closed")
  );
}

/** Errors where the call surely never ran, so it is retried once after reconnecting. */
function isSafeToRetry(error: unknown): boolean {
  return (
    error instanceof McpConnectionError && (error.kind === "refused" || error.kind === "not-found")
  );
}

/** A server whose entry could not be read shows its error; it never connects. */
function initialStatus(config: McpServerConfig): McpServerStatus {
  if (config.invalid !== undefined) return { state: "failed", reason: config.invalid };
  return config.enabled ? { state: "connecting" } : { state: "disabled" };
}

function failureStatus(name: string, error: unknown): McpServerStatus {
  if (error instanceof McpNeedsAuthError) return { state: "needs-auth", message: error.message };
  // A sign-in the user asked for failed (cancelled, denied...): the server still needs one.
  if (error instanceof McpAuthError) {
    return { state: "needs-auth", message: new McpNeedsAuthError(name).message };
  }
  return { state: "failed", reason: errorText(error) };
}

/** Creates one server's lifecycle; nothing connects until `connect`, `ensure` or `reconnect`. */
export function createServerLifecycle<D>(options: ServerLifecycleOptions<D>): ServerLifecycle<D> {
  const name = options.config.name;
  const policy: RestartPolicy = { ...DEFAULT_RESTART, ...options.restart };
  const backoff = createRestartBackoff(policy);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => {});
  let config = options.config;
  let status = initialStatus(config);
  let current: Opened<D> | undefined;
  let pending: Promise<McpConnection> | undefined;
  let abort: AbortController | undefined;
  /** Bumped whenever the attempt or connection is replaced, so stale events are ignored. */
  let generation = 0;
  let cancelRestart: (() => void) | undefined;
  let connectedAt: number | undefined;
  let closed = false;
  const calls = createCallsInFlight();

  function set(next: McpServerStatus): void {
    status = next;
    options.onStatus(next);
  }

  function assertUsable(): void {
    if (config.invalid !== undefined) throw new McpServerUnavailableError(name, config.invalid);
  }

  function assertEnabled(): void {
    assertUsable();
    if (!config.enabled) {
      throw new McpServerUnavailableError(name, `${name} is disabled: run .mcp enable ${name}`);
    }
  }

  /** Ends the current attempt or connection without reporting it as a failure. */
  async function drop(): Promise<void> {
    generation++;
    cancelRestart?.();
    cancelRestart = undefined;
    abort?.abort();
    abort = undefined;
    const connection = current?.connection;
    const attempt = pending;
    current = undefined;
    pending = undefined;
    options.onDisconnect?.();
    await Promise.all([
      connection?.close(),
      attempt?.then(
        (c) => c.close(),
        () => {},
      ),
    ]);
  }

  function connect(request: ConnectRequest = {}): Promise<McpConnection> {
    if (pending) return pending;
    if (current) return Promise.resolve(current.connection);
    const mine = ++generation;
    const controller = new AbortController();
    abort = controller;
    set({ state: "connecting" });
    const attempt: Attempt<D> = {
      config,
      signal: controller.signal,
      signIn: request.signIn === true,
      live: () => (mine === generation ? current?.connection : undefined),
      update(change) {
        if (mine !== generation || !current) return;
        current = { connection: current.connection, data: change(current.data) };
        const next = options.connectedStatus(current.connection, current.data);
        // A prompts refresh leaves the status as it was: no status line for it.
        if (JSON.stringify(next) === JSON.stringify(status)) options.onChange();
        else set(next);
      },
    };
    const settled = options.open(attempt).then(
      async (opened) => {
        if (mine !== generation || closed) {
          // Superseded while listing: end it before anyone waits on this attempt.
          await opened.connection.close();
          throw new McpServerUnavailableError(name, `${name} was disconnected`);
        }
        pending = undefined;
        abort = undefined;
        current = opened;
        connectedAt = clock.now();
        set(options.connectedStatus(opened.connection, opened.data));
        void opened.connection.ended.then((end) => {
          if (mine !== generation || closed || end.requested) return;
          onUnexpectedEnd(end.error.message);
        });
        return opened.connection;
      },
      (error: unknown) => {
        if (mine !== generation) throw error;
        pending = undefined;
        abort = undefined;
        if (!closed) set(failureStatus(name, error));
        throw error;
      },
    );
    pending = settled;
    // Background starts must not surface as unhandled rejections; callers awaiting still see it.
    settled.catch(() => {});
    return settled;
  }

  function onUnexpectedEnd(reason: string): void {
    const lived = connectedAt === undefined ? 0 : clock.now() - connectedAt;
    connectedAt = undefined;
    current = undefined;
    generation++;
    options.onDisconnect?.();
    if (config.type !== "stdio") {
      // Remote servers are reconnected on next use.
      set({ state: "failed", reason });
      return;
    }
    const delay = backoff.next(lived);
    if (delay === undefined) {
      set({ state: "failed", reason: `${reason}; gave up after ${policy.maxAttempts} restarts` });
      return;
    }
    set({
      state: "failed",
      reason: `${reason}, restarting in ${formatDuration(delay)}`,
      retryInMs: delay,
    });
    cancelRestart = clock.schedule(() => {
      cancelRestart = undefined;
      if (closed || !config.enabled) return;
      connect().catch(() => {
        // A restart that fails to connect counts as another exit (or the last one).
        if (status.state === "failed" && !closed && config.enabled) onUnexpectedEnd(status.reason);
      });
    }, delay);
  }

  async function ensure(): Promise<McpConnection> {
    if (closed) throw new McpServerUnavailableError(name, "MCP manager is closed");
    assertEnabled();
    if (current) return current.connection;
    if (pending) return pending;
    if (cancelRestart && status.state === "failed") {
      throw new McpServerUnavailableError(name, `${name}: ${status.reason}`);
    }
    // Not started yet, failed, or a remote server that dropped: connect now.
    return connect();
  }

  return {
    config: () => config,
    status: () => status,
    live: () => current,
    connecting: () => pending !== undefined,
    connect,
    ensure,
    async use(run) {
      const connection = await ensure();
      return calls.track(connection, () => run(connection));
    },
    async call(run, signal) {
      const connection = await ensure();
      try {
        return await calls.track(connection, () => run(connection));
      } catch (error) {
        if (signal?.aborted) throw error;
        if (config.type === "stdio" || !isDroppedConnection(error)) {
          if (error instanceof McpNeedsAuthError) {
            set({ state: "needs-auth", message: error.message });
          }
          throw error;
        }
        const reason = errorText(error);
        // Concurrent calls may fail together; only the first drops the dead connection.
        if (current?.connection === connection) {
          // Detach without aborting the other calls on it: each sees its own outcome.
          generation++;
          current = undefined;
          calls.retire(connection);
          set({ state: "failed", reason });
        }
        // The call may have run when the connection broke mid-request: report, do not repeat.
        if (!isSafeToRetry(error)) throw error;
        log(`mcp ${name}: ${reason}; reconnecting`);
        const fresh = await ensure();
        return calls.track(fresh, () => run(fresh));
      }
    },
    async reconnect(request = {}) {
      assertEnabled();
      await drop();
      backoff.reset();
      try {
        await connect(request);
      } catch (error) {
        // The status shows any failure; only the sign-in the user is waiting for is thrown.
        if (request.signIn && error instanceof McpAuthError) throw error;
      }
    },
    async setEnabled(enabled) {
      if (enabled) assertUsable();
      config = { ...config, enabled };
      if (enabled) {
        backoff.reset();
        await connect().catch(() => {});
      } else {
        await drop();
        set({ state: "disabled" });
      }
    },
    async close() {
      closed = true;
      // A server still starting is aborted, not awaited: its transport may wait for a
      // process that ignores stdin closing (a shell's child) until the connect timeout.
      const starting = pending !== undefined;
      const dropped = drop().catch(() => {});
      await Promise.all([starting ? undefined : dropped, calls.closeRetired()]);
    },
  };
}
