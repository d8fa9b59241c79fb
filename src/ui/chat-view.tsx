import { Box, Text, useStdout } from "ink";
import Spinner from "ink-spinner";
import type { ReactElement } from "react";
import type { FinishedItem, LiveTurn, ToolCallView } from "../agent/live-turn.js";
import type { DisplayMode } from "../config/load.js";
import { formatDuration, formatTokens } from "../utils/format.js";
import { safeLine, safeText, terminalJson } from "../utils/terminal-text.js";
import { summarizeOutcome } from "./tool-line.js";

/** Renders assistant markdown; injected so this file stays free of the renderer's weight. */
export type MarkdownRenderer = (props: {
  text: string;
  maxLines?: number;
  /** Columns to fit; default the terminal's width, following resizes. */
  width?: number;
}) => ReactElement;

const PlainText: MarkdownRenderer = ({ text, maxLines }) => (
  <Text>
    {safeText(maxLines === undefined ? text : text.split("\n").slice(-maxLines).join("\n"))}
  </Text>
);

/**
 * One finished chat item in the transcript. Everything in it but wren's own words is foreign
 * (typed or pasted input, model text and reasoning, errors from providers and servers), so
 * it passes the terminal-text sanitizer here, before any colour is applied.
 */
export function ChatItemView(props: {
  item: FinishedItem;
  display: DisplayMode;
  Markdown?: MarkdownRenderer;
  /** Columns for answers; finished items are drawn once, so they need not follow resizes. */
  width?: number;
}): ReactElement | null {
  const { item, display } = props;
  const Markdown = props.Markdown ?? PlainText;
  switch (item.kind) {
    case "user":
      return (
        <Box marginTop={1}>
          <Text color="cyan">› </Text>
          <Text>{safeText(item.text)}</Text>
        </Box>
      );
    case "assistant-text":
      return (
        <Box marginTop={display === "zen" ? 0 : 1}>
          <Markdown text={item.text} {...(props.width !== undefined && { width: props.width })} />
        </Box>
      );
    case "reasoning":
      if (display === "zen") return null;
      if (display === "developer") {
        return (
          <Box flexDirection="column" marginTop={1}>
            <Text dimColor italic>
              ✻ thought for {formatDuration(item.durationMs)}
            </Text>
            <Text dimColor>{safeText(item.text.trim())}</Text>
          </Box>
        );
      }
      return (
        <Box marginTop={1}>
          <Text dimColor italic>
            ✻ thought for {formatDuration(item.durationMs)}
          </Text>
        </Box>
      );
    case "tool":
      return <ToolLine call={item.call} display={display} />;
    case "turn-end":
      return <TurnEnd item={item} display={display} />;
    case "error":
      return (
        <Box marginTop={1}>
          <Text color="red">✗ {safeText(item.text)}</Text>
        </Box>
      );
    case "note":
      return <Text color="yellow">{safeText(item.text)}</Text>;
  }
}

function TurnEnd(props: {
  item: Extract<FinishedItem, { kind: "turn-end" }>;
  display: DisplayMode;
}): ReactElement | null {
  const { item, display } = props;
  const notes: string[] = [];
  if (item.end === "interrupted") notes.push("interrupted");
  if (item.end === "max-steps") notes.push("stopped: too many steps in one turn");
  if (item.end === "length") notes.push("the answer hit the model's output limit");
  if (item.end === "content-filter") notes.push("the provider's content filter stopped the answer");
  if (display === "developer") {
    const { usage } = item;
    notes.push(
      `${formatTokens(usage.inputTokens)} in (${formatTokens(usage.cachedInputTokens)} cached) · ${formatTokens(usage.outputTokens)} out · ${formatDuration(item.durationMs)}`,
    );
  }
  if (notes.length === 0) return null;
  return (
    <Text color={item.end === "interrupted" ? "yellow" : undefined} dimColor={item.end === "stop"}>
      {notes.join(" · ")}
    </Text>
  );
}

