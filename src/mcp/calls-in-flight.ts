// Calls running on each connection, so a connection that is no longer current (replaced after
// it dropped) closes only once the calls still running on it have ended.

/** A connection, as far as this module needs one. */
export interface Closable {
  close(): Promise<void>;
}

/** The calls running per connection, and the connections waiting for theirs to end. */
export interface CallsInFlight {
  /** Runs `run` as a call on `connection`. */
  track<T>(connection: Closable, run: () => Promise<T>): Promise<T>;
  /** Closes `connection` now if nothing runs on it, else when its last call ends. */
  retire(connection: Closable): void;
  /** Closes every retired connection now, calls or not (the server is closing). */
  closeRetired(): Promise<void>;
}

/** Nothing in flight yet. */
export function createCallsInFlight(): CallsInFlight {
  const running = new Map<Closable, number>();
  const retiring = new Set<Closable>();
  return {
    async track(connection, run) {
      running.set(connection, (running.get(connection) ?? 0) + 1);
      try {
        return await run();
      } finally {
        const left = (running.get(connection) ?? 1) - 1;
        if (left > 0) running.set(connection, left);
        else {
          running.delete(connection);
          if (retiring.delete(connection)) void connection.close();
        }
      }
    },
    retire(connection) {
      if ((running.get(connection) ?? 0) === 0) void connection.close();
      else retiring.add(connection);
    },
    async closeRetired() {
      const all = [...retiring];
      retiring.clear();
      await Promise.all(all.map((connection) => connection.close()));
    },
  };
}
