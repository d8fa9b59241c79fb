import type { FetchLike } from "@modelcontextprotocol/client";
import type { McpServerConfig } from "../config/schema.js";
import { errorText } from "../utils/errors.js";
import type { WrenPaths } from "../utils/paths.js";
import type { ConnectFn, ConnectionHooks, McpConnection, McpToolDefinition } from "./connect.js";
import { listServerPrompts, type McpPrompt } from "./prompts.js";
import type { ResourceCatalog } from "./resources.js";
import type { Attempt, Opened } from "./server-lifecycle.js";
import type { McpServerStatus } from "./status.js";
import { filterTools } from "./tool-bridge.js";

/** What a connected server offers, listed at connect and refreshed on list_changed. */
export interface Offer {
  readonly tools: readonly McpToolDefinition[];
  readonly prompts: readonly McpPrompt[];
}

/** What opening a server needs; the rest comes from the attempt. */
export interface OpenServerOptions {
  readonly connect: ConnectFn;
  readonly paths: WrenPaths;
  readonly fetch?: FetchLike;
  readonly connectTimeoutMs: number;
  /** What every connection of `server` answers (elicitation, sampling, roots...). */
  readonly hooks: (server: string) => ConnectionHooks;
  /** Resources are kept in the catalog, not in the offer. */
  readonly catalog: ResourceCatalog;
  readonly log: (line: string) => void;
}

function filtered(config: McpServerConfig, tools: readonly McpToolDefinition[]) {
  return filterTools([...tools], config.includeTools, config.excludeTools);
}

/** The status of a connected server: its tool count, and whether wren's tokens signed it in. */
export function offerStatus(connection: McpConnection, offer: Offer): McpServerStatus {
  return {
    state: "connected",
    toolCount: offer.tools.length,
    ...(connection.auth && { auth: connection.auth }),
  };
}

/**
 * Connects one server (an attempt of its lifecycle) and lists its tools, prompts and resources;
 * its list_changed notifications refresh them while the attempt is the live one.
 */
export async function openServer(
  options: OpenServerOptions,
  attempt: Attempt<Offer>,
): Promise<Opened<Offer>> {
  const { config } = attempt;
  const { name } = config;
  const { catalog, log } = options;

  async function refreshTools(): Promise<void> {
    const connection = attempt.live();
    if (!connection) return;
    try {
      const tools = filtered(config, await connection.listTools());
      attempt.update((offer) => ({ ...offer, tools }));
    } catch (error) {
      log(`mcp ${name}: refreshing tools failed: ${errorText(error)}`);
    }
  }

  async function refreshPrompts(): Promise<void> {
    const connection = attempt.live();
    if (!connection) return;
    try {
      const prompts = await listServerPrompts(name, connection);
      attempt.update((offer) => ({ ...offer, prompts }));
    } catch (error) {
      log(`mcp ${name}: listing prompts failed: ${errorText(error)}`);
    }
  }

  const connection = await options.connect({
    server: config,
    paths: options.paths,
    signal: attempt.signal,
    ...(options.fetch && { fetch: options.fetch }),
    connectTimeoutMs: options.connectTimeoutMs,
    ...(attempt.signIn && { signIn: true }),
    hooks: {
      ...options.hooks(name),
      onToolsChanged: () => void refreshTools(),
      onResourcesChanged: () => {
        const resources = attempt.live()?.resources;
        if (resources) void catalog.refresh(name, resources);
      },
      onResourceUpdated: (uri) => catalog.updated(name, uri),
      onPromptsChanged: () => void refreshPrompts(),
    },
  });
  try {
    // Prompts and resources are listed with the tools, so a connected server's commands
    // and `@` completions exist as soon as it shows ✓; a server whose prompt list fails
    // still connects (without prompt commands).
    const [tools, prompts] = await Promise.all([
      connection.listTools({ signal: attempt.signal }),
      listServerPrompts(name, connection, attempt.signal).catch((error: unknown) => {
        log(`mcp ${name}: listing prompts failed: ${errorText(error)}`);
        return [];
      }),
      connection.resources && catalog.refresh(name, connection.resources),
    ]);
    return { connection, data: { tools: filtered(config, tools), prompts } };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
