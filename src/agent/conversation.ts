import { randomUUID } from "node:crypto";
import type { Attachment, ChatMessage, Usage } from "../messages.js";
import type { ChatModel } from "../provider/types.js";
import type { SessionStore, SessionWriter } from "../session/session-store.js";
import type { ToolRegistry } from "../tools/registry.js";
import { errorText } from "../utils/errors.js";
import { createStore, type Store } from "../utils/store.js";
import { SUMMARY_HEADING, summarizeConversation } from "./compact.js";
import { fitToContext } from "./context.js";
import { createLiveTurn, type FinishedItem, type LiveTurn, splitAtParagraph } from "./live-turn.js";
import { addUsage, runTurn, type TurnEnd, type TurnOptions } from "./loop.js";

/** Observable state of the conversation, for the input line, footer and live area. */
export interface ConversationState {
  readonly running: boolean;
  /** Messages typed while a turn runs, sent in order when it ends. */
  readonly queue: readonly string[];
  readonly live: LiveTurn | null;
  readonly usage: { readonly lastTurn: Usage; readonly session: Usage };
  readonly sessionId?: string;
}

/** A message handed in whole (an MCP prompt's), rather than typed. */
export interface SeedMessage {
  readonly role: "user" | "assistant";
  readonly text: string;
  /** Images and texts sent with a user message (an MCP prompt's images). */
  readonly attachments?: readonly Attachment[];
}

/** The chat as the REPL and print mode drive it. */
export interface Conversation extends Pick<Store<ConversationState>, "getSnapshot" | "subscribe"> {
  /** Sends a message, or queues it while a turn runs. */
  send(text: string): void;
  /**
   * Adds several messages at once (an MCP prompt's) and runs a turn on the last user message;
   * true when a turn started (false when the messages end with an assistant's). Throws
   * ConversationBusyError while a turn runs.
   */
  sendMessages(messages: readonly SeedMessage[]): boolean;
  /** Esc: stops the running turn at once; queued messages stay queued. */
  interrupt(): void;
  /** Interrupts and sends the first queued message right away. */
  sendNow(): void;
  /** Takes the newest queued message back (to edit it); undefined when the queue is empty. */
  unqueueLast(): string | undefined;
  /** Regenerates the last answer: drops it and runs the last user message again. */
  retry(): boolean;
  /** The text of the last assistant answer. */
  lastAnswer(): string | undefined;
  /** Adds tokens spent outside a turn's own requests (an MCP server's sampling) to `.usage`. */
  recordUsage(usage: Usage): void;
  messages(): readonly ChatMessage[];
  /**
   * `/compact`: replaces the history with the model's summary of it, in memory and in the
   * session file. Resolves with how many messages the summary replaced.
   */
  compact(signal: AbortSignal): Promise<{ readonly replaced: number }>;
  /** Starts a new session (`.new`). */
  reset(): Promise<void>;
  /** Continues a stored session. */
  resume(id: string | "latest"): Promise<{ id: string; messages: readonly ChatMessage[] }>;
  /** Resolves when no turn runs and the queue is empty. */
  idle(): Promise<void>;
  /** Waits for pending session writes and closes the file. */
  close(): Promise<void>;
}

/** What a conversation needs, injected. */
export interface ConversationOptions {
  /** Creates the model for a turn; throws a ProviderError (kind "config") when none is usable. */
  readonly model: () => ChatModel;
  readonly tools: ToolRegistry;
  readonly sessions: SessionStore;
  readonly system?: () => string | undefined;
  /** Receives finished items in order. */
  readonly onFinished: (item: FinishedItem) => void;
  /** Splits growing markdown into a part that will not change and a tail (see ui/markdown). */
  readonly splitStable?: (text: string) => { stable: string; tail: string };
  readonly authorize?: TurnOptions["authorize"];
  /**
   * Reads what a new message mentions (`@server:uri`) before it is sent; its notes are shown.
   * Must not throw: what cannot be read is a note.
   */
  readonly attach?: (
    text: string,
    signal: AbortSignal,
  ) => Promise<{ readonly attachments: readonly Attachment[]; readonly notes: readonly string[] }>;
  /** Awaited before each turn (tools and the system prompt load after the first frame). */
  readonly beforeTurn?: () => Promise<void>;
  /** Token budget for the conversation sent to the model. */
  readonly contextBudget?: number;
  readonly maxSteps?: number;
  /** How often live text is published to observers, in ms. */
  readonly publishIntervalMs?: number;
  readonly now?: () => Date;
}

