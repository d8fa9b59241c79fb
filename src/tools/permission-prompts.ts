import { createStore } from "../utils/store.js";
import { invisibleCharacters } from "../utils/terminal-text.js";
import type { DiffSummary } from "./diff.js";
import type { PermissionAnswer, PermissionRequest } from "./permissions.js";

/** A permission question waiting for the user, with its diff computed for display. */
export interface PendingPermission {
  readonly id: number;
  readonly request: PermissionRequest;
  /** Rows to colour when the preview is a diff. */
  readonly diff?: DiffSummary;
  /**
   * Invisible or control characters (`U+200B`, `U+202E`, `U+001B` ...) in what the user is
   * asked to approve — the command and its directory, the path and the added lines, or the
   * arguments — which the prompt shows as `<U+XXXX>` and warns about: a zero-width space or a
   * bidi override can make a command read differently from what runs.
   */
  readonly invisible: readonly string[];
}

/** The text of a request the user reads before approving it. */
function approvedText(request: PermissionRequest, diff: DiffSummary | undefined): string {
  const { preview } = request;
  if (preview?.kind === "command") return `${preview.command}\n${preview.cwd}`;
  if (preview?.kind === "diff") {
    // Added lines only: a file that already had a BOM is not this change's doing. A CRLF
    // file's line ends are not hidden content either.
    const added = (diff?.rows ?? []).flatMap((row) =>
      row.kind === "add" ? [row.text.replace(/\r$/, "")] : [],
    );
    return [preview.path, ...added].join("\n");
  }
  return JSON.stringify(request.call.input) ?? "";
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
    (await import("./diff.js")).diffRows(before, after),
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
        const invisible = invisibleCharacters(approvedText(request, diff));
        store.update((pending) => [...pending, { id, request, invisible, ...(diff && { diff }) }]);
        signal.addEventListener("abort", onAbort, { once: true });
      });
    },
    answer: settle,
  };
}
