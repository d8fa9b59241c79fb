import { Box, type Key, Text, useStdout } from "ink";
import { type ReactElement, useEffect, useRef, useState } from "react";
import { type HistoryWalk, stepHistory } from "../session/history.js";
import { safeLine, safeText } from "../utils/terminal-text.js";
import * as edit from "./editor.js";
import { useKeys } from "./keys.js";
import { useRefState } from "./ref-state.js";

/** Completion the prompt applies on Tab. */
export interface PromptCompletion {
  readonly text: string;
  readonly candidates: readonly string[];
}

/** Props of the input line. */
export interface PromptInputProps {
  /** Earlier inputs, oldest first, walked with ↑/↓ (read when walking starts). */
  readonly history: () => readonly string[];
  readonly onSubmit: (text: string) => void;
  /** A Promise when candidates take a round trip; applied only if the text is unchanged by then. */
  readonly onComplete?: (text: string) => PromptCompletion | Promise<PromptCompletion>;
  /** Esc. */
  readonly onEscape?: () => void;
  /** Ctrl+C twice, or Ctrl+D on an empty line. */
  readonly onExit: () => void;
  /** Ctrl+S: interrupt the running turn and send the queued message now. */
  readonly onSendNow?: () => void;
  /** ↑ on an empty line: returns text to edit (the last queued message), if any. */
  readonly onEmptyUp?: () => string | undefined;
  /** Text cleared by Ctrl+C, kept so it is not lost (the caller records it in history). */
  readonly onDiscard?: (text: string) => void;
  readonly isActive?: boolean;
  readonly placeholder?: string;
}

const EXIT_WINDOW_MS = 2000;
/** Erase the screen, cursor home: what Ctrl+L does in a shell (the scrollback stays). */
const CLEAR_SCREEN = "\u001b[2J\u001b[H";
const PASTE_ON = "\u001b[?2004h";
const PASTE_OFF = "\u001b[?2004l";
// Ink strips the leading ESC of unknown sequences before handing them to useInput.
const PASTE_START = "[200~";
const PASTE_END = "[201~";
/** C0 controls other than Tab, LF and CR (those are text and paste line breaks), and DEL. */
function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x1b) ||
    code === 0x7f
  );
}

