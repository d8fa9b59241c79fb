import type { ElicitRequestFormParams, ElicitResult } from "@modelcontextprotocol/client";
import type { ElicitationHandler } from "./connect.js";

/** The schema of a form-mode elicitation: an object of primitive fields. */
export type ElicitationSchema = ElicitRequestFormParams["requestedSchema"];

/** One field's schema inside an elicitation form. */
export type ElicitationField = ElicitationSchema["properties"][string];

/** A form a server is waiting for the user to fill in. */
export interface PendingElicitation {
  readonly id: number;
  readonly server: string;
  readonly message: string;
  readonly schema: ElicitationSchema;
}

/** The user's answer: accept with values, decline, or cancel (dismiss without choosing). */
export type ElicitationResponse =
  | {
      readonly action: "accept";
      readonly content: Record<string, string | number | boolean | string[]>;
    }
  | { readonly action: "decline" }
  | { readonly action: "cancel" };

/** Pending elicitation requests, observed by the UI through useSyncExternalStore. */
export interface ElicitationStore {
  subscribe(listener: () => void): () => void;
  /** Pending requests, oldest first; the same array until something changes. */
  getSnapshot(): readonly PendingElicitation[];
  /** Answers a pending request; unknown ids are ignored (the server may have given up). */
  resolve(id: number, response: ElicitationResponse): void;
  /** The handler to give the MCP manager: queues each request until the user answers. */
  readonly handler: ElicitationHandler;
}

/** Creates an empty store. */
export function createElicitationStore(): ElicitationStore {
  let nextId = 1;
  let snapshot: readonly PendingElicitation[] = [];
  const waiting = new Map<number, (result: ElicitResult) => void>();
  const listeners = new Set<() => void>();

  const emit = (): void => {
    for (const listener of [...listeners]) listener();
  };
  const settle = (id: number, result: ElicitResult): void => {
    const done = waiting.get(id);
    if (!done) return;
    waiting.delete(id);
    snapshot = snapshot.filter((p) => p.id !== id);
    emit();
    done(result);
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    resolve(id, response) {
      settle(
        id,
        response.action === "accept"
          ? { action: "accept", content: { ...response.content } }
          : { action: response.action },
      );
    },
    handler(server, params, signal) {
      const id = nextId++;
      return new Promise<ElicitResult>((resolve) => {
        const onAbort = (): void => settle(id, { action: "cancel" });
        waiting.set(id, (result) => {
          signal.removeEventListener("abort", onAbort);
          resolve(result);
        });
        snapshot = [
          ...snapshot,
          { id, server, message: params.message, schema: params.requestedSchema },
        ];
        emit();
        // The server (or the tool call behind it) gave up: drop the form.
        signal.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}

/** The handler for non-interactive runs: declines every request and logs a line saying so. */
export function declineElicitations(log: (line: string) => void): ElicitationHandler {
  return async (server, params) => {
    log(`${server} asked for input ("${params.message}"); declined (not interactive)`);
    return { action: "decline" };
  };
}
