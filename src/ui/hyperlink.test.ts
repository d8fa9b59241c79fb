import { describe, expect, it } from "vitest";
import { hyperlink, supportsHyperlinks } from "./hyperlink.js";

describe("hyperlinks", () => {
  it("are offered only to terminals known to show them", () => {
    expect(supportsHyperlinks({ TERM_PROGRAM: "iTerm.app" })).toBe(true);
    expect(supportsHyperlinks({ VTE_VERSION: "6003" })).toBe(true);
    expect(supportsHyperlinks({ VTE_VERSION: "4201" })).toBe(false);
    expect(supportsHyperlinks({ TERM: "xterm-256color" })).toBe(false);
    expect(supportsHyperlinks({ TERM_PROGRAM: "WezTerm", CI: "true" })).toBe(false);
    expect(supportsHyperlinks({ FORCE_HYPERLINK: "1" })).toBe(true);
    expect(supportsHyperlinks({ TERM_PROGRAM: "iTerm.app", FORCE_HYPERLINK: "0" })).toBe(false);
  });

  it("wraps the text in OSC 8 with the URL as target", () => {
    expect(hyperlink("https://x.test/a")).toBe(
      "\u001b]8;;https://x.test/a\u001b\\https://x.test/a\u001b]8;;\u001b\\",
    );
  });
});
