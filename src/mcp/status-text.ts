import type { McpServerConfig } from "../config/schema.js";
import type { McpServerState, McpServerStatus } from "./status.js";

/** How a piece of status text should look. */
export type StatusTone = "success" | "warning" | "error" | "dim";

/** One piece of the footer: a server (`fs ✓ 12`, `old ✗`) or a count (`18 ✓`). */
export interface StatusBadge {
  /** A server name, or `*connected` / `*connecting` for the counts of a summary. */
  readonly name: string;
  readonly text: string;
  readonly tone: StatusTone;
}

/** Above this many enabled servers the footer summarizes the healthy ones as counts. */
export const FOOTER_MAX_SERVERS = 5;

function serverBadge(name: string, status: McpServerStatus): StatusBadge | undefined {
  switch (status.state) {
    case "disabled":
      return undefined;
    case "connecting":
      return { name, text: `${name} …`, tone: "dim" };
    case "connected":
      return { name, text: `${name} ✓ ${status.toolCount}`, tone: "success" };
    case "needs-auth":
      return { name, text: `${name} needs sign-in`, tone: "warning" };
    case "failed":
      return {
        name,
        text: status.retryInMs === undefined ? `${name} ✗` : `${name} ✗ restarting`,
        tone: "error",
      };
  }
}

/**
 * Footer badges for the enabled servers in config order (disabled ones are left out). With
 * many servers, connected and connecting ones become counts (`18 ✓ · 2 …`) and only the ones
 * needing attention are named, so the line still fits.
 */
export function statusBadges(
  states: readonly McpServerState[],
  maxServers: number = FOOTER_MAX_SERVERS,
): StatusBadge[] {
  const enabled = states.filter((s) => s.status.state !== "disabled");
  if (enabled.length <= maxServers) {
    return enabled.flatMap(({ name, status }) => serverBadge(name, status) ?? []);
  }
  const connected = enabled.filter((s) => s.status.state === "connected").length;
  const connecting = enabled.filter((s) => s.status.state === "connecting").length;
  const badges: StatusBadge[] = [];
  if (connected > 0) badges.push({ name: "*connected", text: `${connected} ✓`, tone: "success" });
  if (connecting > 0) badges.push({ name: "*connecting", text: `${connecting} …`, tone: "dim" });
  for (const { name, status } of enabled) {
    if (status.state !== "needs-auth" && status.state !== "failed") continue;
    const badge = serverBadge(name, status);
    if (badge) badges.push(badge);
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
  if (status.state === "connected" && status.auth === "oauth") return "oauth";
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
