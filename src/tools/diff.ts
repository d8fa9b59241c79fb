import { structuredPatch } from "diff";

/** One row of a diff as the permission prompt draws it. */
export type DiffRow =
  | { readonly kind: "add"; readonly text: string; readonly newLine: number }
  | { readonly kind: "remove"; readonly text: string; readonly oldLine: number }
  | {
      readonly kind: "context";
      readonly text: string;
      readonly oldLine: number;
      readonly newLine: number;
    }
  /** Unchanged lines left out between two hunks. */
  | { readonly kind: "gap"; readonly lines: number };

/** Summary counts of a diff. */
export interface DiffSummary {
  readonly rows: readonly DiffRow[];
  readonly added: number;
  readonly removed: number;
}

/**
 * Line diff of a preview's `before` and `after` with `context` unchanged lines around each
 * change: the rows the UI colours (green add, red remove, dim context) for a permission prompt.
 */
export function diffRows(before: string, after: string, context = 3): DiffSummary {
  const patch = structuredPatch("a", "b", before, after, "", "", { context });
  const rows: DiffRow[] = [];
  let added = 0;
  let removed = 0;
  let nextOld = 1;
  for (const hunk of patch.hunks) {
    const skipped = hunk.oldStart - nextOld;
    if (skipped > 0) rows.push({ kind: "gap", lines: skipped });
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    // An empty side has start 0 in unified diffs.
    if (hunk.oldLines === 0) oldLine++;
    if (hunk.newLines === 0) newLine++;
    for (const line of hunk.lines) {
      const mark = line[0];
      const text = line.slice(1);
      if (mark === "\\") continue; // "\ No newline at end of file"
      if (mark === "+") {
        rows.push({ kind: "add", text, newLine: newLine++ });
        added++;
      } else if (mark === "-") {
        rows.push({ kind: "remove", text, oldLine: oldLine++ });
        removed++;
      } else rows.push({ kind: "context", text, oldLine: oldLine++, newLine: newLine++ });
    }
    nextOld = oldLine;
  }
  const total = before === "" ? 0 : before.split("\n").length - (before.endsWith("\n") ? 1 : 0);
  if (rows.length > 0 && nextOld <= total) rows.push({ kind: "gap", lines: total - nextOld + 1 });
  return { rows, added, removed };
}

/** The diff as plain unified-style text (`+`/`-`/` ` prefixes), for logs and print mode. */
export function diffText(before: string, after: string, context = 3): string {
  return diffRows(before, after, context).rows.map(rowText).join("\n");
}

function rowText(row: DiffRow): string {
  if (row.kind === "add") return `+${row.text}`;
  if (row.kind === "remove") return `-${row.text}`;
  if (row.kind === "context") return ` ${row.text}`;
  return `@@ ${row.lines} unchanged line${row.lines === 1 ? "" : "s"} @@`;
}
