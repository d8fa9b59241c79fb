import { Text, useStdout } from "ink";
import {
  createContext,
  type ReactElement,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from "react";
import { type CodeHighlighter, createCodeHighlighter, hasFencedCode } from "./code-highlighter.js";
import { renderMarkdown } from "./render.js";

/**
 * The highlighter used when no {@link CodeHighlighterContext} is provided. Whether highlight.js
 * is loaded is process-wide anyway (the module cache), so one shared instance mirrors it.
 * `<Static>` never re-renders, so call `load()` before code reaches it: when a turn starts
 * (the model takes longer to answer than this takes to load) and before showing a resumed
 * transcript.
 */
export const defaultCodeHighlighter: CodeHighlighter = createCodeHighlighter();

/** The highlighter every `<Markdown>` below it uses; tests provide their own. */
export const CodeHighlighterContext = createContext<CodeHighlighter>(defaultCodeHighlighter);

/** Props of {@link Markdown}. */
export interface MarkdownProps {
  readonly text: string;
  /** Columns to fit; default the terminal's width, following resizes. */
  readonly width?: number;
  /**
   * Show only the last lines (the live area of a streaming answer): a frame taller than the
   * terminal makes Ink clear the screen and repaint the whole transcript on every update.
   */
  readonly maxLines?: number;
  /** Styles and colours; default on unless NO_COLOR is set. */
  readonly color?: boolean;
}

const FALLBACK_COLUMNS = 80;

/** Whether the environment allows colour (https://no-color.org: any non-empty NO_COLOR). */
export function colorFromEnv(env: NodeJS.ProcessEnv): boolean {
  return !env.NO_COLOR && env.FORCE_COLOR !== "0";
}

/**
 * Markdown rendered for the terminal. Fenced code shows plain until the highlighter has
 * loaded (it starts loading on the first fence), then re-renders highlighted.
 */
export function Markdown({ text, width, color, maxLines }: MarkdownProps): ReactElement {
  const columns = useColumns(width === undefined);
  const useColor = color ?? colorFromEnv(process.env);
  const highlighter = useContext(CodeHighlighterContext);
  const highlight = useSyncExternalStore(highlighter.subscribe, highlighter.getSnapshot);
  const wantsHighlight = useColor && !highlight && hasFencedCode(text);
  useEffect(() => {
    if (wantsHighlight) void highlighter.load();
  }, [wantsHighlight, highlighter]);
  const rendered = useMemo(
    () => renderMarkdown(text, { width: width ?? columns, color: useColor, highlight }),
    [text, width, columns, useColor, highlight],
  );
  if (maxLines !== undefined) {
    const lines = rendered.split("\n");
    if (lines.length > maxLines) {
      const hidden = lines.length - maxLines + 1;
      return (
        <Text>
          <Text dimColor>{`⋯ ${hidden} more lines above (shown in full when finished)\n`}</Text>
          {lines.slice(-(maxLines - 1)).join("\n")}
        </Text>
      );
    }
  }
  return <Text>{rendered}</Text>;
}

/**
 * The terminal's width, updated when it is resized while `follow` is true. A resumed session
 * mounts one Markdown per message at once: only those without a width may listen, or stdout
 * collects a listener per message (MaxListenersExceededWarning).
 */
function useColumns(follow: boolean): number {
  const { stdout } = useStdout();
  const [columns, setColumns] = useState(stdout.columns || FALLBACK_COLUMNS);
  useEffect(() => {
    if (!follow) return;
    const onResize = (): void => setColumns(stdout.columns || FALLBACK_COLUMNS);
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout, follow]);
  return columns;
}