/** Splits a chunk into runs of text and single control characters. */
function splitControls(input: string): string[] {
  const parts: string[] = [];
  let text = "";
  for (const char of input) {
    if (!isControl(char)) {
      text += char;
      continue;
    }
    if (text) parts.push(text);
    parts.push(char);
    text = "";
  }
  if (text) parts.push(text);
  return parts;
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** The Key Ink would have reported for one character sent on its own. */
function keyFor(part: string): Key {
  if (part === "\u007f" || part === "\b")
    return { ...NO_KEY, delete: part === "\u007f", backspace: part === "\b" };
  if (part.length === 1 && isControl(part)) return { ...NO_KEY, ctrl: true };
  return NO_KEY;
}

/** Ctrl+letter as Ink reports it: the letter (Ctrl+U is "u"). */
function controlLetter(char: string): string {
  const code = char.charCodeAt(0);
  return code >= 1 && code <= 26 ? String.fromCharCode(code + 96) : "";
}

/**
 * The multi-line input line: Enter sends, `\` + Enter, Alt+Enter or Ctrl+J add a line,
 * ↑/↓ move between lines and then walk history, Tab completes.
 */
export function PromptInput(props: PromptInputProps): ReactElement {
  // Keys can arrive faster than React commits (pastes, fast typists, ptys), so handlers read
  // and write the latest values through refs; state only drives rendering.
  const [state, setState, stateRef] = useRefState<edit.EditorState>(edit.emptyEditor);
  const walkRef = useRef<HistoryWalk | null>(null);
  const setWalk = (next: HistoryWalk | null): void => {
    walkRef.current = next;
  };
  const [candidates, setCandidates] = useState<readonly string[]>([]);
  const [exitArmed, setExitArmed, exitArmedRef] = useRefState(false);
  const armTimer = useRef<NodeJS.Timeout | undefined>(undefined);
  // Text between bracketed-paste markers, or null when not inside a paste.
  const pasteRef = useRef<string | null>(null);
  const { stdout, write } = useStdout();
  const isActive = props.isActive ?? true;

  useEffect(() => {
    if (!isActive || !stdout.isTTY) return;
    // Bracketed paste: the terminal wraps pasted text in markers, so its line breaks stay text.
    stdout.write(PASTE_ON);
    return () => {
      stdout.write(PASTE_OFF);
    };
  }, [isActive, stdout]);

  const change = (next: edit.EditorState): void => {
    setState(next);
    setCandidates([]);
  };

  const submit = (text: string): void => {
    setWalk(null);
    change(edit.emptyEditor);
    if (text.trim() !== "") props.onSubmit(text);
  };

  const walkHistory = (direction: -1 | 1): void => {
    const entries = props.history();
    const current = walkRef.current ?? { index: entries.length, draft: "" };
    const step = stepHistory(entries, current, stateRef.current.text, direction);
    if (!step) return;
    setWalk(step.walk);
    change(edit.setText(step.text));
  };

  const armExit = (): void => {
    clearTimeout(armTimer.current);
    setExitArmed(true);
    armTimer.current = setTimeout(() => setExitArmed(false), EXIT_WINDOW_MS);
    armTimer.current.unref?.();
  };

  const applyCompletion = (
    typed: string,
    result: PromptCompletion | Promise<PromptCompletion>,
  ): void => {
    const apply = (done: PromptCompletion): void => {
      setState(edit.setText(done.text));
      setCandidates(done.candidates);
    };
    if (!(result instanceof Promise)) {
      apply(result);
      return;
    }
    void result.then(
      (done) => {
        if (stateRef.current.text === typed) apply(done);
      },
      () => {},
    );
  };

  const handleKey = (input: string, key: Key): void => {
    const state = stateRef.current;
    if (input === PASTE_START || input.endsWith(PASTE_START)) {
      pasteRef.current = "";
      return;
    }
    if (pasteRef.current !== null) {
      if (input === PASTE_END) {
        const pasted = pasteRef.current;
        pasteRef.current = null;
        change(edit.insert(state, pasted));
        return;
      }
      pasteRef.current += key.return ? "\n" : key.tab ? "\t" : input;
      return;
    }
    if (key.ctrl && input === "c") {
      if (exitArmedRef.current) {
        clearTimeout(armTimer.current);
        props.onExit();
        return;
      }
      if (state.text !== "") props.onDiscard?.(state.text);
      setWalk(null);
      change(edit.emptyEditor);
      armExit();
      return;
    }
    if (exitArmedRef.current) {
      clearTimeout(armTimer.current);
      setExitArmed(false);
    }
    if (key.ctrl && input === "d") {
      if (state.text === "") props.onExit();
      else change(edit.deleteForward(state));
      return;
    }
    if (key.ctrl && input === "s") {
      props.onSendNow?.();
      return;
    }
    if (key.ctrl && input === "l") {
      // Ink's write() erases its frame, writes this, and draws the frame again below it.
      write(CLEAR_SCREEN);
      return;
    }
    if (key.escape) {
      setCandidates([]);
      props.onEscape?.();
      return;
    }
    if (key.return) {
      const before = state.text.slice(0, state.cursor);
      if (key.meta) change(edit.insert(state, "\n"));
      else if (before.endsWith("\\")) change(edit.insert(edit.backspace(state), "\n"));
      else submit(state.text);
      return;
    }
    if (input === "\n") {
      change(edit.insert(state, "\n"));
      return;
    }
    if (key.tab) {
      if (!props.onComplete) return;
      applyCompletion(state.text, props.onComplete(state.text));
      return;
    }
    if (key.upArrow && state.text === "" && walkRef.current === null) {
      const queued = props.onEmptyUp?.();
      if (queued !== undefined) {
        change(edit.setText(queued));
        return;
      }
    }
    if (key.upArrow || key.downArrow) {
      const direction = key.upArrow ? -1 : 1;
      const moved = edit.moveVertical(state, direction);
      if (moved) setState(moved);
      else walkHistory(direction);
      return;
    }
    if (key.leftArrow) {
      setState(edit.moveHorizontal(state, -1));
      return;
    }
    if (key.rightArrow) {
      setState(edit.moveHorizontal(state, 1));
      return;
    }
    if (key.home || (key.ctrl && input === "a")) {
      setState(edit.moveToLineEdge(state, "start"));
      return;
    }
    if (key.end || (key.ctrl && input === "e")) {
      setState(edit.moveToLineEdge(state, "end"));
      return;
    }
    // Terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
    if (key.backspace || key.delete) {
      change(edit.backspace(state));
      return;
    }
    if (key.ctrl && input === "w") {
      change(edit.deleteWordBackward(state));
      return;
    }
    if (key.ctrl && input === "u") {
      change(edit.deleteToLineStart(state));
      return;
    }
    if (key.ctrl && input === "k") {
      change(edit.deleteToLineEnd(state));
      return;
    }
    if (key.ctrl || key.meta || input === "") return;
    // Fast typists and terminal multiplexers can deliver "text<Tab>" in one chunk.
    if (input.length > 1 && input.endsWith("\t") && !input.slice(0, -1).includes("\t")) {
      const typed = edit.insert(state, input.slice(0, -1));
      setState(typed);
      setCandidates([]);
      if (props.onComplete) applyCompletion(typed.text, props.onComplete(typed.text));
      return;
    }
    // Without bracketed paste, a pasted block arrives as one chunk: its line breaks are
    // content, but a single trailing Enter still sends.
    const breaks = input.match(/\r\n?|\n/g)?.length ?? 0;
    if (breaks === 1 && /\r\n?$/.test(input)) {
      submit(edit.insert(state, input.replace(/\r\n?$/, "")).text);
      return;
    }
    change(edit.insert(state, input));
  };

  useKeys(
    (input, key) => {
      // Ink hands over a chunk whole; over SSH or a pty, keys typed quickly arrive together
      // ("\u0015.exit"), so control characters inside a chunk are split out as keys of their own.
      if (pasteRef.current === null && input.length > 1 && [...input].some(isControl)) {
        for (const part of splitControls(input)) {
          handleKey(
            part.length === 1 && isControl(part) ? controlLetter(part) : part,
            keyFor(part),
          );
        }
        return;
      }
      handleKey(input, key);
    },
    { isActive },
  );

  return (
    <Box flexDirection="column">
      <EditorView state={state} placeholder={props.placeholder} />
      {candidates.length > 0 && <Text dimColor>{candidates.map(safeLine).join("  ")}</Text>}
      {exitArmed && <Text color="yellow">Press Ctrl+C again to exit</Text>}
    </Box>
  );
}

// Pasted text is foreign too (a web page can put escape sequences on the clipboard).
function EditorView(props: { state: edit.EditorState; placeholder?: string }): ReactElement {
  const { text, cursor } = props.state;
  if (text === "") {
    return (
      <Text>
        <Text color="cyan">› </Text>
        <Text inverse> </Text>
        {props.placeholder && <Text dimColor>{props.placeholder}</Text>}
      </Text>
    );
  }
  const lines = text.split("\n");
  let offset = 0;
  return (
    <Box flexDirection="column">
      {lines.map((line, index) => {
        const start = offset;
        offset += line.length + 1;
        const prefix = index === 0 ? "› " : "  ";
        const local = cursor - start;
        const hasCursor = local >= 0 && local <= line.length;
        if (!hasCursor) {
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
            <Text key={index}>
              <Text color="cyan">{prefix}</Text>
              {safeText(line)}
            </Text>
          );
        }
        const at = [...line.slice(local)][0] ?? " ";
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
          <Text key={index}>
            <Text color="cyan">{prefix}</Text>
            {safeText(line.slice(0, local))}
            <Text inverse>{safeText(at)}</Text>
            {safeText(line.slice(local + (at === " " && local === line.length ? 0 : at.length)))}
          </Text>
        );
      })}
    </Box>
  );
}
