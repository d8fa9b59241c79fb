import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatTokens } from "./format.js";

describe("format", () => {
  it("formats durations and token counts", () => {
    expect(formatDuration(340)).toBe("340ms");
    expect(formatDuration(2400)).toBe("2.4s");
    expect(formatDuration(2000)).toBe("2s");
    expect(formatDuration(2004)).toBe("2s");
    expect(formatDuration(1500)).toBe("1.5s");
    expect(formatDuration(65_000)).toBe("1m 05s");
    expect(formatDuration(300_000)).toBe("5m");
    // Rounding carries into the minutes, never "1m 60s".
    expect(formatDuration(119_700)).toBe("2m");
    expect(formatTokens(950)).toBe("950");
    expect(formatTokens(12_345)).toBe("12k");
    expect(formatTokens(1234)).toBe("1.2k");
    expect(formatTokens(1_200_000)).toBe("1.2M");
  });

  it("formats dollars with cents, finer below a cent", () => {
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.0042)).toBe("$0.0042");
    expect(formatCost(1.266)).toBe("$1.27");
  });
});
