import { describe, expect, it } from "vitest";
import {
  backspace,
  cursorPosition,
  deleteForward,
  deleteToLineEnd,
  deleteToLineStart,
  deleteWordBackward,
  emptyEditor,
  insert,
  moveHorizontal,
  moveToLineEdge,
  moveVertical,
  setText,
} from "./editor.js";

describe("editor", () => {
  it("inserts at the cursor and normalizes pasted line endings", () => {
    const s = insert(insert(emptyEditor, "hd"), "");
    const moved = moveHorizontal(s, -1);
    expect(insert(moved, "ello worl")).toEqual({ text: "hello world", cursor: 10 });
    expect(insert(emptyEditor, "a\r\nb\rc").text).toBe("a\nb\nc");
  });

  it("deletes whole code points, not surrogate halves", () => {
    const s = setText("a😀");
    expect(backspace(s)).toEqual({ text: "a", cursor: 1 });
    expect(deleteForward({ text: "😀b", cursor: 0 })).toEqual({ text: "b", cursor: 0 });
    expect(moveHorizontal(s, -1).cursor).toBe(1);
    expect(backspace(emptyEditor)).toBe(emptyEditor);
  });

  it("moves between lines keeping the column, and reports the edges", () => {
    const s = setText("first line\nab\nthird");
    expect(cursorPosition(s)).toEqual({ line: 2, column: 5 });
    const up = moveVertical(s, -1)!;
    expect(cursorPosition(up)).toEqual({ line: 1, column: 2 });
    const top = moveVertical(up, -1)!;
    expect(cursorPosition(top)).toEqual({ line: 0, column: 2 });
    expect(moveVertical(top, -1)).toBeUndefined();
    expect(moveVertical(s, 1)).toBeUndefined();
  });

  it("jumps to line edges and deletes words and line parts", () => {
    const s = { text: "one two\nthree four", cursor: 13 };
    expect(moveToLineEdge(s, "start").cursor).toBe(8);
    expect(moveToLineEdge(s, "end").cursor).toBe(18);
    expect(deleteWordBackward(setText("git commit  ")).text).toBe("git ");
    expect(deleteToLineStart(s)).toEqual({ text: "one two\n four", cursor: 8 });
    expect(deleteToLineEnd(s)).toEqual({ text: "one two\nthree", cursor: 13 });
  });
});
