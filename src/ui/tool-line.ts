import type { ToolOutcome } from "../tools/types.js";
import { safeLine } from "../utils/terminal-text.js";

/**
 * One short line describing what a tool call returned, safe for the terminal: the result and
 * error texts come from tools and servers.
 */
export function summarizeOutcome(outcome: ToolOutcome | undefined): string {
  return safeLine(describeOutcome(outcome));
}

function describeOutcome(outcome: ToolOutcome | undefined): string {
  if (!outcome) return "cancelled";
  switch (outcome.status) {
    case "ok": {
      const text = outcome.content.flatMap((c) => (c.type === "text" ? [c.text] : [])).join("\n");
      const images = outcome.content.filter((c) => c.type === "image").length;
      const lines = text ? text.split("\n").length : 0;
      const first = firstLine(text);
      const extra = [
        lines > 1 ? `${lines} lines` : "",
        images ? `${images} image${images > 1 ? "s" : ""}` : "",
      ]
        .filter(Boolean)
        .join(", ");
      if (!first && !extra) return "done";
      return extra ? `${first}${first ? " " : ""}(${extra})` : first;
    }
    case "error":
      return firstLine(outcome.message) || "failed";
    case "denied":
      return `denied${outcome.reason ? `: ${firstLine(outcome.reason)}` : ""}`;
    case "cancelled":
      return "cancelled";
  }
}

/** A duration as people read it: 340ms, 2.4s, 1m 05s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
}

/** A token count, compact: 950, 12.3k, 1.2M. */
export function formatTokens(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`;
  return `${(count / 1_000_000).toFixed(1)}M`;
}

function firstLine(text: string, max = 80): string {
  const line = text.trim().split("\n")[0]?.trim() ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Dollars, with cents or finer for small amounts: $0.0042, $1.27. */
export function formatCost(dollars: number): string {
  if (dollars === 0) return "$0";
  if (dollars < 0.01) return `$${dollars.toFixed(4)}`;
  return `$${dollars.toFixed(2)}`;
}
