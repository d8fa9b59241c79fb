// When a stdio server that exited is started again: a delay that doubles from the base up to a
// cap, a limit of restarts in a row, and a count that a long enough run resets; the clock is
// injected so tests move time instead of waiting.

/** Automatic restarts of stdio servers that exit. */
export interface RestartPolicy {
  /** Delay before the first restart; doubles each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Restarts in a row before giving up. */
  readonly maxAttempts: number;
  /** A connection that lived this long resets the attempt count. */
  readonly stableAfterMs: number;
}

/** The policy unless a caller (a test) passes its own. */
export const DEFAULT_RESTART: RestartPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxAttempts: 5,
  stableAfterMs: 60_000,
};

/** Time as a lifecycle sees it: tests pass a fake one and move it instead of waiting. */
export interface LifecycleClock {
  now(): number;
  /** Runs `run` after `ms`; the returned function cancels it. */
  schedule(run: () => void, ms: number): () => void;
}

/** The real clock; a pending restart does not keep the process alive. */
export const systemClock: LifecycleClock = {
  now: () => Date.now(),
  schedule(run, ms) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Restarts in a row, counted against a policy. */
export interface RestartBackoff {
  /** The delay before restarting a server whose connection lived `livedMs`; undefined: give up. */
  next(livedMs: number): number | undefined;
  /** A start the user asked for (reconnect, enable) counts from zero again. */
  reset(): void;
}

/** A fresh count of restarts under `policy`. */
export function createRestartBackoff(policy: RestartPolicy): RestartBackoff {
  let attempts = 0;
  return {
    next(livedMs) {
      if (livedMs >= policy.stableAfterMs) attempts = 0;
      if (attempts >= policy.maxAttempts) return undefined;
      const delay = Math.min(policy.baseDelayMs * 2 ** attempts, policy.maxDelayMs);
      attempts++;
      return delay;
    },
    reset() {
      attempts = 0;
    },
  };
}
