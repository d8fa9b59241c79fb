// Markdown tables for a terminal: columns shrunk to the screen (narrow ones keep their width,
// wide ones share the rest and wrap), aligned as the delimiter row says; rows become
// "header: value" records when even narrow columns do not fit.
import type { Tokens } from "marked";
import stringWidth from "string-width";
import { type Context, renderInline, wrap } from "./inline.js";

type Align = "center" | "left" | "right" | null;

/** Renders a table with box borders fitted to `width`, or as records when too narrow. */
export function renderTable(token: Tokens.Table, width: number, ctx: Context): string[] {
  const { c } = ctx;
  const header = token.header.map((cell) => c.bold(renderInline(cell.tokens, ctx)));
  const rows = token.rows.map((row) => row.map((cell) => renderInline(cell.tokens, ctx)));
  const columns = header.length;
  const natural = header.map((_, col) =>
    Math.max(1, ...[header, ...rows].map((row) => widestLine(row[col] ?? ""))),
  );
  // "│ a │ b │": three columns of border and padding per cell, plus the closing bar.
  const available = width - (3 * columns + 1);
  if (available < 3 * columns) return renderTableAsRecords(header, rows, width, ctx);
  const widths = fitColumns(natural, available);
  const border = (left: string, mid: string, right: string): string =>
    c.dim(left + widths.map((w) => "─".repeat(w + 2)).join(mid) + right);
  const bar = c.dim("│");
  const renderRow = (cells: string[]): string[] => {
    const wrapped = widths.map((w, col) => wrap(cells[col] ?? "", w));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    const lines: string[] = [];
    for (let n = 0; n < height; n++) {
      const parts = widths.map((w, col) =>
        pad(wrapped[col]?.[n] ?? "", w, token.align[col] ?? null),
      );
      lines.push(`${bar} ${parts.join(` ${bar} `)} ${bar}`);
    }
    return lines;
  };
  return [
    border("┌", "┬", "┐"),
    ...renderRow(header),
    border("├", "┼", "┤"),
    ...rows.flatMap(renderRow),
    border("└", "┴", "┘"),
  ];
}

// Too narrow for columns: each row becomes "header: value" lines.
function renderTableAsRecords(
  header: string[],
  rows: string[][],
  width: number,
  ctx: Context,
): string[] {
  const out: string[] = [];
  for (const row of rows) {
    if (out.length > 0) out.push(ctx.c.dim("─".repeat(Math.min(width, 3))));
    header.forEach((name, col) => {
      out.push(...wrap(`${name}: ${row[col] ?? ""}`, width));
    });
  }
  return out.length > 0 ? out : wrap(header.join(" | "), width);
}

function widestLine(text: string): number {
  return Math.max(0, ...text.split("\n").map((line) => stringWidth(line)));
}

/** Column widths within `available`: narrow columns keep their width, wide ones share the rest. */
function fitColumns(natural: number[], available: number): number[] {
  if (natural.reduce((sum, w) => sum + w, 0) <= available) return natural;
  const widths = natural.map(() => 0);
  let open = natural.map((_, i) => i);
  let remaining = available;
  for (;;) {
    const share = Math.floor(remaining / open.length);
    const fitting = open.filter((i) => (natural[i] ?? 0) <= share);
    if (fitting.length === 0) break;
    for (const i of fitting) {
      widths[i] = natural[i] ?? 0;
      remaining -= widths[i] ?? 0;
    }
    open = open.filter((i) => !fitting.includes(i));
    if (open.length === 0) return widths;
  }
  const share = Math.floor(remaining / open.length);
  let extra = remaining - share * open.length;
  for (const i of open) {
    widths[i] = share + (extra > 0 ? 1 : 0);
    extra--;
  }
  return widths;
}

function pad(text: string, width: number, align: Align): string {
  const gap = Math.max(0, width - stringWidth(text));
  if (align === "right") return " ".repeat(gap) + text;
  if (align === "center") {
    const left = Math.floor(gap / 2);
    return " ".repeat(left) + text + " ".repeat(gap - left);
  }
  return text + " ".repeat(gap);
}
