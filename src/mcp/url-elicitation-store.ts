import type { ElicitRequestURLParams, ElicitResult } from "@modelcontextprotocol/client";
import { errorText } from "../utils/errors.js";
import type { OpenUrlResult } from "../utils/open-url.js";
import { revealText } from "../utils/terminal-text.js";
import type { UrlElicitor } from "./url-elicitation.js";
import { viewUrl } from "./url-view.js";

/** A URL a server wants the user to visit, waiting for their decision. */
export interface PendingUrlElicitation {
  readonly id: number;
  readonly server: string;
  readonly message: string;
  /** Exactly as the server sent it (shown revealed, never trimmed). */
  readonly url: string;
  readonly domain: string;
  /** Why wren will not open it; the user can only decline. */
  readonly refused?: string;
  /** `ask`: open or not? `waiting`: opened, waiting for the user to finish there. */
  readonly stage: "ask" | "waiting";
  /** What happened when it was opened (the opener's command, or why no browser). */
  readonly opened?: string;
}

/** The user's answer to a pending URL. */
export type UrlElicitationAnswer = "open" | "decline" | "cancel" | "done";

/** Options of {@link createUrlElicitationStore}. */
export interface UrlElicitationStoreOptions {
  /** Opens a URL: `openUrl` with the session's browser settings (rejects unsafe URLs). */
  readonly open: (url: string) => Promise<OpenUrlResult>;
  /** Lines for the transcript (completion reported by a server, an opener that failed). */
  readonly notify?: (line: string) => void;
}

/** Pending URL elicitations, observed by the UI; its `elicitor` goes to the MCP manager. */
export interface UrlElicitationStore {
  subscribe(listener: () => void): () => void;
  /** Pending requests, oldest first; the same array until something changes. */
  getSnapshot(): readonly PendingUrlElicitation[];
  /** The user's answer to the request with `id`; unknown ids are ignored. */
  respond(id: number, answer: UrlElicitationAnswer): void;
  readonly elicitor: UrlElicitor;
}

interface Waiter {
  readonly server: string;
  readonly elicitationId: string;
  readonly wait: boolean;
  readonly finish: (result: ElicitResult) => void;
}

/** Creates an empty store. */
export function createUrlElicitationStore(
  options: UrlElicitationStoreOptions,
): UrlElicitationStore {
  const notify = options.notify ?? (() => {});
  let nextId = 1;
  let snapshot: readonly PendingUrlElicitation[] = [];
  const waiters = new Map<number, Waiter>();
  const listeners = new Set<() => void>();

  const emit = (): void => {
    for (const listener of [...listeners]) listener();
  };
  const update = (id: number, change: Partial<PendingUrlElicitation>): void => {
    snapshot = snapshot.map((p) => (p.id === id ? { ...p, ...change } : p));
    emit();
  };
  const settle = (id: number, result: ElicitResult): void => {
    const waiter = waiters.get(id);
    if (!waiter) return;
    waiters.delete(id);
    snapshot = snapshot.filter((p) => p.id !== id);
    emit();
    waiter.finish(result);
  };

  async function open(id: number): Promise<void> {
    const pending = snapshot.find((p) => p.id === id);
    const waiter = waiters.get(id);
    if (!pending || !waiter || pending.stage !== "ask") return;
    // The UI offers no "open" for a refused URL; this check holds even if something asks anyway.
    if (pending.refused !== undefined) return settle(id, { action: "decline" });
    let opened: string;
    try {
      const result = await options.open(pending.url);
      opened = result.opened
        ? `opened with ${result.command}`
        : `no browser opened (${result.reason}): open the URL above yourself`;
      if (!result.opened && !waiter.wait) {
        // The question (and its URL) leaves the screen now: the note carries the URL, revealed.
        notify(
          `${pending.server}: no browser opened (${result.reason}); open ${revealText(pending.url)}`,
        );
        return settle(id, { action: "accept" });
      }
    } catch (error) {
      notify(`could not open the page: ${errorText(error)}`);
      return settle(id, { action: "decline" });
    }
    if (!waiter.wait) {
      notify(`${pending.server}: ${opened}`);
      return settle(id, { action: "accept" });
    }
    update(id, { stage: "waiting", opened });
  }

  function request(
    server: string,
    params: ElicitRequestURLParams,
    wait: boolean,
    signal: AbortSignal | undefined,
  ): Promise<ElicitResult> {
    const id = nextId++;
    const view = viewUrl(params.url);
    return new Promise<ElicitResult>((resolve) => {
      const onAbort = (): void => settle(id, { action: "cancel" });
      waiters.set(id, {
        server,
        elicitationId: params.elicitationId,
        wait,
        finish: (result) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(result);
        },
      });
      snapshot = [
        ...snapshot,
        {
          id,
          server,
          message: params.message,
          url: params.url,
          domain: view.domain,
          ...(view.refused !== undefined && { refused: view.refused }),
          stage: "ask",
        },
      ];
      emit();
      // The server (or the tool call behind it) gave up: drop the question.
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    respond(id, answer) {
      const pending = snapshot.find((p) => p.id === id);
      if (!pending) return;
      if (answer === "open") void open(id);
      else if (answer === "done") {
        if (pending.stage === "waiting") settle(id, { action: "accept" });
      } else settle(id, { action: answer });
    },
    elicitor: {
      ask: (server, params, signal) => request(server, params, false, signal),
      satisfy: async (server, params, signal) =>
        (await request(server, params, true, signal)).action === "accept",
      complete(server, elicitationId) {
        for (const [id, waiter] of waiters) {
          if (waiter.server !== server || waiter.elicitationId !== elicitationId) continue;
          if (snapshot.find((p) => p.id === id)?.stage === "waiting") {
            settle(id, { action: "accept" });
            return;
          }
        }
        notify(`${server}: the browser step is complete`);
      },
    },
  };
}
