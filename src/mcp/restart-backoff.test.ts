import { describe, expect, it } from "vitest";
import { createRestartBackoff, type RestartPolicy } from "./restart-backoff.js";

const policy: RestartPolicy = {
  baseDelayMs: 100,
  maxDelayMs: 350,
  maxAttempts: 4,
  stableAfterMs: 1000,
};

describe("createRestartBackoff", () => {
  it("doubles the delay up to the cap, then gives up after the last attempt", () => {
    const backoff = createRestartBackoff(policy);
    expect([0, 0, 0, 0, 0].map((lived) => backoff.next(lived))).toEqual([
      100,
      200,
      350,
      350,
      undefined,
    ]);
  });

  it("counts from zero after a stable run or a reset", () => {
    const backoff = createRestartBackoff(policy);
    backoff.next(0);
    backoff.next(0);
    expect(backoff.next(1000)).toBe(100);
    backoff.next(0);
    backoff.reset();
    expect(backoff.next(0)).toBe(100);
  });
});
