import { describe, expect, it } from "vitest";
import {
  createToolSearch,
  estimateToolTokens,
  rankTools,
  SEARCH_TOOL_NAME,
} from "./tool-search.js";
import type { Tool } from "./types.js";

function tool(name: string, description: string, origin = "mcp:github"): Tool {
  return {
    name,
    description,
    inputSchema: { type: "object", properties: { q: { type: "string" } } },
    effect: "external",
    origin,
    execute: async () => ({ status: "ok", content: [] }),
  };
}

const tools: readonly Tool[] = [
  tool("mcp__github__create_issue", "Create a new issue in a repository"),
  tool("mcp__github__list_issues", "List issues of a repository"),
  tool("mcp__github__create_pull_request", "Open a pull request"),
  tool("mcp__slack__post_message", "Post a message to a channel", "mcp:slack"),
];

const signal = new AbortController().signal;

describe("rankTools", () => {
  it("puts an exact name (full or the server's own) first", () => {
    expect(rankTools(tools, "list_issues")[0]?.name).toBe("mcp__github__list_issues");
    expect(rankTools(tools, "mcp__github__create_issue")[0]?.name).toBe(
      "mcp__github__create_issue",
    );
  });

  it("ranks by keywords in names, then descriptions; nothing for no match", () => {
    expect(rankTools(tools, "issue").map((t) => t.name)).toEqual([
      "mcp__github__create_issue",
      "mcp__github__list_issues",
    ]);
    expect(rankTools(tools, "channel message").map((t) => t.name)).toEqual([
      "mcp__slack__post_message",
    ]);
    expect(rankTools(tools, "kubernetes")).toEqual([]);
  });
});

describe("createToolSearch", () => {
  it("offers every tool while the definitions fit the budget", () => {
    const search = createToolSearch({ mode: "auto", budgetPercent: 10, contextWindow: 100_000 });
    expect(search.offer(tools)).toBe(tools);
    expect(search.status(tools)).toMatchObject({ active: false, total: 4, budgetTokens: 10_000 });
  });

  it("past the budget offers search_tools, and a search loads what it finds for the next step", async () => {
    let loads = 0;
    const budget = estimateToolTokens(tools) - 1;
    const search = createToolSearch(
      { mode: "auto", budgetPercent: 100, contextWindow: budget },
      () => loads++,
    );
    const first = search.offer(tools);
    expect(first.map((t) => t.name)).toEqual([SEARCH_TOOL_NAME]);
    expect(first[0]?.description).toContain("github (3), slack (1)");
    const outcome = await first[0]?.execute({ query: "create_issue" }, { signal });
    expect(outcome?.status === "ok" && outcome.content[0]).toMatchObject({
      text: expect.stringContaining("- mcp__github__create_issue: Create a new issue"),
    });
    expect(loads).toBe(1);
    const next = search.offer(tools);
    expect(next[0]?.name).toBe(SEARCH_TOOL_NAME);
    expect(next.map((t) => t.name)).toContain("mcp__github__create_issue");
    expect(next.map((t) => t.name)).not.toContain("mcp__slack__post_message");
    expect(search.status(tools)).toMatchObject({ active: true, loaded: 3 });
    // The same list again is the same array: the manager's snapshot stays stable.
    expect(search.offer(tools)).toBe(next);
  });

  it("a tool called by name without a search is loaded and returned for this call", () => {
    let loads = 0;
    const search = createToolSearch(
      { mode: "on", budgetPercent: 10, contextWindow: 1 },
      () => loads++,
    );
    expect(search.offer(tools).map((t) => t.name)).toEqual([SEARCH_TOOL_NAME]);
    expect(search.resolve(tools, "mcp__slack__post_message")?.name).toBe(
      "mcp__slack__post_message",
    );
    expect(loads).toBe(1);
    expect(search.offer(tools).map((t) => t.name)).toEqual([
      SEARCH_TOOL_NAME,
      "mcp__slack__post_message",
    ]);
    expect(search.resolve(tools, "mcp__nobody__nothing")).toBeUndefined();
    expect(loads).toBe(1);
  });

  it("mode on and off override the budget", () => {
    expect(
      createToolSearch({ mode: "on", budgetPercent: 10, contextWindow: 100_000 }).offer(tools),
    ).toHaveLength(1);
    const off = createToolSearch({ mode: "off", budgetPercent: 1, contextWindow: 1000 });
    expect(off.offer(tools)).toBe(tools);
  });

  it("rejects a query that is not a string", async () => {
    const [searchTool] = createToolSearch({
      mode: "on",
      budgetPercent: 10,
      contextWindow: 1000,
    }).offer(tools);
    expect(await searchTool?.execute({ query: 3 }, { signal })).toMatchObject({ status: "error" });
  });
});
