import type { ToolProgress } from "../../tools/types.js";
import { safeLine } from "../../utils/terminal-text.js";
import type { McpServerState } from "../status.js";
import { authLabel } from "../status-text.js";

/** Plain-text table with aligned columns; cells are foreign text, each kept on one line. */
export function formatTable(
  columns: readonly string[],
  foreignRows: readonly (readonly string[])[],
): string {
  const rows = foreignRows.map((row) => row.map(safeLine));
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map(line)].join("\n");
}

/** One server of `wren mcp list --json`. */
export function serverJson(state: McpServerState): Record<string, unknown> {
  const { status } = state;
  return {
    name: state.name,
    transport: state.config.type,
    status: status.state,
    ...(status.state === "connected" && { tools: status.toolCount }),
    ...(status.state === "failed" && { error: status.reason }),
    // The status message is the REPL's (".mcp auth NAME"); here the command is the CLI's.
    ...(status.state === "needs-auth" && {
      error: `${state.name} needs sign-in: run wren mcp auth ${state.name}`,
    }),
    auth: authLabel(state.config, status),
  };
}

/** What `wren mcp get NAME` shows besides the redacted config. */
export interface ServerDetails {
  readonly status: string;
  readonly protocol?: string;
  /** The server's handshake `instructions`: what it tells the model. */
  readonly instructions?: string;
}

/** `wren mcp get NAME` as text: the name, then `key: value` lines, instructions indented. */
export function serverDetailsText(
  name: string,
  redacted: Readonly<Record<string, unknown>>,
  details: ServerDetails,
): string {
  const lines = [name];
  for (const [key, value] of Object.entries(redacted)) {
    if (key === "name") continue;
    const shown =
      value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
    lines.push(`  ${key}: ${shown}`);
  }
  lines.push(`  status: ${details.status}`);
  if (details.protocol !== undefined) lines.push(`  protocol: ${details.protocol}`);
  if (details.instructions?.trim()) {
    lines.push(`  instructions:\n${details.instructions.trim().replace(/^/gm, "    ")}`);
  }
  return lines.join("\n");
}

/** One progress report as a line: `3/10 copying` (server text made safe for the terminal). */
export function progressText(progress: ToolProgress): string {
  const count =
    progress.progress === undefined
      ? ""
      : progress.total === undefined
        ? `${progress.progress}`
        : `${progress.progress}/${progress.total}`;
  const message = progress.message === undefined ? "" : safeLine(progress.message);
  return [count, message].filter((part) => part !== "").join(" ") || "working";
}
