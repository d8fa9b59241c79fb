import { Box, Text } from "ink";
import { type ReactElement, useSyncExternalStore } from "react";
import type { PendingPermission, PermissionPrompts } from "../tools/permission-prompts.js";
import { revealText, safeLine } from "../utils/terminal-text.js";
import { useKeys } from "./keys.js";
import { useRefState } from "./ref-state.js";

const MAX_DIFF_ROWS = 40;

/** Shows the oldest pending permission question: what will happen, and the choices. */
export function PermissionPrompt(props: {
  prompts: PermissionPrompts;
  onEscape: () => void;
}): ReactElement | null {
  const pending = useSyncExternalStore(props.prompts.subscribe, props.prompts.getSnapshot);
  const first = pending[0];
  if (!first) return null;
  return (
    <PermissionQuestion
      key={first.id}
      pending={first}
      onAnswer={(answer) => props.prompts.answer(first.id, answer)}
      onEscape={props.onEscape}
    />
  );
}

type Choice = "allow-once" | "allow-session" | "deny";

function PermissionQuestion(props: {
  pending: PendingPermission;
  onAnswer: Parameters<PermissionPrompts["answer"]>[1] extends infer A
    ? (answer: A) => void
    : never;
  onEscape: () => void;
}): ReactElement {
  const { request, diff, invisible } = props.pending;
  const { call, tool, verdict, preview } = request;
  const choices: { kind: Choice; label: string }[] = [
    { kind: "allow-once", label: "Allow once" },
    ...(verdict.sessionRule
      ? [
          {
            kind: "allow-session" as const,
            label: `Allow for this session (${safeLine(verdict.sessionRule)})`,
          },
        ]
      : []),
    { kind: "deny", label: "Deny, and tell the model why (optional)" },
  ];
  const [selected, setSelected, selectedRef] = useRefState(0);
  const [noting, setNoting, notingRef] = useRefState(false);
  const [note, setNote, noteRef] = useRefState("");

  const choose = (kind: Choice): void => {
    if (kind === "deny") setNoting(true);
    else props.onAnswer({ kind });
  };

  // One input handler for both steps, reading refs: "3" and the note's first characters can
  // arrive before React renders the note step.
  useKeys((input, key) => {
    if (notingRef.current) {
      const deny = (text: string): void =>
        props.onAnswer({ kind: "deny", ...(text.trim() && { note: text.trim() }) });
      if (key.escape) setNoting(false);
      else if (key.return) deny(noteRef.current);
      else if (key.backspace || key.delete) setNote(noteRef.current.slice(0, -1));
      else if (!key.ctrl && !key.meta && input) {
        // Typed quickly, the note and its Enter can arrive as one chunk.
        const enter = input.search(/[\r\n]/);
        if (enter >= 0) deny(noteRef.current + input.slice(0, enter));
        else setNote(noteRef.current + input);
      }
      return;
    }
    if (key.escape) return props.onEscape();
    if (key.upArrow) setSelected((s) => (s + choices.length - 1) % choices.length);
    else if (key.downArrow || key.tab) setSelected((s) => (s + 1) % choices.length);
    else if (key.return) choose(choices[selectedRef.current]?.kind ?? "deny");
    else if (/^[1-9]$/.test(input)) {
      const choice = choices[Number(input) - 1];
      if (choice) choose(choice.kind);
    }
  });

  // What the user approves is shown exactly (revealText: nothing dropped, every invisible or
  // control character visible); the rest is foreign text made safe (safeLine).
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text>
        <Text bold color="yellow">
          {safeLine(call.name)}
        </Text>{" "}
        <Text dimColor>wants to run: {safeLine(verdict.reason)}</Text>
      </Text>
      {invisible.length > 0 && (
        <Text color="red" bold>
          ⚠ this {preview?.kind === "diff" ? "change" : preview ? "command" : "call"} contains
          invisible characters: {invisible.join(", ")} (shown as ␛, ␍ … and {"<U+…>"})
        </Text>
      )}
      {preview?.kind === "command" && (
        <Box flexDirection="column" marginY={1}>
          <Text>
            <Text color="cyan">$ </Text>
            {revealText(preview.command)}
          </Text>
          <Text dimColor>in {revealText(preview.cwd)}</Text>
        </Box>
      )}
      {preview?.kind === "diff" && (
        <Box flexDirection="column" marginY={1}>
          <Text bold>
            {revealText(preview.path)}
            {preview.created ? " (new file)" : ""} <Text color="green">+{diff?.added ?? 0}</Text>{" "}
            <Text color="red">−{diff?.removed ?? 0}</Text>
          </Text>
          {(diff?.rows ?? []).slice(0, MAX_DIFF_ROWS).map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: diff rows are positional
            <DiffLine key={index} row={row} />
          ))}
          {(diff?.rows.length ?? 0) > MAX_DIFF_ROWS && (
            <Text dimColor>⋯ {(diff?.rows.length ?? 0) - MAX_DIFF_ROWS} more lines</Text>
          )}
        </Box>
      )}
      {!preview && (
        <Box flexDirection="column" marginY={1}>
          <Text dimColor>from {safeLine(tool.origin)}</Text>
          <Text>{truncate(revealText(JSON.stringify(call.input, null, 2) ?? ""), 1200)}</Text>
        </Box>
      )}
      {noting ? (
        <Box>
          <Text>Why not? (Enter to deny, Esc to go back) </Text>
          <Text>{note}</Text>
          <Text inverse> </Text>
        </Box>
      ) : (
        choices.map((choice, index) => (
          <Text key={choice.kind} color={index === selected ? "cyan" : undefined}>
            {index === selected ? "❯" : " "} {index + 1}. {choice.label}
          </Text>
        ))
      )}
      {!noting && (
        <Text dimColor>↑/↓ and Enter, or 1–{choices.length} · Esc interrupts the turn</Text>
      )}
    </Box>
  );
}

function DiffLine(props: {
  row: NonNullable<PendingPermission["diff"]>["rows"][number];
}): ReactElement {
  const { row } = props;
  switch (row.kind) {
    case "add":
      return (
        <Text color="green">{`${String(row.newLine).padStart(4)} + ${diffText(row.text)}`}</Text>
      );
    case "remove":
      return (
        <Text color="red">{`${String(row.oldLine).padStart(4)} - ${diffText(row.text)}`}</Text>
      );
    case "context":
      return <Text dimColor>{`${String(row.newLine).padStart(4)}   ${diffText(row.text)}`}</Text>;
    case "gap":
      return <Text dimColor>{`     ⋯ ${row.lines} unchanged lines`}</Text>;
  }
}

// A diff line exactly as it will be written (bidi "Trojan Source" tricks included), less the
// carriage return that ends every line of a CRLF file.
function diffText(text: string): string {
  return revealText(text.replace(/\r$/, ""));
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