/**
 * A tool call: status mark, name, argument summary, duration and result summary. The name
 * comes from the model, the summary from its arguments, progress and result from the tool:
 * each is sanitized onto one line.
 */
export function ToolLine(props: { call: ToolCallView; display: DisplayMode }): ReactElement {
  const { call, display } = props;
  const running = call.status === "running";
  const color = statusColor(call.status);
  const progress = call.progress
    ? ` ${safeLine(call.progress.message ?? "")}${call.progress.total ? ` ${call.progress.progress ?? 0}/${call.progress.total}` : ""}`
    : "";
  return (
    <Box flexDirection="column">
      <Text>
        {running ? (
          <Text color="cyan">
            <Spinner type="dots" />
          </Text>
        ) : (
          <Text color={color}>
            {call.status === "ok" ? "✓" : call.status === "cancelled" ? "◌" : "✗"}
          </Text>
        )}{" "}
        <Text bold>{safeLine(call.name)}</Text>
        {call.summary && <Text dimColor>({safeLine(call.summary)})</Text>}
        {running && progress && <Text dimColor>{progress}</Text>}
        {call.durationMs !== undefined && (
          <Text dimColor> · {formatDuration(call.durationMs)}</Text>
        )}
        {!running && display !== "zen" && (
          <Text color={call.status === "ok" ? undefined : color} dimColor={call.status === "ok"}>
            {" "}
            → {summarizeOutcome(call.outcome)}
          </Text>
        )}
      </Text>
      {display === "developer" && !running && (
        <Box flexDirection="column" marginLeft={2}>
          <Text dimColor>args: {truncate(terminalJson(call.input), 400)}</Text>
          <Text dimColor>result: {truncate(terminalJson(call.outcome), 400)}</Text>
        </Box>
      )}
    </Box>
  );
}

/** The part of the turn still streaming: reasoning, the unfinished text, running tools, queue. */
export function LiveTurnView(props: {
  live: LiveTurn | null;
  queue: readonly string[];
  display: DisplayMode;
  Markdown?: MarkdownRenderer;
}): ReactElement | null {
  const { live, queue, display } = props;
  const Markdown = props.Markdown ?? PlainText;
  const rows = useStdout().stdout.rows || 24;
  if (!live && queue.length === 0) return null;
  const reasoningTail = live?.reasoning
    ? live.reasoning.trim().split("\n").slice(-3).join("\n")
    : "";
  return (
    <Box flexDirection="column" marginTop={1}>
      {live && reasoningTail && display !== "zen" && (
        <Box flexDirection="column">
          <Text dimColor italic>
            ✻ thinking…
          </Text>
          <Text dimColor>{safeText(reasoningTail)}</Text>
        </Box>
      )}
      {live?.text && <Markdown text={live.text} maxLines={Math.max(4, rows - 12)} />}
      {live?.tools.map((call) => (
        <ToolLine key={call.id} call={call} display={display} />
      ))}
      {live && !live.text && live.tools.length === 0 && !reasoningTail && (
        <Text color="cyan">
          <Spinner type="dots" /> <Text dimColor>waiting for the model… (Esc to interrupt)</Text>
        </Text>
      )}
      {queue.map((text, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: queue entries are positional
        <Text key={index} dimColor>
          ⏵ queued: {truncate(safeLine(text.replace(/\s+/g, " ")), 90)}
        </Text>
      ))}
      {queue.length > 0 && (
        <Text dimColor>↑ on an empty line edits the last queued message · Ctrl+S sends it now</Text>
      )}
    </Box>
  );
}

function statusColor(status: ToolCallView["status"]): string | undefined {
  if (status === "ok") return "green";
  if (status === "running") return "cyan";
  if (status === "cancelled") return "yellow";
  return "red";
}

function truncate(text: string | undefined, max: number): string {
  if (!text) return "";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
