import type { SamplingConsent, SamplingDecision, SamplingRequestView } from "./sampling.js";

/** A sampling request waiting for the user's decision. */
export interface PendingSampling {
  readonly id: number;
  readonly view: SamplingRequestView;
}

/** Pending sampling consents, observed by the UI through useSyncExternalStore. */
export interface SamplingConsentStore {
  subscribe(listener: () => void): () => void;
  /** Pending requests, oldest first; the same array until something changes. */
  getSnapshot(): readonly PendingSampling[];
  /** Answers a pending request; unknown ids are ignored (the server may have given up). */
  answer(id: number, decision: SamplingDecision): void;
  /** The consent function to give the sampling handler: queues each request until answered. */
  readonly consent: SamplingConsent;
}

/** Creates an empty store. */
export function createSamplingConsentStore(): SamplingConsentStore {
  let nextId = 1;
  let snapshot: readonly PendingSampling[] = [];
  const waiting = new Map<number, (decision: SamplingDecision) => void>();
  const listeners = new Set<() => void>();
  const settle = (id: number, decision: SamplingDecision): void => {
    const done = waiting.get(id);
    if (!done) return;
    waiting.delete(id);
    snapshot = snapshot.filter((p) => p.id !== id);
    for (const listener of [...listeners]) listener();
    done(decision);
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    answer: settle,
    consent(view, signal) {
      const id = nextId++;
      return new Promise<SamplingDecision>((resolve) => {
        // The server (or the tool call behind it) gave up: drop the question, deny.
        const onAbort = (): void => settle(id, "deny");
        waiting.set(id, (decision) => {
          signal.removeEventListener("abort", onAbort);
          resolve(decision);
        });
        snapshot = [...snapshot, { id, view }];
        for (const listener of [...listeners]) listener();
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}
