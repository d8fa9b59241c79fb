import { describe, expect, it } from "vitest";
import {
  MeasureError,
  measureInterleaved,
  median,
  ratio,
  stats,
  statsOf,
  table,
  verdict,
} from "./measure.mjs";

describe("stats", () => {
  it("takes the middle sample, or the mean of the two middle ones", () => {
    expect(stats([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, runs: 3 });
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });

  it("reads one key of object samples and skips runs without it", () => {
    const samples = [{ lag: 30 }, {}, { lag: 10 }];
    expect(statsOf(samples, "lag")).toEqual({ median: 20, min: 10, max: 30, runs: 2 });
    expect(statsOf([{}], "lag")).toBeUndefined();
  });
});

describe("output", () => {
  it("formats ratios and verdicts against a target", () => {
    expect(ratio(150, 100)).toBe("1.50x");
    expect(ratio(undefined, 100)).toBe("-");
    expect(verdict("wren / ink", 1.25, 1.3)).toBe(
      "wren / ink = 1.25x (target <= 1.3x): within target",
    );
    expect(verdict("wren / ink", 1.31, 1.3)).toMatch(/: OVER TARGET$/);
  });

  it("aligns a table: names left, figures right", () => {
    expect(
      table(
        ["name", "ms"],
        [
          ["a", 5],
          ["long name", 1234],
        ],
      ).split("\n"),
    ).toEqual(["  name         ms", "  ---------  ----", "  a             5", "  long name  1234"]);
  });
});

describe("measureInterleaved", () => {
  it("interleaves the subjects round by round and drops the warm-up round", async () => {
    const order: string[] = [];
    let round = 0;
    const subject = (name: string) => ({
      name,
      measure: async () => {
        order.push(name);
        return name === "a" ? ++round : 0;
      },
    });
    const { samples, errors } = await measureInterleaved([subject("a"), subject("b")], 2);
    expect(order).toEqual(["a", "b", "a", "b", "a", "b"]);
    expect(samples.get("a")).toEqual([2, 3]);
    expect(errors.size).toBe(0);
  });

  it("keeps every round without a warm-up, and stops a subject after its first error", async () => {
    let calls = 0;
    const failing = {
      name: "failing",
      measure: async () => {
        calls++;
        throw new MeasureError("no prompt");
      },
    };
    const steady = { name: "steady", measure: async () => 7 };
    const { samples, errors } = await measureInterleaved([failing, steady], 3, { warmUp: false });
    expect(samples.get("steady")).toEqual([7, 7, 7]);
    expect(calls).toBe(1);
    expect(errors.get("failing")).toBeInstanceOf(MeasureError);
  });
});
