import { Box, Text } from "ink";
import { type ReactElement, useEffect, useSyncExternalStore } from "react";
import type { SamplingDecision, SamplingRequestView } from "../mcp/sampling.js";
import type { SamplingConsentStore } from "../mcp/sampling-consent.js";
import { invisibleCharacters, revealText, safeLine } from "../utils/terminal-text.js";
import { useKeys } from "./keys.js";
import { useRefState } from "./ref-state.js";

/** Rows of the request shown before the rest is summarized (the size stays visible). */
const MAX_ROWS = 40;

const CHOICES: readonly { decision: SamplingDecision; label: string }[] = [
  { decision: "once", label: "Allow once" },
  { decision: "session", label: "Allow for this session (this server)" },
  { decision: "deny", label: "Deny" },
];
const DENY = CHOICES.length - 1;

/** Shows the oldest pending sampling request, if any; renders nothing otherwise. */
export function SamplingPrompt(props: { store: SamplingConsentStore }): ReactElement | null {
  const pending = useSyncExternalStore(props.store.subscribe, props.store.getSnapshot);
  const first = pending[0];
  if (!first) return null;
  return (
    <SamplingQuestion
      key={first.id}
      view={first.view}
      onAnswer={(decision) => props.store.answer(first.id, decision)}
    />
  );
}

/** The rows the request is shown as: each message's lines under its role. */
export function samplingRows(view: SamplingRequestView): { role?: string; text: string }[] {
  return view.lines.flatMap((line) =>
    revealText(line.text)
      .split("\n")
      .map((text, index) => (index === 0 ? { role: line.role, text } : { text })),
  );
}

/**
 * Asks whether a server may use the user's model, showing the whole request (system prompt,
 * messages, offered tools) and the token limit. Deny is selected first and only the arrow keys
 * move the selection: a line typed ahead (letters, digits, Enter) can only ever deny.
 */
export function SamplingQuestion(props: {
  view: SamplingRequestView;
  onAnswer: (decision: SamplingDecision) => void;
}): ReactElement {
  const { view, onAnswer } = props;
  const [selected, setSelected, selectedRef] = useRefState(DENY);
  const [answered, setAnswered, answeredRef] = useRefState<SamplingDecision | undefined>(undefined);
  const answer = (decision: SamplingDecision): void => {
    if (answeredRef.current) return;
    setAnswered(decision);
  };
  useEffect(() => {
    if (answered) onAnswer(answered);
  }, [answered, onAnswer]);
  useKeys((input, key) => {
    if (key.escape) answer("deny");
    else if (key.upArrow) setSelected((s) => (s + CHOICES.length - 1) % CHOICES.length);
    else if (key.downArrow) setSelected((s) => (s + 1) % CHOICES.length);
    else if (key.return) answer(CHOICES[selectedRef.current]?.decision ?? "deny");
    // Typing text (a message meant for the input line) puts the selection back on Deny.
    else if (input !== "") setSelected(DENY);
  });
  if (answered) return <Box />;
  const rows = samplingRows(view);
  const hidden = rows.slice(MAX_ROWS);
  const invisible = [...new Set(view.lines.flatMap((l) => invisibleCharacters(l.text)))];
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text>
        <Text bold color="yellow">
          {safeLine(view.server)}
        </Text>{" "}
        wants to use your model ({safeLine(view.model)}) — sampling
      </Text>
      <Text>
        up to <Text bold>{view.maxTokens}</Text> output tokens
        {view.requestedMaxTokens !== undefined &&
          ` (it asked for ${view.requestedMaxTokens}; capped)`}
        {view.tools.length > 0 &&
          `, offering the model tools: ${view.tools.map(safeLine).join(", ")}`}
      </Text>
      {invisible.length > 0 && (
        <Text color="red" bold>
          ⚠ the request contains invisible characters: {invisible.join(", ")} (shown as ␛, ␍ … and{" "}
          {"<U+…>"})
        </Text>
      )}
      <Box flexDirection="column" marginY={1}>
        {rows.slice(0, MAX_ROWS).map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
          <Text key={index}>
            {row.role !== undefined ? <Text color="cyan">{row.role}: </Text> : "  "}
            {row.text}
          </Text>
        ))}
        {hidden.length > 0 && (
          <Text color="yellow">
            ⋯ {hidden.length} more lines ({hidden.reduce((n, r) => n + r.text.length, 0)}{" "}
            characters) not shown: deny unless you expect a request this long
          </Text>
        )}
      </Box>
      {CHOICES.map((choice, index) => (
        <Text key={choice.decision} {...(index === selected && { color: "cyan" })}>
          {index === selected ? "❯ " : "  "}
          {choice.label}
        </Text>
      ))}
      <Text dimColor>↑/↓ choose · Enter confirm · Esc deny</Text>
    </Box>
  );
}
