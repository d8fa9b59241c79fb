import { createStore } from "../utils/store.js";
import type { DiffSummary } from "./builtin/diff.js";
import type { PermissionAnswer, PermissionRequest } from "./permissions.js";

/** A permission question waiting for the user, with its diff computed for display. */
export interface PendingPermission {
  readonly id: number;
  readonly request: PermissionRequest;
  /** Rows to colour when the preview is a diff. */
  readonly diff?: DiffSummary;
}

/** Permission questions waiting for the user; the REPL shows the oldest one. */
export interface PermissionPrompts {
  subscribe(listener: () => void): () => void;
  getSnapshot(): readonly PendingPermission[];
  /** Asks the user; settles as a denial if `signal` aborts (Esc) before an answer. */
  ask(request: PermissionRequest, signal: AbortSignal): Promise<PermissionAnswer>;
  answer(id: number, answer: PermissionAnswer): void;
}

/** Creates an empty prompt queue; `diffOf` computes the rows for a diff preview. */
export function createPermissionPrompts(
  diffOf: (before: string, after: string) => Promise<DiffSummary> = async (before, after) =>
    (await import("./builtin/diff.js")).diffRows(before, after),
): PermissionPrompts {
  const store = createStore<readonly PendingPermission[]>([]);
  const waiting = new Map<number, (answer: PermissionAnswer) => void>();
  let nextId = 1;
  const settle = (id: number, answer: PermissionAnswer): void => {
    const resolve = waiting.get(id);
    if (!resolve) return;
    waiting.delete(id);
    store.update((pending) => pending.filter((p) => p.id !== id));
    resolve(answer);
  };
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    async ask(request, signal) {
      if (signal.aborted) return { kind: "deny", note: "cancelled" };
      const preview = request.preview;
      const diff =
        preview?.kind === "diff" ? await diffOf(preview.before, preview.after) : undefined;
      const id = nextId++;
      return new Promise<PermissionAnswer>((resolve) => {
        const onAbort = (): void => settle(id, { kind: "deny", note: "cancelled" });
        // The signal is the turn's, shared by every question of the turn: leave nothing on it.
        waiting.set(id, (answer) => {
          signal.removeEventListener("abort", onAbort);
          resolve(answer);
        });
        store.update((pending) => [...pending, { id, request, ...(diff && { diff }) }]);
        signal.addEventListener("abort", onAbort, { once: true });
      });
    },
    answer: settle,
  };
}
