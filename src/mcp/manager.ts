import type { CallToolResult, FetchLike } from "@modelcontextprotocol/client";
import type { McpServerConfig } from "../config/schema.js";
import {
  createToolSearch,
  type ToolSearchSettings,
  type ToolSearchStatus,
} from "../tools/tool-search.js";
import type { Tool } from "../tools/types.js";
import { errorText } from "../utils/errors.js";
import type { WrenPaths } from "../utils/paths.js";
import {
  type CallToolOptions,
  type ConnectFn,
  connectMcpServer,
  type ElicitationHandler,
  type McpConnection,
  type McpToolDefinition,
} from "./connect.js";
import { McpServerUnavailableError } from "./errors.js";
import {
  completePromptArgument,
  fetchPrompt,
  type McpPrompt,
  type PromptCompletionRequest,
  type PromptContent,
} from "./prompts.js";
import { readResourceTool } from "./resource-tool.js";
import { createResourceCatalog, linkedUris, type ResourceCatalog } from "./resources.js";
import type { LifecycleClock, RestartPolicy } from "./restart-backoff.js";
import { createRootList, type RootList } from "./roots.js";
import type { SamplingHandler } from "./sampling.js";
import {
  type ConnectRequest,
  createServerLifecycle,
  type ServerLifecycle,
} from "./server-lifecycle.js";
import { type Offer, type OpenServerOptions, offerStatus, openServer } from "./server-offer.js";
import type { McpServerState } from "./status.js";
import { describeStatus } from "./status-text.js";
import { assignToolNames, bridgeTool, type ResultLimits } from "./tool-bridge.js";
import { type UrlElicitor, withUrlElicitation } from "./url-elicitation.js";

/** How long a server may take to start and answer initialize (npx downloads take a while). */
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** What the manager needs. */
export interface McpManagerOptions {
  readonly servers: readonly McpServerConfig[];
  readonly paths: WrenPaths;
  /**
   * Builds and connects one server. Apps pass wren's OAuth around the SDK's connect
   * (`createMcpOAuth(...).wrapConnect(connectMcpServer)`), so remote servers use stored tokens
   * and `reconnect(name, { signIn: true })` can sign in; by default servers connect without it.
   */
  readonly connect?: ConnectFn;
  /**
   * Forgets a server's sign-in for `logout` and says in one line what it did (the app's
   * `oauth.logout`, worded by `describeLogout`); without it, logout refuses.
   */
  readonly logout?: (server: McpServerConfig) => Promise<string>;
  readonly fetch?: FetchLike;
  /** Answers elicitation requests: the interactive store's handler, or a decliner. */
  readonly elicitation?: ElicitationHandler;
  /** Answers URL-mode elicitation (consent, then the browser); URL mode is declined without it. */
  readonly urlElicitation?: UrlElicitor;
  /** The roots offered to servers; by default just the project directory. */
  readonly roots?: RootList;
  /** Answers sampling requests (after the user's consent); without it sampling is not offered. */
  readonly sampling?: SamplingHandler;
  /** Offers `search_tools` instead of every definition once they exceed a budget (tools/tool-search). */
  readonly toolSearch?: ToolSearchSettings;
  /** Diagnostic lines (status changes, restarts); nothing is printed by default. */
  readonly log?: (line: string) => void;
  readonly restart?: Partial<RestartPolicy>;
  /** When restarts happen (tests pass a fake clock). */
  readonly clock?: LifecycleClock;
  /** Handshake timeout (ms); a server's larger `timeout` wins. Default 30s. */
  readonly connectTimeoutMs?: number;
  readonly resultLimits?: ResultLimits;
}

