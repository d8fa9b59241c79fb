import { Text } from "ink";
import type { ReactElement } from "react";
import * as edit from "./editor.js";
import { useKeys } from "./keys.js";
import { useRefState } from "./ref-state.js";

/** Props of {@link TextField}. */
export interface TextFieldProps {
  /** Enter with text in the field: the field empties and hands the text over. */
  readonly onSubmit: (text: string) => void;
  /** Cleans typed or pasted text before it is inserted (e.g. stray paste markers). */
  readonly clean?: (text: string) => string;
  readonly isActive?: boolean;
}

/**
 * A one-line text input for modals (a pasted callback URL, a code). Keys can arrive faster
 * than React commits, so the handler edits the latest text through a ref; state only renders.
 * ←/→, Home/End (Ctrl+A/E), Backspace, Ctrl+U/K/W; a chunk ending in Enter (a paste
 * and its Enter together) is inserted and submitted.
 */
export function TextField({ onSubmit, clean, isActive = true }: TextFieldProps): ReactElement {
  const [state, setState, stateRef] = useRefState(edit.emptyEditor);
  const insert = (text: string): edit.EditorState =>
    edit.insert(stateRef.current, (clean ? clean(text) : text).replace(/[\r\n]+/g, ""));
  const submit = (text: string): void => {
    if (text.trim() === "") return;
    setState(edit.emptyEditor);
    onSubmit(text);
  };

  useKeys(
    (input, key) => {
      const current = stateRef.current;
      if (key.return) return submit(current.text);
      if (key.leftArrow) return setState(edit.moveHorizontal(current, -1));
      if (key.rightArrow) return setState(edit.moveHorizontal(current, 1));
      if (key.home || (key.ctrl && input === "a"))
        return setState(edit.moveToLineEdge(current, "start"));
      if (key.end || (key.ctrl && input === "e"))
        return setState(edit.moveToLineEdge(current, "end"));
      // Terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
      if (key.backspace || key.delete) return setState(edit.backspace(current));
      if (key.ctrl && input === "u") return setState(edit.deleteToLineStart(current));
      if (key.ctrl && input === "k") return setState(edit.deleteToLineEnd(current));
      if (key.ctrl && input === "w") return setState(edit.deleteWordBackward(current));
      if (key.ctrl || key.meta || key.escape || key.tab || input === "") return;
      const enter = input.search(/[\r\n]/);
      if (enter >= 0) return submit(insert(input.slice(0, enter)).text);
      setState(insert(input));
    },
    { isActive },
  );

  const { text, cursor } = state;
  return (
    <Text>
      {text.slice(0, cursor)}
      <Text inverse={isActive}>{text[cursor] ?? " "}</Text>
      {text.slice(cursor + 1)}
    </Text>
  );
}
