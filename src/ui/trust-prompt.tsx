import { Box, Text } from "ink";
import { type ReactElement, useEffect } from "react";
import { useKeys } from "./keys.js";
import { useRefState } from "./ref-state.js";

/**
 * The user's answer to the trust question: `later` (Esc) decides nothing and asks again next
 * time; `quit` (Ctrl+C) leaves wren.
 */
export type TrustAnswer = "trust" | "distrust" | "later" | "quit";

/** What the question shows; the lines come from `describeInspection` (config/trust-text.ts). */
export interface TrustQuestion {
  /** The folder, as the user knows it (`~/src/repo`). */
  readonly folder: string;
  /** The project files that need trust (`.mcp.json`, `.wren/settings.json`). */
  readonly files: readonly string[];
  /** What they would do, one line each, with invisible characters already made visible. */
  readonly effects: readonly string[];
  /** True when the folder was trusted before and the files changed since. */
  readonly changed: boolean;
}

const CHOICES: readonly { answer: "trust" | "distrust"; label: string }[] = [
  { answer: "trust", label: "Trust this folder: use its project config" },
  { answer: "distrust", label: "Don't trust: ignore its project config (deny rules still apply)" },
];

/**
 * Asks once whether the project config of the current folder may take effect, showing exactly
 * what it would run, contact, allow and change.
 */
export function TrustPrompt(props: {
  question: TrustQuestion;
  onAnswer: (answer: TrustAnswer) => void;
}): ReactElement {
  const { question } = props;
  // Enter alone does not trust: a line typed ahead while wren started must not answer "yes".
  const [selected, setSelected, selectedRef] = useRefState(1);
  const [answered, setAnswered, answeredRef] = useRefState<TrustAnswer | undefined>(undefined);
  const answer = (value: TrustAnswer): void => {
    // Keys already typed behind the answer must not answer twice.
    if (answeredRef.current) return;
    setAnswered(value);
  };
  // Told after the commit that removed the question, so whoever unmounts leaves no box behind.
  const { onAnswer } = props;
  useEffect(() => {
    if (answered) onAnswer(answered);
  }, [answered, onAnswer]);
  useKeys((input, key) => {
    if (key.ctrl && input === "c") answer("quit");
    else if (key.escape) answer("later");
    else if (key.upArrow || key.downArrow || key.tab) setSelected((s) => (s + 1) % CHOICES.length);
    else if (key.return) answer(CHOICES[selectedRef.current]?.answer ?? "distrust");
    else if (input === "1") answer("trust");
    else if (input === "2") answer("distrust");
  });
  if (answered) return <Box />;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        {question.changed
          ? "This folder's project config changed since you trusted it"
          : "Do you trust the project config in this folder?"}
      </Text>
      <Text>{question.folder}</Text>
      <Box flexDirection="column" marginY={1}>
        <Text>{question.files.join(" and ")} would make wren:</Text>
        {question.effects.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the lines are fixed for this question
          <Text key={index}>
            {"  • "}
            {line}
          </Text>
        ))}
      </Box>
      <Text dimColor>
        A cloned repository can run programs and send your environment variables this way. Trust
        only folders whose config you know.
      </Text>
      {CHOICES.map((choice, index) => (
        <Text key={choice.answer} color={index === selected ? "cyan" : undefined}>
          {index === selected ? "❯" : " "} {index + 1}. {choice.label}
        </Text>
      ))}
      <Text dimColor>↑/↓ and Enter, or 1–2 · Esc: not now (ask again next time)</Text>
    </Box>
  );
}
