import type { McpServerConfig } from "./schema.js";
import { updateJsonFile } from "./write.js";

/**
 * Saves `enabled` of an MCP server (`.mcp enable/disable`) in the settings file that defines
 * it, inside its project's entry for local scope, and drops a legacy `disabled` key.
 */
export async function saveServerEnabled(
  server: Pick<McpServerConfig, "name" | "source" | "sourcePath">,
  enabled: boolean,
): Promise<void> {
  const at = [...(server.sourcePath ?? ["mcpServers"]), server.name];
  await updateJsonFile(server.source, [...at, "disabled"], undefined);
  await updateJsonFile(server.source, [...at, "enabled"], enabled);
}