const ZERO: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

/** Creates a conversation with a fresh session. */
export function createConversation(options: ConversationOptions): Conversation {
  const now = options.now ?? (() => new Date());
  const split = options.splitStable ?? splitAtParagraph;
  const budget = options.contextBudget ?? 100_000;
  const publishEvery = options.publishIntervalMs ?? 33;
  const store = createStore<ConversationState>({
    running: false,
    queue: [],
    live: null,
    usage: { lastTurn: ZERO, session: ZERO },
  });
  let history: ChatMessage[] = [];
  let writer: SessionWriter = options.sessions.create();
  let controller: AbortController | null = null;
  let idleWaiters: (() => void)[] = [];
  store.update((s) => ({ ...s, sessionId: writer.id }));

  const persist = (message: ChatMessage): void => {
    history.push(message);
    writer.append(message).catch((error: unknown) => {
      options.onFinished({
        kind: "error",
        text: `could not save the session: ${errorText(error)}`,
      });
    });
  };

  const settleIdle = (): void => {
    if (store.getSnapshot().running || store.getSnapshot().queue.length > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  async function runOne(
    text: string,
    replay = false,
    seeded: readonly Attachment[] = [],
  ): Promise<void> {
    const started = Date.now();
    controller = new AbortController();
    const signal = controller.signal;
    const turn = createLiveTurn({
      startedAt: started,
      onFinished: options.onFinished,
      split,
      show: (live) => store.update((s) => ({ ...s, live })),
      publishIntervalMs: publishEvery,
    });
    if (!replay) {
      options.onFinished({ kind: "user", text });
      const time = now().toISOString();
      let attachments: readonly Attachment[] = seeded;
      if (options.attach) {
        store.update((s) => ({ ...s, running: true, live: turn.current() }));
        const read = await options.attach(text, signal);
        for (const note of read.notes) options.onFinished({ kind: "note", text: note });
        attachments = [...seeded, ...read.attachments];
      }
      persist({
        role: "user",
        id: randomUUID(),
        time,
        text,
        ...(attachments.length > 0 && { attachments }),
      });
    }
    store.update((s) => ({ ...s, running: true, live: turn.current() }));
    let end: TurnEnd = "error";
    let usage = ZERO;
    try {
      await options.beforeTurn?.();
      const model = options.model();
      const fitted = fitToContext(history, budget);
      if (fitted.dropped > 0) {
        options.onFinished({
          kind: "note",
          text: `${fitted.dropped} earlier messages are left out to fit the model's context window`,
        });
      }
      const system = options.system?.();
      for await (const event of runTurn({
        model,
        messages: fitted.messages,
        tools: options.tools,
        signal,
        ...(system !== undefined && { system }),
        ...(options.authorize && { authorize: options.authorize }),
        ...(options.maxSteps !== undefined && { maxSteps: options.maxSteps }),
      })) {
        if (event.type === "message") persist(event.message);
        else if (event.type === "done") {
          end = event.end;
          usage = event.usage;
        } else turn.apply(event);
      }
    } catch (error) {
      options.onFinished({ kind: "error", text: errorText(error) });
    } finally {
      turn.finish();
      options.onFinished({ kind: "turn-end", end, usage, durationMs: Date.now() - started });
      controller = null;
      store.update((s) => ({
        ...s,
        running: false,
        live: null,
        usage: { lastTurn: usage, session: addUsage(s.usage.session, usage) },
      }));
    }
  }

  async function drain(
    first: string,
    replay = false,
    seeded: readonly Attachment[] = [],
  ): Promise<void> {
    await runOne(first, replay, seeded);
    // Queued messages go out one by one, in order, each as its own turn.
    while (true) {
      const [next, ...rest] = store.getSnapshot().queue;
      if (next === undefined) break;
      store.update((s) => ({ ...s, queue: rest }));
      await runOne(next);
    }
    settleIdle();
  }

  const start = (text: string, replay = false, seeded: readonly Attachment[] = []): void => {
    void drain(text, replay, seeded);
  };

  return {
    getSnapshot: store.getSnapshot,
    subscribe: store.subscribe,
    send(text) {
      if (store.getSnapshot().running) store.update((s) => ({ ...s, queue: [...s.queue, text] }));
      else start(text);
    },
    sendMessages(messages) {
      if (store.getSnapshot().running) throw new ConversationBusyError("a turn is running");
      // Providers want turns to alternate: neighbours of one role become one message.
      const merged: SeedMessage[] = [];
      for (const m of messages) {
        const last = merged.at(-1);
        if (last?.role === m.role) {
          const attachments = [...(last.attachments ?? []), ...(m.attachments ?? [])];
          merged[merged.length - 1] = {
            ...last,
            text: [last.text, m.text].filter((t) => t !== "").join("\n\n"),
            ...(attachments.length > 0 && { attachments }),
          };
        } else merged.push(m);
      }
      const final = merged.at(-1);
      const earlier = final?.role === "user" ? merged.slice(0, -1) : merged;
      for (const m of earlier) {
        const id = randomUUID();
        const time = now().toISOString();
        if (m.role === "user") {
          options.onFinished({ kind: "user", text: m.text });
          const attachments = m.attachments ?? [];
          persist({
            role: "user",
            id,
            time,
            text: m.text,
            ...(attachments.length > 0 && { attachments }),
          });
        } else {
          options.onFinished({ kind: "assistant-text", text: m.text });
          persist({ role: "assistant", id, time, parts: [{ type: "text", text: m.text }] });
        }
      }
      if (final?.role !== "user") return false;
      start(final.text, false, final.attachments);
      return true;
    },
    interrupt() {
      controller?.abort();
    },
    sendNow() {
      if (!store.getSnapshot().running) return;
      // The queue drains as soon as the interrupted turn has wrapped up.
      controller?.abort();
    },
    unqueueLast() {
      const queue = store.getSnapshot().queue;
      const last = queue.at(-1);
      if (last !== undefined) store.update((s) => ({ ...s, queue: s.queue.slice(0, -1) }));
      return last;
    },
    retry() {
      if (store.getSnapshot().running) return false;
      const lastUser = history.findLastIndex((m) => m.role === "user");
      if (lastUser < 0) return false;
      const message = history[lastUser];
      if (message?.role !== "user") return false;
      history = history.slice(0, lastUser + 1);
      writer.rewind(history.length).catch(() => {});
      start(message.text, true);
      return true;
    },
    recordUsage(usage) {
      // The session total: a turn's own row is replaced when the turn ends.
      store.update((s) => ({
        ...s,
        usage: { ...s.usage, session: addUsage(s.usage.session, usage) },
      }));
    },
    lastAnswer() {
      for (let i = history.length - 1; i >= 0; i--) {
        const message = history[i];
        if (message?.role !== "assistant") continue;
        const text = message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
        if (text) return text;
      }
      return undefined;
    },
    messages: () => history,
    async compact(signal) {
      if (store.getSnapshot().running) throw new ConversationBusyError("a turn is running");
      if (history.length === 0) return { replaced: 0 };
      await options.beforeTurn?.();
      const system = options.system?.();
      const summary = await summarizeConversation({
        model: options.model(),
        messages: fitToContext(history, budget).messages,
        tools: options.tools,
        signal,
        now,
        ...(system !== undefined && { system }),
      });
      const replaced = history.length;
      history = [];
      // The session file keeps the old lines but records that none of them stand any more,
      // so a resume continues from the summary, as this conversation does.
      writer.rewind(0).catch(() => {});
      persist({
        role: "user",
        id: randomUUID(),
        time: now().toISOString(),
        text: `${SUMMARY_HEADING}\n\n${summary.text}`,
      });
      store.update((s) => ({
        ...s,
        usage: { ...s.usage, session: addUsage(s.usage.session, summary.usage) },
      }));
      return { replaced };
    },
    async reset() {
      controller?.abort();
      await writer.close();
      writer = options.sessions.create();
      history = [];
      store.update((s) => ({
        ...s,
        queue: [],
        usage: { lastTurn: ZERO, session: ZERO },
        sessionId: writer.id,
      }));
    },
    async resume(id) {
      const target = id === "latest" ? (await options.sessions.list(1))[0]?.id : id;
      if (target === undefined) throw new Error("there is no earlier session in this directory");
      const resumed = await options.sessions.resume(target);
      await writer.close();
      writer = resumed.writer;
      history = [...resumed.messages];
      store.update((s) => ({ ...s, sessionId: resumed.info.id }));
      return { id: resumed.info.id, messages: history };
    },
    idle() {
      const state = store.getSnapshot();
      if (!state.running && state.queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      controller?.abort();
      await writer.close();
    },
  };
}

/** Something that needs the conversation idle was asked while a turn runs. */
export class ConversationBusyError extends Error {
  override readonly name = "ConversationBusyError";
}
