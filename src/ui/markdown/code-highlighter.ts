// Loads the highlighter on demand and exposes it as an external store, so rendering stays
// synchronous: components render code plain until the highlighter is there, then re-render.
import { createStore } from "../../utils/store.js";

/** ANSI-highlights code in a language (name or alias); undefined for an unknown language. */
export type HighlightFn = (code: string, language: string) => string | undefined;

/** A lazily loaded code highlighter read with `useSyncExternalStore`. */
export interface CodeHighlighter {
  /** The highlight function once loaded; undefined before (and if loading failed). */
  getSnapshot(): HighlightFn | undefined;
  subscribe(listener: () => void): () => void;
  /**
   * Starts loading on the first call; resolves once highlighting is available (or failed:
   * then code stays unhighlighted). Await it before writing code blocks to Ink's `<Static>`,
   * which never re-renders.
   */
  load(): Promise<HighlightFn | undefined>;
}

/** Options of {@link createCodeHighlighter}. */
export interface CodeHighlighterOptions {
  /** Loads the highlighting module; default `import("./highlight.js")`. */
  importHighlighter?: () => Promise<{ highlightCode: HighlightFn }>;
}

/** Creates a highlighter that imports highlight.js on the first `load()`. */
export function createCodeHighlighter(options: CodeHighlighterOptions = {}): CodeHighlighter {
  const importHighlighter = options.importHighlighter ?? (() => import("./highlight.js"));
  const store = createStore<HighlightFn | undefined>(undefined);
  let loading: Promise<HighlightFn | undefined> | undefined;
  return {
    getSnapshot: store.getSnapshot,
    subscribe: store.subscribe,
    load() {
      loading ??= importHighlighter().then(
        ({ highlightCode }) => {
          store.set(highlightCode);
          return highlightCode;
        },
        // Highlighting is decoration: a missing chunk must not break the answer it decorates.
        () => undefined,
      );
      return loading;
    },
  };
}

/**
 * Whether text may hold a fenced code block (the only kind with a language to highlight).
 * Deliberately loose (fences can sit in lists and quotes): a false positive only loads early.
 */
export function hasFencedCode(text: string): boolean {
  return text.includes("```") || text.includes("~~~");
}
