import type { CallToolResult, FetchLike } from "@modelcontextprotocol/client";
import type { McpServerConfig } from "../config/schema.js";
import { updateJsonFile } from "../config/write.js";
import {
  createToolSearch,
  type ToolSearchSettings,
  type ToolSearchStatus,
} from "../tools/tool-search.js";
import type { Tool } from "../tools/types.js";
import type { WrenPaths } from "../utils/paths.js";
import {
  type CallToolOptions,
  type ConnectFn,
  connectMcpServer,
  type ElicitationHandler,
  type McpConnection,
  type McpToolDefinition,
} from "./connect.js";
import {
  formatMs,
  McpConnectionError,
  McpNeedsAuthError,
  McpServerUnavailableError,
} from "./errors.js";
import { createMcpOAuth, type LogoutResult, type McpOAuth } from "./oauth/mcp-oauth.js";
import {
  completePromptArgument,
  fetchPrompt,
  listServerPrompts,
  type McpPrompt,
  type PromptCompletionRequest,
  type PromptContent,
} from "./prompts.js";
import { readResourceTool } from "./resource-tool.js";
import { createResourceCatalog, linkedUris, type ResourceCatalog } from "./resources.js";
import { createRootList, type RootList } from "./roots.js";
import type { SamplingHandler } from "./sampling.js";
import type { McpServerState, McpServerStatus } from "./status.js";
import { describeStatus } from "./status-text.js";
import { assignToolNames, bridgeTool, filterTools, type ResultLimits } from "./tool-bridge.js";
import { type UrlElicitor, withUrlElicitation } from "./url-elicitation.js";

/** Automatic restarts of stdio servers that exit. */
export interface RestartPolicy {
  /** Delay before the first restart; doubles each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Restarts in a row before giving up. */
  readonly maxAttempts: number;
  /** A connection that lived this long resets the attempt count. */
  readonly stableAfterMs: number;
}

/** How long a server may take to start and answer initialize (npx downloads take a while). */
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

const DEFAULT_RESTART: RestartPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxAttempts: 5,
  stableAfterMs: 60_000,
};

