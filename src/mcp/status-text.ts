import type { McpServerConfig } from "../config/schema.js";
import type { McpServerState, McpServerStatus } from "./manager.js";

/** How a piece of status text should look. */
export type StatusTone = "success" | "warning" | "error" | "dim";

/** One server in the footer: `fs ✓ 12`, `notion needs sign-in`, `old ✗`. */
export interface StatusBadge {
  readonly name: string;
  readonly text: string;
  readonly tone: StatusTone;
}

/** Footer badges for every enabled server, in config order (disabled servers are left out). */
export function statusBadges(states: readonly McpServerState[]): StatusBadge[] {
  const badges: StatusBadge[] = [];
  for (const { name, status } of states) {
    switch (status.state) {
      case "disabled":
        break;
      case "connecting":
        badges.push({ name, text: `${name} …`, tone: "dim" });
        break;
      case "connected":
        badges.push({ name, text: `${name} ✓ ${status.toolCount}`, tone: "success" });
        break;
      case "needs-auth":
        badges.push({ name, text: `${name} needs sign-in`, tone: "warning" });
        break;
      case "failed":
        badges.push({
          name,
          text: status.retryInMs === undefined ? `${name} ✗` : `${name} ✗ restarting`,
          tone: "error",
        });
        break;
    }
  }
  return badges;
}

/** The status column of `.mcp list` / `wren mcp list`. */
export function statusLabel(status: McpServerStatus): string {
  switch (status.state) {
    case "disabled":
      return "disabled";
    case "connecting":
      return "connecting…";
    case "connected":
      return "connected";
    case "needs-auth":
      return "needs sign-in";
    case "failed":
      return `failed: ${status.reason}`;
  }
}

/** The tools column: a count when connected, `-` otherwise. */
export function toolsLabel(status: McpServerStatus): string {
  return status.state === "connected" ? String(status.toolCount) : "-";
}

/** The auth column: how the server authenticates, without revealing any secret. */
export function authLabel(config: McpServerConfig, status: McpServerStatus): string {
  if (config.type === "stdio") return "-";
  if (status.state === "needs-auth") return "needs sign-in";
  const hasAuthHeader = Object.keys(config.headers).some(
    (h) => h.toLowerCase() === "authorization",
  );
  if (hasAuthHeader) return "header";
  // Connected with no credentials at all: the server does not ask for any.
  return status.state === "connected" ? "none" : "-";
}

/** The transport column. */
export function transportLabel(config: McpServerConfig): string {
  return config.type;
}

/** Rows of the servers table: name, transport, status, tools, auth. */
export const SERVER_TABLE_COLUMNS = ["name", "transport", "status", "tools", "auth"] as const;

/** One row per server for the servers table. */
export function serverTableRows(states: readonly McpServerState[]): string[][] {
  return states.map(({ name, config, status }) => [
    name,
    transportLabel(config),
    statusLabel(status),
    toolsLabel(status),
    authLabel(config, status),
  ]);
}

/** One short phrase for a status: `connected (3 tools)`, `failed: connection refused`. */
export function describeStatus(status: McpServerStatus): string {
  switch (status.state) {
    case "disabled":
      return "disabled";
    case "connecting":
      return "connecting";
    case "connected":
      return `connected (${status.toolCount} ${status.toolCount === 1 ? "tool" : "tools"})`;
    case "needs-auth":
      return "needs sign-in";
    case "failed":
      return `failed: ${status.reason}`;
  }
}