/** The MCP client side as the app sees it: servers, their status and their tools. */
export interface McpManager {
  /** Connects every enabled server in the background; returns at once. */
  start(): void;
  subscribe(listener: () => void): () => void;
  /** Every configured server in config order; a new array only when something changed. */
  getSnapshot(): readonly McpServerState[];
  /** Model tools of every connected server; a new array only when the tools changed. */
  tools(): readonly Tool[];
  /** Whether tool search is on, and why; undefined when the manager was made without it. */
  toolSearchStatus(): ToolSearchStatus | undefined;
  /** A tool search kept back, called by its name: loaded for the next step and returned. */
  findHiddenTool(name: string): Tool | undefined;
  /** A server's tools after include/exclude filtering, connecting it first if needed. */
  listTools(name: string): Promise<readonly McpToolDefinition[]>;
  /** Calls one tool; reconnects a dropped remote server once. */
  callTool(
    name: string,
    tool: string,
    args: Record<string, unknown>,
    options?: CallToolOptions,
  ): Promise<CallToolResult>;
  /**
   * Drops the current connection (if any) and connects again; resolves with the new state.
   * `signIn` (`.mcp auth`) lets that connect sign in and rejects with the sign-in's McpAuthError
   * (cancelled, denied, timed out, port busy).
   */
  reconnect(name: string, request?: ConnectRequest): Promise<McpServerState>;
  /**
   * Enables or disables a server for this session; resolves once connected or closed. Saving the
   * choice is the caller's (`saveServerEnabled` in config/).
   */
  setEnabled(name: string, enabled: boolean): Promise<McpServerState>;
  /**
   * Revokes (RFC 7009, where supported) and forgets the server's tokens, then reconnects it;
   * resolves with the `logout` hook's line for the user.
   */
  logout(name: string): Promise<string>;
  /** What connected servers offer as resources (for `@` mentions and `read_mcp_resource`). */
  readonly resources: ResourceCatalog;
  /** The server's live connection, connecting it first if needed. */
  connection(name: string): Promise<McpConnection>;
  /** Resolves when no server is connecting (all connected, failed, disabled or waiting). */
  whenSettled(): Promise<void>;
  /** The roots offered to servers (`.roots`). */
  readonly roots: RootList;
  /** Prompts of every connected server, in config order. */
  prompts(): readonly McpPrompt[];
  /** Runs a server's prompt (`prompts/get`) and returns its messages. */
  getPrompt(
    name: string,
    prompt: string,
    args: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<PromptContent>;
  /** Values the server suggests for a prompt argument (`completion/complete`). */
  completePrompt(name: string, request: PromptCompletionRequest): Promise<readonly string[]>;
  /** Closes every client and ends every stdio child. */
  close(): Promise<void>;
}

type Server = ServerLifecycle<Offer>;

/**
 * Creates the manager: one lifecycle per server (server-lifecycle.ts), the snapshot, and the
 * bridges from what servers offer to tools, prompts and resources (each in its own module).
 * Nothing connects until `start()` (or a call that needs a server).
 */
export function createMcpManager(options: McpManagerOptions): McpManager {
  const log = options.log ?? (() => {});
  const roots = options.roots ?? createRootList(options.paths.project);
  const listeners = new Set<() => void>();
  const catalog = createResourceCatalog({ log });
  const opening: OpenServerOptions = {
    connect: options.connect ?? connectMcpServer,
    paths: options.paths,
    ...(options.fetch && { fetch: options.fetch }),
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    hooks: (name) => ({
      ...(options.elicitation && { onElicit: options.elicitation }),
      ...(options.sampling && { onSample: options.sampling }),
      roots: () => roots.list(),
      ...(options.urlElicitation && {
        onElicitUrl: options.urlElicitation.ask,
        onElicitationComplete: (id: string) => options.urlElicitation?.complete(name, id),
      }),
    }),
    catalog,
    log,
  };
  const servers = new Map<string, Server>();
  for (const config of options.servers) {
    const { name } = config;
    servers.set(
      name,
      createServerLifecycle<Offer>({
        config,
        open: (attempt) => openServer(opening, attempt),
        connectedStatus: offerStatus,
        onStatus: (status) => {
          log(`mcp ${name}: ${describeStatus(status)}`);
          changed();
        },
        onChange: changed,
        onDisconnect: () => catalog.forget(name),
        log,
        ...(options.restart && { restart: options.restart }),
        ...(options.clock && { clock: options.clock }),
      }),
    );
  }
  let snapshot: readonly McpServerState[] = buildSnapshot();
  let toolsCache: readonly Tool[] | undefined;
  // Tools found by search are offered from the next step on; listeners re-read tools().
  const search =
    options.toolSearch &&
    createToolSearch(options.toolSearch, () => {
      for (const listener of [...listeners]) listener();
    });
  const offer = (all: readonly Tool[]): readonly Tool[] => (search ? search.offer(all) : all);
  roots.subscribe(() => {
    for (const [name, server] of servers) {
      server
        .live()
        ?.connection.notifyRootsChanged()
        .catch((error: unknown) => {
          log(`mcp ${name}: could not announce the new roots: ${errorText(error)}`);
        });
    }
  });

  /** What connected servers offer, in config order. */
  function connected(): { name: string; connection: McpConnection; offer: Offer }[] {
    return [...servers].flatMap(([name, server]) => {
      const live = server.live();
      return server.status().state === "connected" && live
        ? [{ name, connection: live.connection, offer: live.data }]
        : [];
    });
  }

  function buildSnapshot(): readonly McpServerState[] {
    return [...servers].map(([name, server]) => {
      const status = server.status();
      const live = status.state === "connected" ? server.live()?.connection : undefined;
      return {
        name,
        config: server.config(),
        status,
        ...(live?.protocolVersion !== undefined && { protocolVersion: live.protocolVersion }),
        ...(live?.instructions !== undefined && { instructions: live.instructions }),
      };
    });
  }

  function changed(): void {
    snapshot = buildSnapshot();
    toolsCache = undefined;
    for (const listener of [...listeners]) listener();
  }

  function serverOf(name: string): Server {
    const server = servers.get(name);
    if (!server) throw new McpServerUnavailableError(name, `no MCP server named "${name}"`);
    return server;
  }

  function stateOf(name: string): McpServerState {
    const state = snapshot.find((s) => s.name === name);
    if (!state) throw new McpServerUnavailableError(name, `no MCP server named "${name}"`);
    return state;
  }

  /** Model tools over every connected server's definitions, plus read_mcp_resource. */
  function bridgeTools(): readonly Tool[] {
    const list = connected().flatMap(({ name, offer: o }) =>
      o.tools.map((definition) => ({ server: name, definition })),
    );
    const names = assignToolNames(list.map((t) => ({ server: t.server, tool: t.definition.name })));
    const tools = list.map((t, i) =>
      bridgeTool({
        server: t.server,
        definition: t.definition,
        name: names[i] ?? t.definition.name,
        // A tool that needs the user in a browser first (-32042) is retried once they are done.
        call: async (server, tool, args, callOptions) => {
          const result = await withUrlElicitation(
            server,
            options.urlElicitation,
            () => manager.callTool(server, tool, args, callOptions),
            callOptions?.signal,
          );
          // Links the server hands out are what read_mcp_resource may read from it.
          catalog.noteLinks(server, linkedUris(result));
          return result;
        },
        ...(options.resultLimits && { limits: options.resultLimits }),
      }),
    );
    const withResources = connected().some((s) => s.connection.resources?.capabilities.resources);
    if (!withResources) return tools;
    return [
      ...tools,
      readResourceTool({ catalog, connection: (name) => manager.connection(name) }),
    ];
  }

  const manager: McpManager = {
    start() {
      for (const server of servers.values()) {
        if (server.config().enabled && !server.live() && !server.connecting()) {
          void server.connect().catch(() => {});
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    tools() {
      toolsCache ??= bridgeTools();
      return offer(toolsCache);
    },
    toolSearchStatus() {
      manager.tools();
      return search?.status(toolsCache ?? []);
    },
    findHiddenTool(name) {
      manager.tools();
      return search?.resolve(toolsCache ?? [], name);
    },
    resources: catalog,
    connection: async (name) => serverOf(name).ensure(),
    async listTools(name) {
      const server = serverOf(name);
      await server.ensure();
      return server.live()?.data.tools ?? [];
    },
    roots,
    prompts: () => connected().flatMap((s) => s.offer.prompts),
    async getPrompt(name, prompt, args, signal) {
      return serverOf(name).use((connection) => fetchPrompt(connection, prompt, args, signal));
    },
    async completePrompt(name, request) {
      return serverOf(name).use((connection) => completePromptArgument(connection, request));
    },
    async callTool(name, tool, args, callOptions = {}) {
      return serverOf(name).call(
        (connection) => connection.callTool(tool, args, callOptions),
        callOptions.signal,
      );
    },
    async reconnect(name, request) {
      await serverOf(name).reconnect(request);
      return stateOf(name);
    },
    async logout(name) {
      const server = serverOf(name);
      if (!options.logout) {
        throw new McpServerUnavailableError(name, `signing out of ${name} is not available here`);
      }
      const result = await options.logout(server.config());
      if (server.config().enabled) await manager.reconnect(name);
      return result;
    },
    async setEnabled(name, enabled) {
      await serverOf(name).setEnabled(enabled);
      return stateOf(name);
    },
    whenSettled() {
      const busy = (): boolean => [...servers.values()].some((s) => s.connecting());
      if (!busy()) return Promise.resolve();
      return new Promise((resolve) => {
        const unsubscribe = manager.subscribe(() => {
          if (busy()) return;
          unsubscribe();
          resolve();
        });
      });
    },
    async close() {
      await Promise.all([...servers.values()].map((server) => server.close()));
      listeners.clear();
    },
  };
  return manager;
}
