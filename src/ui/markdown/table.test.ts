import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { colored, ESC, shown } from "./test-support.js";

describe("markdown tables", () => {
  it("aligns columns as the delimiter row says", () => {
    const table =
      "| Name | Qty | Note |\n|:-----|----:|:----:|\n| apple | 3 | red |\n| kiwi | 12 | x |";
    expect(shown(table)).toBe(
      [
        "┌───────┬─────┬──────┐",
        "│ Name  │ Qty │ Note │",
        "├───────┼─────┼──────┤",
        "│ apple │   3 │ red  │",
        "│ kiwi  │  12 │  x   │",
        "└───────┴─────┴──────┘",
      ].join("\n"),
    );
    expect(colored(table)).toContain(`${ESC}[1mName${ESC}[22m`);
  });

  it("wraps cells to fit the width, shrinking the widest column", () => {
    const table =
      "| id | text |\n|---|---|\n| 1 | a long description that cannot fit on one line |";
    const out = shown(table, 30);
    for (const line of out.split("\n")) expect(stringWidth(line)).toBeLessThanOrEqual(30);
    expect(out).toBe(
      [
        "┌────┬───────────────────────┐",
        "│ id │ text                  │",
        "├────┼───────────────────────┤",
        "│ 1  │ a long description    │",
        "│    │ that cannot fit on    │",
        "│    │ one line              │",
        "└────┴───────────────────────┘",
      ].join("\n"),
    );
  });

  it("turns <br> in cells into line breaks", () => {
    expect(shown("| a |\n|---|\n| x<br>y |")).toContain("│ x │\n│ y │");
  });

  it("lists rows as records when even narrow columns do not fit", () => {
    const table = "| a | b | c | d |\n|---|---|---|---|\n| 1 | 2 | 3 | 4 |\n| 5 | 6 | 7 | 8 |";
    expect(shown(table, 10)).toBe("a: 1\nb: 2\nc: 3\nd: 4\n───\na: 5\nb: 6\nc: 7\nd: 8");
  });

  it("renders half-streamed tables sanely", () => {
    // Header without its delimiter row yet: plain text until the table is recognisable.
    expect(shown("| a | b |\n|--")).toBe("| a | b |\n|--");
    // A row still arriving: missing cells are empty.
    expect(shown("| a | b |\n|---|---|\n| 1")).toBe(
      ["┌───┬───┐", "│ a │ b │", "├───┼───┤", "│ 1 │   │", "└───┴───┘"].join("\n"),
    );
  });
});
