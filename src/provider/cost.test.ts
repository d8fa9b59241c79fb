import { describe, expect, it } from "vitest";
import { estimateCost } from "./cost.js";

describe("estimateCost", () => {
  const usage = { inputTokens: 1_000_000, outputTokens: 100_000, cachedInputTokens: 800_000 };

  it("is unknown without a price", () => {
    expect(estimateCost(usage)).toBeUndefined();
  });

  it("charges fresh input, cached input and output at their prices", () => {
    // 0.2M fresh x $3 + 0.8M cached x $0.30 + 0.1M out x $15
    expect(
      estimateCost(usage, { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 }),
    ).toBeCloseTo(0.6 + 0.24 + 1.5, 10);
  });

  it("charges cached input at the input price when no cache price is given", () => {
    expect(estimateCost(usage, { inputPerMTok: 1, outputPerMTok: 2 })).toBeCloseTo(1 + 0.2, 10);
  });
});
