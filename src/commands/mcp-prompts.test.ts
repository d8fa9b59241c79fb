import { describe, expect, it } from "vitest";
import { bindArguments, promptCommandAlias, promptCommandName, splitWords } from "./mcp-prompts.js";

describe("prompt command arguments", () => {
  it("splits words with quotes and escapes", () => {
    expect(splitWords(`city="New York" 'a b' c\\ d e`)).toEqual([
      "city=New York",
      "a b",
      "c d",
      "e",
    ]);
    expect(splitWords(`x="" `)).toEqual(["x="]);
    expect(splitWords("  ")).toEqual([]);
  });

  it("binds name=value and then positional words in the server's order", () => {
    const args = [
      { name: "city", required: true },
      { name: "state", required: false },
    ];
    expect(bindArguments(args, ["state=TX", "Paris"])).toEqual({
      values: { state: "TX", city: "Paris" },
      extra: [],
    });
    expect(bindArguments(args, ["a", "b", "c"])).toEqual({
      values: { city: "a", state: "b" },
      extra: ["c"],
    });
    // `=` in a value of an unknown name stays a positional word.
    expect(bindArguments(args, ["x=y"]).values).toEqual({ city: "x=y" });
  });

  it("names commands as wren and Claude Code users type them", () => {
    const prompt = { server: "everything", name: "args-prompt" };
    expect(promptCommandName(prompt)).toBe("everything:args-prompt");
    expect(promptCommandAlias(prompt)).toBe("mcp__everything__args-prompt");
  });
});
