import type { Usage } from "../messages.js";

/** A model's price in US dollars per million tokens (from settings; wren ships no price list). */
export interface ModelPrice {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  /** Price of input tokens read from the prompt cache; default: the input price. */
  readonly cachedInputPerMTok?: number;
}

/** Dollars spent for `usage` at `price`; undefined when the price is not known. */
export function estimateCost(usage: Usage, price?: ModelPrice): number | undefined {
  if (price === undefined) return undefined;
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const fresh = usage.inputTokens - cached;
  const dollars =
    fresh * price.inputPerMTok +
    cached * (price.cachedInputPerMTok ?? price.inputPerMTok) +
    usage.outputTokens * price.outputPerMTok;
  return dollars / 1_000_000;
}
