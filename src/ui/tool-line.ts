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

function firstLine(text: string, max = 80): string {
  const line = text.trim().split("\n")[0]?.trim() ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
