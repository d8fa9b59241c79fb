// The turn that is streaming now, as the REPL shows it: folds the turn loop's events into the
// live view (published at most every few ms) and hands what is finished — text up to a stable
// point, reasoning, tool calls — to the transcript, in order.
import type { Usage } from "../messages.js";
import type { ToolOutcome, ToolProgress } from "../tools/types.js";
import { errorText } from "../utils/errors.js";
import type { TurnEnd, TurnEvent } from "./loop.js";

/** A tool call as the transcript shows it while and after it runs. */
export interface ToolCallView {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
  readonly input: unknown;
  readonly status: "running" | ToolOutcome["status"];
  readonly progress?: ToolProgress;
  readonly outcome?: ToolOutcome;
  readonly durationMs?: number;
}

/** What is streaming right now; finished parts have already moved to the transcript. */
export interface LiveTurn {
  /** Assistant text not yet flushed to the transcript (the unstable tail). */
  readonly text: string;
  readonly reasoning: string;
  readonly reasoningSince?: number;
  readonly tools: readonly ToolCallView[];
  readonly startedAt: number;
}

/** Something finished that belongs in the transcript, in order. */
export type FinishedItem =
  | { readonly kind: "user"; readonly text: string }
  | { readonly kind: "assistant-text"; readonly text: string }
  | { readonly kind: "reasoning"; readonly text: string; readonly durationMs: number }
  | { readonly kind: "tool"; readonly call: ToolCallView }
  | {
      readonly kind: "turn-end";
      readonly end: TurnEnd;
      readonly usage: Usage;
      readonly durationMs: number;
    }
  | { readonly kind: "error"; readonly text: string }
  | { readonly kind: "note"; readonly text: string };

/** Default split: everything up to the last blank line outside a code fence is stable. */
export function splitAtParagraph(text: string): { stable: string; tail: string } {
  let fence = false;
  let cut = 0;
  let offset = 0;
  for (const line of text.split("\n")) {
    const end = offset + line.length + 1;
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    else if (!fence && line.trim() === "" && end <= text.length) cut = end;
    offset = end;
  }
  return { stable: text.slice(0, cut), tail: text.slice(cut) };
}

/** The events of the turn loop that change what is shown (the rest are the conversation's). */
export type DisplayEvent = Exclude<TurnEvent, { type: "message" } | { type: "done" }>;

/** What a live turn needs, injected. */
export interface LiveTurnOptions {
  readonly startedAt: number;
  /** Receives finished items in order. */
  readonly onFinished: (item: FinishedItem) => void;
  /** Splits growing markdown into a part that will not change and a tail. */
  readonly split: (text: string) => { stable: string; tail: string };
  /** Shows the live view to observers. */
  readonly show: (live: LiveTurn) => void;
  /** How often live text is shown at most, in ms; tool starts and ends show at once. */
  readonly publishIntervalMs: number;
}

/** One turn's live view; see {@link createLiveTurn}. */
export interface LiveTurnTracker {
  /** The live view as it stands. */
  current(): LiveTurn;
  /** Folds in one event of the turn loop. */
  apply(event: DisplayEvent): void;
  /** The turn is over: flushes text and reasoning, and running tools end as cancelled. */
  finish(): void;
}

/** Starts the live view of one turn. */
export function createLiveTurn(options: LiveTurnOptions): LiveTurnTracker {
  const { onFinished, split, publishIntervalMs: publishEvery } = options;
  let live: LiveTurn = { text: "", reasoning: "", tools: [], startedAt: options.startedAt };
  let lastPublish = 0;
  let timer: NodeJS.Timeout | undefined;
  const publish = (force = false): void => {
    const elapsed = Date.now() - lastPublish;
    if (!force && elapsed < publishEvery) {
      timer ??= setTimeout(() => {
        timer = undefined;
        publish(true);
      }, publishEvery - elapsed);
      return;
    }
    clearTimeout(timer);
    timer = undefined;
    lastPublish = Date.now();
    options.show(live);
  };
  const flushText = (all: boolean): void => {
    const { stable, tail } = all ? { stable: live.text, tail: "" } : split(live.text);
    if (stable.trim()) onFinished({ kind: "assistant-text", text: stable.replace(/\n+$/, "") });
    if (stable) live = { ...live, text: tail };
  };
  const flushReasoning = (): void => {
    if (!live.reasoning.trim()) return;
    const durationMs = live.reasoningSince ? Date.now() - live.reasoningSince : 0;
    onFinished({ kind: "reasoning", text: live.reasoning, durationMs });
    const { reasoningSince: _, ...rest } = live;
    live = { ...rest, reasoning: "" };
  };
  return {
    current: () => live,
    apply(event) {
      switch (event.type) {
        case "text-delta":
          if (live.reasoning) flushReasoning();
          live = { ...live, text: live.text + event.text };
          if (event.text.includes("\n")) flushText(false);
          publish();
          break;
        case "reasoning-delta":
          live = {
            ...live,
            reasoning: live.reasoning + event.text,
            reasoningSince: live.reasoningSince ?? Date.now(),
          };
          publish();
          break;
        case "tool-start":
          flushReasoning();
          flushText(true);
          live = {
            ...live,
            tools: [
              ...live.tools,
              {
                id: event.call.id,
                name: event.call.name,
                summary: event.summary,
                input: event.call.input,
                status: "running",
              },
            ],
          };
          publish(true);
          break;
        case "tool-progress":
          live = {
            ...live,
            tools: live.tools.map((t) =>
              t.id === event.callId ? { ...t, progress: event.progress } : t,
            ),
          };
          publish();
          break;
        case "tool-end": {
          const done = live.tools.find((t) => t.id === event.callId);
          if (done) {
            onFinished({
              kind: "tool",
              call: {
                ...done,
                status: event.outcome.status,
                outcome: event.outcome,
                durationMs: event.durationMs,
              },
            });
          }
          live = { ...live, tools: live.tools.filter((t) => t.id !== event.callId) };
          publish(true);
          break;
        }
        case "error":
          flushReasoning();
          flushText(true);
          onFinished({ kind: "error", text: errorText(event.error) });
          break;
        case "step-start":
          break;
      }
    },
    finish() {
      clearTimeout(timer);
      flushReasoning();
      flushText(true);
      for (const call of live.tools)
        onFinished({ kind: "tool", call: { ...call, status: "cancelled" } });
    },
  };
}
