import { describe, expect, it } from "vitest";
import { HOSTILE_STRINGS, TERMINAL_CONTROL } from "../test-utils/hostile-strings.js";
import { summarizeOutcome } from "./tool-line.js";

describe("tool line", () => {
  it.each(HOSTILE_STRINGS)("keeps $name in a result or error inert", ({ text }) => {
    const outcomes = [
      summarizeOutcome({ status: "ok", content: [{ type: "text", text }] }),
      summarizeOutcome({ status: "error", message: text }),
      summarizeOutcome({ status: "denied", reason: text }),
    ];
    for (const line of outcomes) expect(line).not.toMatch(TERMINAL_CONTROL);
  });

  it("summarizes outcomes in one line", () => {
    expect(summarizeOutcome({ status: "ok", content: [{ type: "text", text: "a\nb\nc" }] })).toBe(
      "a (3 lines)",
    );
    expect(
      summarizeOutcome({
        status: "ok",
        content: [{ type: "image", data: "", mimeType: "image/png" }],
      }),
    ).toBe("(1 image)");
    expect(summarizeOutcome({ status: "ok", content: [] })).toBe("done");
    expect(summarizeOutcome({ status: "error", message: "boom\nstack" })).toBe("boom");
    expect(summarizeOutcome({ status: "denied", reason: "no" })).toBe("denied: no");
    expect(summarizeOutcome({ status: "cancelled" })).toBe("cancelled");
    expect(
      summarizeOutcome({ status: "ok", content: [{ type: "text", text: "x".repeat(200) }] }),
    ).toHaveLength(80);
  });
});
