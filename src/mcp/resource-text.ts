// Resource lists as table rows, shared by `.mcp resources` and `wren mcp resources`. Light: no
// SDK at runtime, so the `.mcp` command still loads without it.
import type { ServerResources } from "./resources.js";

/** Columns of a resource table. */
export const RESOURCE_TABLE_COLUMNS: readonly string[] = ["uri", "name", "type", "description"];

function firstLine(text: string | undefined, width: number): string {
  const line = (text ?? "").split("\n")[0]?.trim() ?? "";
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** One row per resource, then one per template (its URI pattern, marked `template`). */
export function resourceRows(listed: ServerResources): string[][] {
  return [
    ...listed.resources.map((r) => [
      r.uri,
      r.title ?? r.name,
      r.mimeType ?? "",
      firstLine(r.description, 60),
    ]),
    ...listed.templates.map((t) => [
      t.uriTemplate,
      t.title ?? t.name,
      `template${t.mimeType ? ` ${t.mimeType}` : ""}`,
      firstLine(t.description, 60),
    ]),
  ];
}
