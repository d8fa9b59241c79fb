/** The text being edited and the cursor position in it (a UTF-16 offset). */
export interface EditorState {
  readonly text: string;
  readonly cursor: number;
}

/** An empty editor. */
export const emptyEditor: EditorState = { text: "", cursor: 0 };

/** Inserts text at the cursor. Carriage returns (from pastes) become newlines. */
export function insert(state: EditorState, text: string): EditorState {
  const clean = text.replace(/\r\n?/g, "\n");
  return {
    text: state.text.slice(0, state.cursor) + clean + state.text.slice(state.cursor),
    cursor: state.cursor + clean.length,
  };
}

/** Deletes the character before the cursor. */
export function backspace(state: EditorState): EditorState {
  if (state.cursor === 0) return state;
  const before = [...state.text.slice(0, state.cursor)];
  before.pop();
  const head = before.join("");
  return { text: head + state.text.slice(state.cursor), cursor: head.length };
}

/** Deletes the character under the cursor. */
export function deleteForward(state: EditorState): EditorState {
  if (state.cursor >= state.text.length) return state;
  const after = [...state.text.slice(state.cursor)];
  after.shift();
  return { text: state.text.slice(0, state.cursor) + after.join(""), cursor: state.cursor };
}

/** Moves the cursor one character left or right. */
export function moveHorizontal(state: EditorState, direction: -1 | 1): EditorState {
  if (direction < 0) {
    if (state.cursor === 0) return state;
    const chars = [...state.text.slice(0, state.cursor)];
    const last = chars.at(-1) ?? "";
    return { ...state, cursor: state.cursor - last.length };
  }
  if (state.cursor >= state.text.length) return state;
  const next = [...state.text.slice(state.cursor)][0] ?? "";
  return { ...state, cursor: state.cursor + next.length };
}

/** Line index and column of the cursor. */
export function cursorPosition(state: EditorState): { line: number; column: number } {
  const before = state.text.slice(0, state.cursor).split("\n");
  return { line: before.length - 1, column: (before.at(-1) ?? "").length };
}

/**
 * Moves the cursor one line up or down, keeping the column where possible.
 * Returns undefined when there is no line in that direction (the caller walks history then).
 */
export function moveVertical(state: EditorState, direction: -1 | 1): EditorState | undefined {
  const lines = state.text.split("\n");
  const { line, column } = cursorPosition(state);
  const target = line + direction;
  if (target < 0 || target >= lines.length) return undefined;
  let offset = 0;
  for (let i = 0; i < target; i++) offset += (lines[i] ?? "").length + 1;
  return { ...state, cursor: offset + Math.min(column, (lines[target] ?? "").length) };
}

/** Moves the cursor to the start or end of its line. */
export function moveToLineEdge(state: EditorState, edge: "start" | "end"): EditorState {
  const start = state.text.lastIndexOf("\n", state.cursor - 1) + 1;
  if (edge === "start") return { ...state, cursor: start };
  const end = state.text.indexOf("\n", state.cursor);
  return { ...state, cursor: end === -1 ? state.text.length : end };
}

/** Deletes from the cursor back to the start of the previous word (Ctrl+W). */
export function deleteWordBackward(state: EditorState): EditorState {
  const head = state.text.slice(0, state.cursor);
  const trimmed = head.replace(/\S+\s*$/, "");
  const cut = trimmed.length === head.length ? head.replace(/\s+$/, "") : trimmed;
  return { text: cut + state.text.slice(state.cursor), cursor: cut.length };
}

/** Deletes from the cursor to the start of the line (Ctrl+U). */
export function deleteToLineStart(state: EditorState): EditorState {
  const start = moveToLineEdge(state, "start").cursor;
  const from = start === state.cursor && start > 0 ? start - 1 : start;
  return { text: state.text.slice(0, from) + state.text.slice(state.cursor), cursor: from };
}

/** Deletes from the cursor to the end of the line (Ctrl+K). */
export function deleteToLineEnd(state: EditorState): EditorState {
  const end = moveToLineEdge(state, "end").cursor;
  const to = end === state.cursor && end < state.text.length ? end + 1 : end;
  return { text: state.text.slice(0, state.cursor) + state.text.slice(to), cursor: state.cursor };
}

/** Puts text in the editor with the cursor at its end. */
export function setText(text: string): EditorState {
  return { text, cursor: text.length };
}
