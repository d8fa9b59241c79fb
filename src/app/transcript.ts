import type { FinishedItem } from "../agent/live-turn.js";
import type { CommandOutput, OutputTone } from "../commands/types.js";
import { createStore, type Store } from "../utils/store.js";

/** One finished entry of the transcript; rendered once and never again. */
export type TranscriptItem =
  | { readonly id: number; readonly kind: "header" }
  | { readonly id: number; readonly kind: "user"; readonly text: string }
  | { readonly id: number; readonly kind: "output"; readonly output: CommandOutput }
  | {
      readonly id: number;
      readonly kind: "notice";
      readonly text: string;
      readonly tone: OutputTone;
    }
  | { readonly id: number; readonly kind: "chat"; readonly item: FinishedItem };

type NewItem = TranscriptItem extends infer I
  ? I extends TranscriptItem
    ? Omit<I, "id">
    : never
  : never;

/** The transcript: an append-only list of finished items. */
export interface Transcript
  extends Pick<Store<readonly TranscriptItem[]>, "getSnapshot" | "subscribe"> {
  append(...items: NewItem[]): void;
  notice(text: string, tone?: OutputTone): void;
}

/** Creates an empty transcript. */
export function createTranscript(): Transcript {
  const store = createStore<readonly TranscriptItem[]>([]);
  let nextId = 0;
  const append = (...items: NewItem[]): void => {
    store.update((current) => [
      ...current,
      ...items.map((item) => ({ ...item, id: nextId++ }) as TranscriptItem),
    ]);
  };
  return {
    getSnapshot: store.getSnapshot,
    subscribe: store.subscribe,
    append,
    notice: (text, tone = "normal") => append({ kind: "notice", text, tone }),
  };
}
