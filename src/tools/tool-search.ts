// Tool search: with many MCP servers, tool definitions alone can fill a good part of the
// model's context on every request. Past a budget, the model is offered one `search_tools` tool
// instead, and the definitions it finds are offered from the next step on. A search for an
// exact tool name returns that tool first; a model that calls a tool by its name without
// searching gets it loaded and run in that same step (resolve()), so it needs no search at all.
import type { Tool, ToolOutcome } from "./types.js";

/** `auto`: search only when the definitions exceed the budget; `on`/`off` force it. */
export type ToolSearchMode = "auto" | "on" | "off";

/** How tool search is configured (settings key `toolSearch`). */
export interface ToolSearchSettings {
  readonly mode: ToolSearchMode;
  /** Share of the context window the definitions may take before search starts. */
  readonly budgetPercent: number;
  /** The model's context window in tokens (wren's context trimming assumes the same default). */
  readonly contextWindow: number;
}

/** Defaults: 10% of a 100k-token context window. */
export const DEFAULT_TOOL_SEARCH: ToolSearchSettings = {
  mode: "auto",
  budgetPercent: 10,
  contextWindow: 100_000,
};

/** What `.mcp list` says about the mode. */
export interface ToolSearchStatus {
  readonly active: boolean;
  readonly mode: ToolSearchMode;
  /** Estimated tokens of every tool definition offered directly. */
  readonly toolTokens: number;
  readonly budgetTokens: number;
  readonly total: number;
  /** Definitions found by search and offered now. */
  readonly loaded: number;
}

/** Decides which tools the model is offered, and provides `search_tools`. */
export interface ToolSearch {
  /** The tools to offer: all of them, or `search_tools` and the ones found so far. */
  offer(tools: readonly Tool[]): readonly Tool[];
  status(tools: readonly Tool[]): ToolSearchStatus;
  /**
   * A tool the model called by name although search kept it back: loaded (offered from the
   * next step on) and returned, so the call runs now. Undefined for a name not in `tools`.
   */
  resolve(tools: readonly Tool[], name: string): Tool | undefined;
}

/** The name of the search tool the model sees. */
export const SEARCH_TOOL_NAME = "search_tools";

const DEFAULT_RESULTS = 5;
const MAX_RESULTS = 10;

/** Rough token count of what the model receives for these tools (about 4 characters a token). */
export function estimateToolTokens(tools: readonly Tool[]): number {
  let chars = 0;
  for (const tool of tools) {
    chars += tool.name.length + tool.description.length + JSON.stringify(tool.inputSchema).length;
  }
  return Math.ceil(chars / 4);
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1);
}

/** Ranks tools for a query: exact names first, then name words, then description words. */
export function rankTools(tools: readonly Tool[], query: string): Tool[] {
  const q = query.trim().toLowerCase();
  const terms = words(q);
  const scored = tools.map((tool, index) => {
    const name = tool.name.toLowerCase();
    // The MCP tool's own name, as servers document it (`create_issue` in `mcp__github__create_issue`).
    const short = name.split("__").at(-1) ?? name;
    const description = tool.description.toLowerCase();
    let score = name === q || short === q ? 1000 : 0;
    for (const term of terms) {
      if (name.includes(term)) score += 10;
      if (description.includes(term)) score += 3;
    }
    return { tool, score, index };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((s) => s.tool);
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

function servers(tools: readonly Tool[]): string[] {
  const counts = new Map<string, number>();
  for (const tool of tools) counts.set(tool.origin, (counts.get(tool.origin) ?? 0) + 1);
  return [...counts].map(([origin, n]) => `${origin.replace(/^mcp:/, "")} (${n})`);
}

/** Creates the search state of one session; `onLoad` is told when more tools are offered. */
export function createToolSearch(
  settings: ToolSearchSettings = DEFAULT_TOOL_SEARCH,
  onLoad: () => void = () => {},
): ToolSearch {
  const loaded = new Set<string>();
  const budgetTokens = Math.floor((settings.contextWindow * settings.budgetPercent) / 100);
  let memo: { tools: readonly Tool[]; version: number; offered: readonly Tool[] } | undefined;
  let version = 0;
  // Whether search is on is decided per tool list and then kept while the list stays the same.
  const activeFor = (tools: readonly Tool[]): boolean => {
    if (settings.mode === "off" || tools.length === 0) return false;
    if (settings.mode === "on") return true;
    return estimateToolTokens(tools) > budgetTokens;
  };

  function searchTool(all: readonly Tool[]): Tool {
    return {
      name: SEARCH_TOOL_NAME,
      description:
        `Finds tools from connected MCP servers: ${servers(all).join(", ")}. Their definitions are ` +
        "not listed up front, to save context. Search by keywords, or by a tool's exact name to " +
        "get that tool; the tools found can be called from the next step on.",
      inputSchema: {
        type: "object",
        properties: {
          query: { type: "string", description: "keywords, or a tool's exact name" },
          limit: { type: "integer", minimum: 1, maximum: MAX_RESULTS },
        },
        required: ["query"],
      },
      effect: "read",
      origin: "builtin",
      summarize: (args) => (isQuery(args) ? args.query : ""),
      async execute(args): Promise<ToolOutcome> {
        if (!isQuery(args)) return { status: "error", message: "query must be a string" };
        const limit = Math.min(MAX_RESULTS, Math.max(1, args.limit ?? DEFAULT_RESULTS));
        const found = rankTools(all, args.query).slice(0, limit);
        if (found.length === 0) {
          return {
            status: "ok",
            content: [{ type: "text", text: `No tool matches "${args.query}".` }],
          };
        }
        const added = found.filter((t) => !loaded.has(t.name));
        for (const tool of added) loaded.add(tool.name);
        if (added.length > 0) {
          version++;
          onLoad();
        }
        const lines = found.map((t) => `- ${t.name}: ${firstLine(t.description)}`);
        return {
          status: "ok",
          content: [
            {
              type: "text",
              text: `Found ${found.length} tools; they are available to call now:\n${lines.join("\n")}`,
            },
          ],
        };
      },
    };
  }

  return {
    offer(tools) {
      if (memo && memo.tools === tools && memo.version === version) return memo.offered;
      const offered = activeFor(tools)
        ? [searchTool(tools), ...tools.filter((t) => loaded.has(t.name))]
        : tools;
      memo = { tools, version, offered };
      return offered;
    },
    resolve(tools, name) {
      const tool = tools.find((t) => t.name === name);
      if (!tool || !activeFor(tools) || loaded.has(name)) return tool;
      loaded.add(name);
      version++;
      onLoad();
      return tool;
    },
    status(tools) {
      return {
        active: activeFor(tools),
        mode: settings.mode,
        toolTokens: estimateToolTokens(tools),
        budgetTokens,
        total: tools.length,
        loaded: tools.filter((t) => loaded.has(t.name)).length,
      };
    },
  };
}

function isQuery(value: unknown): value is { query: string; limit?: number } {
  if (value === null || typeof value !== "object") return false;
  const query: unknown = Reflect.get(value, "query");
  const limit: unknown = Reflect.get(value, "limit");
  return typeof query === "string" && (limit === undefined || typeof limit === "number");
}
