import type { McpManager } from "../mcp/manager.js";
import { RootsError } from "../mcp/roots.js";
import { type Command, type CommandContext, type CommandResult, textResult } from "./types.js";

const USAGE = "[add PATH | remove PATH]";

/** The manager, waiting for MCP to load if it is still starting; undefined when none is configured. */
async function manager(context: CommandContext): Promise<McpManager | undefined> {
  if (context.mcp) return context.mcp;
  if (!context.loadMcp) return undefined;
  context.progress?.("loading MCP servers…");
  try {
    return await context.loadMcp();
  } finally {
    context.progress?.(undefined);
  }
}

function list(mcp: McpManager): CommandResult {
  const [project, ...added] = mcp.roots.paths();
  return {
    output: [
      {
        kind: "table",
        columns: ["root", "from"],
        rows: [
          ...(project === undefined ? [] : [[project, "project directory"]]),
          ...added.map((path) => [path, ".roots add"]),
        ],
      },
    ],
  };
}

/** `.roots`: the directories MCP servers are told they may work in (MCP roots). */
export const rootsCommand: Command = {
  name: "roots",
  summary: "directories offered to MCP servers as roots: .roots add|remove PATH",
  usage: USAGE,
  complete: (words) => (words.length === 0 ? ["add", "remove"] : []),
  async run(args, context) {
    const [sub, ...rest] = args.trim().split(/\s+/).filter(Boolean);
    const path = rest.join(" ");
    if (sub !== undefined && (!["add", "remove"].includes(sub) || path === "")) {
      return textResult(`usage: .roots ${USAGE}`, "error");
    }
    const mcp = await manager(context);
    if (!mcp) return textResult("no MCP servers configured: roots are offered to them", "dim");
    try {
      if (sub === "add") {
        const added = await mcp.roots.add(path);
        return textResult(`added root ${added} (for this session); servers were told`, "success");
      }
      if (sub === "remove") {
        const removed = mcp.roots.remove(path);
        return textResult(`removed root ${removed}; servers were told`, "success");
      }
    } catch (error) {
      if (error instanceof RootsError) return textResult(error.message, "error");
      throw error;
    }
    return list(mcp);
  },
};
