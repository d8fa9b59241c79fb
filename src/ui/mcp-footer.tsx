import { Text } from "ink";
import { Fragment, type ReactElement, useSyncExternalStore } from "react";
import type { McpManager } from "../mcp/manager.js";
import { type StatusTone, statusBadges } from "../mcp/status-text.js";
import { safeLine } from "../utils/terminal-text.js";

/** Props of the MCP footer: anything with the manager's subscribe/getSnapshot. */
export interface McpFooterProps {
  readonly manager: Pick<McpManager, "subscribe" | "getSnapshot">;
}

const COLORS: Record<StatusTone, string | undefined> = {
  success: "green",
  warning: "yellow",
  error: "red",
  dim: undefined,
};

/** One compact line of server statuses (server names are config values: sanitized): `MCP: fs ✓ 12 · notion needs sign-in · old ✗`. */
export function McpFooter({ manager }: McpFooterProps): ReactElement | null {
  const states = useSyncExternalStore(manager.subscribe, manager.getSnapshot);
  const badges = statusBadges(states);
  if (badges.length === 0) return null;
  return (
    <Text wrap="truncate-end">
      <Text dimColor>MCP: </Text>
      {badges.map((badge, i) => (
        <Fragment key={badge.name}>
          {i > 0 && <Text dimColor> · </Text>}
          <Text color={COLORS[badge.tone]} dimColor={badge.tone === "dim"}>
            {safeLine(badge.text)}
          </Text>
        </Fragment>
      ))}
    </Text>
  );
}