/** What the manager needs. */
export interface McpManagerOptions {
  readonly servers: readonly McpServerConfig[];
  readonly paths: WrenPaths;
  /** Builds and connects one server; the real SDK-backed one by default. */
  readonly clientFactory?: ConnectFn;
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
  /** Handshake timeout (ms); a server's larger `timeout` wins. Default 30s. */
  readonly connectTimeoutMs?: number;
  readonly resultLimits?: ResultLimits;
  /** Persists `enabled` for a server; by default edits the settings file it came from. */
  readonly persistEnabled?: (server: McpServerConfig, enabled: boolean) => Promise<void>;
  /**
   * OAuth for remote servers (stored tokens, silent refresh, sign-in on `signIn`). By default
   * one that uses stored tokens but can never prompt; the REPL passes one with its auth store.
   * A custom `clientFactory` is only wrapped when this is given.
   */
  readonly oauth?: McpOAuth;
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
  /** Drops the current connection (if any) and connects again; resolves with the new state. */
  reconnect(name: string): Promise<McpServerState>;
  /** Enables or disables a server, persisting the choice; resolves once connected or closed. */
  setEnabled(name: string, enabled: boolean): Promise<McpServerState>;
  /**
   * Signs in to a remote server (`.mcp auth`): reconnects it allowing the OAuth flow, and
   * resolves with the new state; rejects with the sign-in's McpAuthError (cancelled, denied...).
   */
  signIn(name: string): Promise<McpServerState>;
  /** Revokes (RFC 7009, where supported) and forgets the server's tokens, then reconnects it. */
  logout(name: string): Promise<LogoutResult>;
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

interface Entry {
  config: McpServerConfig;
  status: McpServerStatus;
  connection?: McpConnection;
  connecting?: Promise<McpConnection>;
  abort?: AbortController;
  tools: McpToolDefinition[];
  prompts: McpPrompt[];
  /** Bumped whenever the current attempt or connection is replaced, so stale events are ignored. */
  generation: number;
  restartAttempts: number;
  restartTimer?: NodeJS.Timeout;
  connectedAt?: number;
}

/** Errors that mean a remote server is gone: it is reconnected on next use. */
function connectedStatus(entry: Entry, connection: McpConnection): McpServerStatus {
  return {
    state: "connected",
    toolCount: entry.tools.length,
    ...(connection.auth && { auth: connection.auth }),
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isDroppedConnection(error: unknown): boolean {
  return (
    error instanceof McpConnectionError &&
    (error.kind === "refused" || error.kind === "not-found" || error.kind === "closed")
  );
}

/** Errors where the call surely never ran, so it is retried once after reconnecting. */
function isSafeToRetry(error: unknown): boolean {
  return (
    error instanceof McpConnectionError && (error.kind === "refused" || error.kind === "not-found")
  );
}

/** Default persistence: toggles `enabled` of the entry in the file that defines it. */
async function persistEnabledInSource(server: McpServerConfig, enabled: boolean): Promise<void> {
  const at = [...(server.sourcePath ?? ["mcpServers"]), server.name];
  await updateJsonFile(server.source, [...at, "disabled"], undefined);
  await updateJsonFile(server.source, [...at, "enabled"], enabled);
}

/** A server whose entry could not be read shows its error; it never connects. */
function initialStatus(config: McpServerConfig): McpServerStatus {
  if (config.invalid !== undefined) return { state: "failed", reason: config.invalid };
  return config.enabled ? { state: "connecting" } : { state: "disabled" };
}

function assertUsable(name: string, config: McpServerConfig): void {
  if (config.invalid !== undefined) throw new McpServerUnavailableError(name, config.invalid);
}

/** Creates the manager; nothing connects until `start()` (or a call that needs a server). */
export function createMcpManager(options: McpManagerOptions): McpManager {
  const restart: RestartPolicy = { ...DEFAULT_RESTART, ...options.restart };
  const log = options.log ?? (() => {});
  const oauth =
    options.oauth ??
    createMcpOAuth({ paths: options.paths, ...(options.fetch && { fetch: options.fetch }), log });
  const connect =
    options.clientFactory && !options.oauth
      ? options.clientFactory
      : oauth.wrapConnect(options.clientFactory ?? connectMcpServer);
  const persistEnabled = options.persistEnabled ?? persistEnabledInSource;
  const roots = options.roots ?? createRootList(options.paths.project);
  roots.subscribe(() => {
    for (const [name, entry] of entries) {
      entry.connection?.notifyRootsChanged().catch((error: unknown) => {
        log(`mcp ${name}: could not announce the new roots: ${errorText(error)}`);
      });
    }
  });
  const entries = new Map<string, Entry>();
  for (const config of options.servers) {
    entries.set(config.name, {
      config,
      status: initialStatus(config),
      tools: [],
      prompts: [],
      generation: 0,
      restartAttempts: 0,
    });
  }
  const listeners = new Set<() => void>();
  let snapshot: readonly McpServerState[] = buildSnapshot();
  let toolsCache: readonly Tool[] | undefined;
  let closed = false;
  const catalog = createResourceCatalog({ log });
  // Tools found by search are offered from the next step on; listeners re-read tools().
  const search =
    options.toolSearch &&
    createToolSearch(options.toolSearch, () => {
      for (const listener of [...listeners]) listener();
    });
  const offer = (all: readonly Tool[]): readonly Tool[] => (search ? search.offer(all) : all);

  function buildSnapshot(): readonly McpServerState[] {
    return [...entries.entries()].map(([name, e]) => {
      const version = e.status.state === "connected" ? e.connection?.protocolVersion : undefined;
      const instructions = e.status.state === "connected" ? e.connection?.instructions : undefined;
      return {
        name,
        config: e.config,
        status: e.status,
        ...(version !== undefined && { protocolVersion: version }),
        ...(instructions !== undefined && { instructions }),
      };
    });
  }

  function changed(): void {
    snapshot = buildSnapshot();
    toolsCache = undefined;
    for (const listener of [...listeners]) listener();
  }

  function setStatus(name: string, entry: Entry, status: McpServerStatus): void {
    entry.status = status;
    log(`mcp ${name}: ${describeStatus(status)}`);
    changed();
  }

  function entryOf(name: string): Entry {
    const entry = entries.get(name);
    if (!entry) throw new McpServerUnavailableError(name, `no MCP server named "${name}"`);
    return entry;
  }

  function clearRestart(entry: Entry): void {
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    entry.restartTimer = undefined;
  }

  /** Calls running on each connection, so a retired connection closes only once they end. */
  const inflight = new Map<McpConnection, number>();
  const retiring = new Set<McpConnection>();

  /** Closes a connection that is no longer current, once its running calls have finished. */
  function retire(connection: McpConnection): void {
    if ((inflight.get(connection) ?? 0) === 0) void connection.close();
    else retiring.add(connection);
  }

  async function trackCall<T>(connection: McpConnection, call: () => Promise<T>): Promise<T> {
    inflight.set(connection, (inflight.get(connection) ?? 0) + 1);
    try {
      return await call();
    } finally {
      const left = (inflight.get(connection) ?? 1) - 1;
      if (left > 0) inflight.set(connection, left);
      else {
        inflight.delete(connection);
        if (retiring.delete(connection)) void connection.close();
      }
    }
  }

  /** Ends the current attempt or connection without reporting it as a failure. */
  async function drop(entry: Entry): Promise<void> {
    entry.generation++;
    clearRestart(entry);
    entry.abort?.abort();
    entry.abort = undefined;
    const connection = entry.connection;
    const pending = entry.connecting;
    entry.connection = undefined;
    entry.connecting = undefined;
    entry.tools = [];
    catalog.forget(entry.config.name);
    entry.prompts = [];
    await Promise.all([
      connection?.close(),
      pending?.then(
        (c) => c.close(),
        () => {},
      ),
    ]);
  }

  function connectEntry(name: string, entry: Entry): Promise<McpConnection> {
    if (entry.connecting) return entry.connecting;
    if (entry.connection) return Promise.resolve(entry.connection);
    const generation = ++entry.generation;
    const abort = new AbortController();
    entry.abort = abort;
    setStatus(name, entry, { state: "connecting" });
    const attempt = (async () => {
      const connection = await connect({
        server: entry.config,
        paths: options.paths,
        signal: abort.signal,
        ...(options.fetch && { fetch: options.fetch }),
        connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        hooks: {
          ...(options.elicitation && { onElicit: options.elicitation }),
          ...(options.sampling && { onSample: options.sampling }),
          onToolsChanged: () => void refreshTools(name, entry, generation),
          onResourcesChanged: () => {
            const resources = entry.connection?.resources;
            if (resources && generation === entry.generation) void catalog.refresh(name, resources);
          },
          onResourceUpdated: (uri) => catalog.updated(name, uri),
          onPromptsChanged: () => void refreshPrompts(name, entry, generation),
          roots: () => roots.list(),
          ...(options.urlElicitation && {
            onElicitUrl: options.urlElicitation.ask,
            onElicitationComplete: (id: string) => options.urlElicitation?.complete(name, id),
          }),
        },
      });
      try {
        // Prompts and resources are listed with the tools, so a connected server's commands
        // and `@` completions exist as soon as it shows ✓; a server whose prompt list fails
        // still connects (without prompt commands).
        const [tools, prompts] = await Promise.all([
          connection.listTools({ signal: abort.signal }),
          listServerPrompts(name, connection, abort.signal).catch((error: unknown) => {
            log(`mcp ${name}: listing prompts failed: ${errorText(error)}`);
            return [];
          }),
          connection.resources && catalog.refresh(name, connection.resources),
        ]);
        return { connection, tools, prompts };
      } catch (error) {
        await connection.close();
        throw error;
      }
    })();
    const settled = attempt.then(
      async ({ connection, tools, prompts }) => {
        if (generation !== entry.generation || closed) {
          // Superseded while listing tools: end it before anyone waits on this attempt.
          await connection.close();
          throw new McpServerUnavailableError(name, `${name} was disconnected`);
        }
        entry.connecting = undefined;
        entry.abort = undefined;
        entry.connection = connection;
        entry.connectedAt = Date.now();
        entry.tools = filterTools(tools, entry.config.includeTools, entry.config.excludeTools);
        entry.prompts = prompts;
        setStatus(name, entry, connectedStatus(entry, connection));
        void connection.ended.then((end) => {
          if (generation !== entry.generation || closed || end.requested) return;
          onUnexpectedEnd(name, entry, end.error.message);
        });
        return connection;
      },
      (error: unknown) => {
        if (generation !== entry.generation) throw error;
        entry.connecting = undefined;
        entry.abort = undefined;
        if (!closed) {
          if (error instanceof McpNeedsAuthError) {
            setStatus(name, entry, { state: "needs-auth", message: error.message });
          } else {
            const reason = error instanceof Error ? error.message : String(error);
            setStatus(name, entry, { state: "failed", reason });
          }
        }
        throw error;
      },
    );
    entry.connecting = settled;
    // Background starts must not surface as unhandled rejections; callers awaiting still see it.
    settled.catch(() => {});
    return settled;
  }

  function onUnexpectedEnd(name: string, entry: Entry, reason: string): void {
    const lived = entry.connectedAt === undefined ? 0 : Date.now() - entry.connectedAt;
    entry.connectedAt = undefined;
    entry.connection = undefined;
    entry.tools = [];
    entry.generation++;
    catalog.forget(name);
    if (entry.config.type !== "stdio") {
      // Remote servers are reconnected on next use.
      setStatus(name, entry, { state: "failed", reason });
      return;
    }
    if (lived >= restart.stableAfterMs) entry.restartAttempts = 0;
    if (entry.restartAttempts >= restart.maxAttempts) {
      setStatus(name, entry, {
        state: "failed",
        reason: `${reason}; gave up after ${restart.maxAttempts} restarts`,
      });
      return;
    }
    const delay = Math.min(restart.baseDelayMs * 2 ** entry.restartAttempts, restart.maxDelayMs);
    entry.restartAttempts++;
    setStatus(name, entry, {
      state: "failed",
      reason: `${reason}, restarting in ${formatMs(delay)}`,
      retryInMs: delay,
    });
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = undefined;
      if (closed || !entry.config.enabled) return;
      connectEntry(name, entry).catch(() => {
        // A restart that fails to connect counts as another exit (or the last one).
        if (entry.status.state === "failed" && !closed && entry.config.enabled) {
          onUnexpectedEnd(name, entry, entry.status.reason);
        }
      });
    }, delay);
    entry.restartTimer.unref();
  }

  async function refreshTools(name: string, entry: Entry, generation: number): Promise<void> {
    const connection = entry.connection;
    if (!connection || generation !== entry.generation) return;
    try {
      const tools = await connection.listTools();
      if (generation !== entry.generation) return;
      entry.tools = filterTools(tools, entry.config.includeTools, entry.config.excludeTools);
      setStatus(name, entry, connectedStatus(entry, connection));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log(`mcp ${name}: refreshing tools failed: ${reason}`);
    }
  }

  async function refreshPrompts(name: string, entry: Entry, generation: number): Promise<void> {
    const connection = entry.connection;
    if (!connection || generation !== entry.generation) return;
    try {
      const prompts = await listServerPrompts(name, connection);
      if (generation !== entry.generation) return;
      entry.prompts = prompts;
      changed();
    } catch (error) {
      log(`mcp ${name}: listing prompts failed: ${errorText(error)}`);
    }
  }

  async function ensureConnected(name: string): Promise<McpConnection> {
    if (closed) throw new McpServerUnavailableError(name, "MCP manager is closed");
    const entry = entryOf(name);
    assertUsable(name, entry.config);
    if (!entry.config.enabled) {
      throw new McpServerUnavailableError(name, `${name} is disabled: run .mcp enable ${name}`);
    }
    if (entry.connection) return entry.connection;
    if (entry.connecting) return entry.connecting;
    if (entry.restartTimer && entry.status.state === "failed") {
      throw new McpServerUnavailableError(name, `${name}: ${entry.status.reason}`);
    }
    // Not started yet, failed, or a remote server that dropped: connect now.
    return connectEntry(name, entry);
  }

  const manager: McpManager = {
    start() {
      for (const [name, entry] of entries) {
        if (entry.config.enabled && !entry.connection && !entry.connecting) {
          void connectEntry(name, entry).catch(() => {});
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    tools() {
      if (toolsCache) return offer(toolsCache);
      const list: { server: string; definition: McpToolDefinition }[] = [];
      for (const [server, entry] of entries) {
        if (entry.status.state !== "connected") continue;
        for (const definition of entry.tools) list.push({ server, definition });
      }
      const names = assignToolNames(
        list.map((t) => ({ server: t.server, tool: t.definition.name })),
      );
      toolsCache = list.map((t, i) =>
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
      const withResources = [...entries.values()].some(
        (e) => e.status.state === "connected" && e.connection?.resources?.capabilities.resources,
      );
      if (withResources) {
        toolsCache = [
          ...toolsCache,
          readResourceTool({ catalog, connection: (name) => manager.connection(name) }),
        ];
      }
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
    connection: (name) => ensureConnected(name),
    async listTools(name) {
      await ensureConnected(name);
      return entryOf(name).tools;
    },
    roots,
    prompts() {
      return [...entries.values()].flatMap((e) =>
        e.status.state === "connected" ? e.prompts : [],
      );
    },
    async getPrompt(name, prompt, args, signal) {
      const connection = await ensureConnected(name);
      return trackCall(connection, () => fetchPrompt(connection, prompt, args, signal));
    },
    async completePrompt(name, request) {
      const connection = await ensureConnected(name);
      return trackCall(connection, () => completePromptArgument(connection, request));
    },
    async callTool(name, tool, args, callOptions = {}) {
      const entry = entryOf(name);
      const connection = await ensureConnected(name);
      try {
        const current = connection;
        return await trackCall(current, () => current.callTool(tool, args, callOptions));
      } catch (error) {
        if (callOptions.signal?.aborted) throw error;
        if (entry.config.type === "stdio" || !isDroppedConnection(error)) {
          if (error instanceof McpNeedsAuthError) {
            setStatus(name, entry, { state: "needs-auth", message: error.message });
          }
          throw error;
        }
        const reason = error instanceof Error ? error.message : String(error);
        // Concurrent calls may fail together; only the first drops the dead connection.
        if (entry.connection === connection) {
          // Detach without aborting the other calls on it: each sees its own outcome.
          entry.generation++;
          entry.connection = undefined;
          entry.tools = [];
          retire(connection);
          setStatus(name, entry, { state: "failed", reason });
        }
        // The call may have run when the connection broke mid-request: report, do not repeat.
        if (!isSafeToRetry(error)) throw error;
        log(`mcp ${name}: ${reason}; reconnecting`);
        const fresh = await ensureConnected(name);
        return trackCall(fresh, () => fresh.callTool(tool, args, callOptions));
      }
    },
    async reconnect(name) {
      const entry = entryOf(name);
      assertUsable(name, entry.config);
      if (!entry.config.enabled) {
        throw new McpServerUnavailableError(name, `${name} is disabled: run .mcp enable ${name}`);
      }
      await drop(entry);
      entry.restartAttempts = 0;
      await connectEntry(name, entry).catch(() => {});
      return stateOf(name);
    },
    async signIn(name) {
      const entry = entryOf(name);
      if (!entry.config.enabled) {
        throw new McpServerUnavailableError(name, `${name} is disabled: run .mcp enable ${name}`);
      }
      return oauth.signIn(name, () => manager.reconnect(name));
    },
    async logout(name) {
      const entry = entryOf(name);
      const result = await oauth.logout(entry.config);
      if (entry.config.enabled) await manager.reconnect(name);
      return result;
    },
    async setEnabled(name, enabled) {
      const entry = entryOf(name);
      if (enabled) assertUsable(name, entry.config);
      await persistEnabled(entry.config, enabled);
      entry.config = { ...entry.config, enabled };
      if (enabled) {
        entry.restartAttempts = 0;
        await connectEntry(name, entry).catch(() => {});
      } else {
        await drop(entry);
        setStatus(name, entry, { state: "disabled" });
      }
      return stateOf(name);
    },
    whenSettled() {
      const busy = (): boolean => [...entries.values()].some((e) => e.connecting !== undefined);
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
      closed = true;
      await Promise.all([
        // A server still starting is aborted, not awaited: its transport may wait for a
        // process that ignores stdin closing (a shell's child) until the connect timeout.
        ...[...entries.values()].map((entry) => {
          const starting = entry.connecting !== undefined && entry.connection === undefined;
          const dropped = drop(entry).catch(() => {});
          return starting ? undefined : dropped;
        }),
        ...[...retiring].map((connection) => connection.close()),
      ]);
      retiring.clear();
      listeners.clear();
    },
  };

  function stateOf(name: string): McpServerState {
    const state = snapshot.find((s) => s.name === name);
    if (!state) throw new McpServerUnavailableError(name, `no MCP server named "${name}"`);
    return state;
  }

  return manager;
}
