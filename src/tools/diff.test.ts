import { describe, expect, it } from "vitest";
import { diffRows, diffText } from "./diff.js";

describe("diffRows", () => {
  it("gives numbered add/remove/context rows with gaps for unchanged stretches", () => {
    const before = `${Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join("\n")}\n`;
    const after = before.replace("l10\n", "L10\n");
    const { rows, added, removed } = diffRows(before, after, 1);
    expect({ added, removed }).toEqual({ added: 1, removed: 1 });
    expect(rows).toEqual([
      { kind: "gap", lines: 8 },
      { kind: "context", text: "l9", oldLine: 9, newLine: 9 },
      { kind: "remove", text: "l10", oldLine: 10 },
      { kind: "add", text: "L10", newLine: 10 },
      { kind: "context", text: "l11", oldLine: 11, newLine: 11 },
      { kind: "gap", lines: 9 },
    ]);
  });

  it("shows a new file as all additions", () => {
    expect(diffText("", "a\nb\n")).toBe("+a\n+b");
    expect(diffRows("same\n", "same\n").rows).toEqual([]);
  });
});
