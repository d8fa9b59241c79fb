import type { McpManager } from "../mcp/manager.js";
import { whyNoSignIn } from "../mcp/oauth/sign-in-check.js";
import { RESOURCE_TABLE_COLUMNS, resourceRows } from "../mcp/resource-text.js";
import { describeStatus, SERVER_TABLE_COLUMNS, serverTableRows } from "../mcp/status-text.js";
import type { ToolSearchStatus } from "../tools/tool-search.js";
import { errorText } from "../utils/errors.js";
import { type Command, type CommandContext, type CommandResult, textResult } from "./types.js";

const SUBCOMMANDS = [
  "list",
  "tools",
  "resources",
  "reconnect",
  "enable",
  "disable",
  "auth",
  "logout",
  "debug",
] as const;
const USAGE =
  "list | tools NAME | resources NAME | reconnect NAME | enable NAME | disable NAME | auth NAME | logout NAME | debug NAME";

function firstLine(text: string | undefined, width: number): string {
  const line = (text ?? "").split("\n")[0]?.trim() ?? "";
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** What `.mcp` says when no server is configured: how to add one. */
export const NO_SERVERS_TEXT = [
  "No MCP servers configured. Add one from your shell:",
  "  wren mcp add NAME URL                 (an HTTP server)",
  "  wren mcp add NAME -- COMMAND ARGS...  (a local stdio server)",
  'or in settings.json / .mcp.json: { "mcpServers": { "NAME": { "command": "npx", "args": ["-y", "PACKAGE"] } } }',
  "then restart wren.",
].join("\n");

/** The wait for MCP ended because the user pressed Esc. */
class CommandAbortedError extends Error {
  override readonly name = "CommandAbortedError";
}

/** `promise`, or a CommandAbortedError as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new CommandAbortedError("aborted"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CommandAbortedError("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function list(mcp: McpManager): CommandResult {
  const states = mcp.getSnapshot();
  if (states.length === 0) return textResult(NO_SERVERS_TEXT, "dim");
  const search = mcp.toolSearchStatus();
  return {
    output: [
      { kind: "table", columns: SERVER_TABLE_COLUMNS, rows: serverTableRows(states) },
      ...(search
        ? [{ kind: "text" as const, text: toolSearchLine(search), tone: "dim" as const }]
        : []),
    ],
  };
}

/** Which way MCP tools reach the model: every definition, or `search_tools` (and why). */
export function toolSearchLine(status: ToolSearchStatus): string {
  const size = `${status.total} tools, ~${status.toolTokens} tokens of definitions; budget ${status.budgetTokens}`;
  if (!status.active) {
    return status.mode === "off"
      ? `tool mode: direct (tool search is off; ${size})`
      : `tool mode: direct, every definition offered (${size})`;
  }
  return `tool mode: search — the model gets search_tools and loads definitions on demand (${size}; ${status.loaded} loaded${status.mode === "on" ? "; toolSearch.mode is on" : ""})`;
}

async function tools(mcp: McpManager, name: string): Promise<CommandResult> {
  const definitions = await mcp.listTools(name);
  // What the server tells the model (its handshake `instructions`), so the user can read it too.
  const instructions = mcp
    .getSnapshot()
    .find((s) => s.name === name)
    ?.instructions?.trim();
  const told = instructions
    ? [
        {
          kind: "text" as const,
          text: `instructions ${name} gives the model:\n${instructions.replace(/^/gm, "  ")}`,
          tone: "dim" as const,
        },
      ]
    : [];
  if (definitions.length === 0) {
    return { output: [{ kind: "text", text: `${name} has no tools`, tone: "dim" }, ...told] };
  }
  return {
    output: [
      {
        kind: "table",
        columns: ["tool", "description"],
        rows: definitions.map((t) => [t.name, firstLine(t.description, 80)]),
      },
      ...told,
    ],
  };
}

async function resources(mcp: McpManager, name: string): Promise<CommandResult> {
  const connection = await mcp.connection(name);
  if (!connection.resources?.capabilities.resources) {
    return textResult(`${name} does not offer resources`, "dim");
  }
  const listed = await connection.resources.list();
  const rows = resourceRows(listed);
  if (rows.length === 0) return textResult(`${name} has no resources`, "dim");
  return {
    output: [
      { kind: "table", columns: RESOURCE_TABLE_COLUMNS, rows },
      {
        kind: "text",
        text: `Mention one in a message as @${name}:URI (Tab completes).`,
        tone: "dim",
      },
    ],
  };
}

/** Why `name` cannot sign in or out (a stdio server, `oauth: false`, client credentials), if it cannot. */
function cannotSignIn(mcp: McpManager, name: string): string | undefined {
  const config = mcp.getSnapshot().find((s) => s.name === name)?.config;
  return config && whyNoSignIn(config);
}

/** `.mcp debug NAME`: the step-by-step trace of discovery and a fresh connection attempt. */
async function debug(
  mcp: McpManager,
  name: string,
  context: CommandContext,
): Promise<CommandResult> {
  const config = mcp.getSnapshot().find((s) => s.name === name)?.config;
  if (!config || !context.debugMcp) return textResult("debug is not available here", "error");
  context.progress?.(`debugging ${name}…`);
  try {
    const report = await untilAborted(context.debugMcp(config), context.signal);
    return textResult(report.text, report.connected ? "normal" : "error");
  } catch (error) {
    if (error instanceof CommandAbortedError) return textResult("cancelled", "dim");
    throw error;
  } finally {
    context.progress?.(undefined);
  }
}

async function run(args: string, context: CommandContext): Promise<CommandResult> {
  const [sub = "list", name, ...extra] = args.trim().split(/\s+/).filter(Boolean);
  let mcp = context.mcp;
  if (!mcp && context.loadMcp) {
    // Typed right after start: MCP is still loading in the background, so wait for it.
    context.progress?.("loading MCP servers…");
    try {
      mcp = await untilAborted(context.loadMcp(), context.signal);
    } catch (error) {
      if (error instanceof CommandAbortedError) return textResult("cancelled", "dim");
      return textResult(`MCP could not start: ${errorText(error)}`, "error");
    } finally {
      context.progress?.(undefined);
    }
    if (!mcp) return textResult(NO_SERVERS_TEXT, "dim");
  }
  if (!mcp) return textResult("MCP is not available in this session", "error");
  if (sub === "list") return list(mcp);
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    return textResult(`unknown subcommand "${sub}"; usage: .mcp ${USAGE}`, "error");
  }
  if (!name || extra.length > 0) return textResult(`usage: .mcp ${sub} NAME`, "error");
  if (!mcp.getSnapshot().some((s) => s.name === name)) {
    return textResult(`no MCP server named "${name}"`, "error");
  }
  try {
    switch (sub) {
      case "tools":
        return await tools(mcp, name);
      case "resources":
        return await resources(mcp, name);
      case "reconnect": {
        const state = await mcp.reconnect(name);
        const ok = state.status.state === "connected";
        return textResult(`${name}: ${describeStatus(state.status)}`, ok ? "success" : "error");
      }
      case "enable":
      case "disable": {
        const enabled = sub === "enable";
        const server = mcp.getSnapshot().find((s) => s.name === name);
        // An entry that cannot be read is not saved as enabled: it could not connect.
        if (enabled && server?.config.invalid !== undefined) {
          return textResult(server.config.invalid, "error");
        }
        // Saved first: a settings file that cannot be edited leaves the session as it was.
        // Loaded here: the settings writer (jsonc, zod) stays out of the startup chunks.
        const { saveServerEnabled } = await import("../config/server-enabled.js");
        if (server) await saveServerEnabled(server.config, enabled);
        const state = await mcp.setEnabled(name, enabled);
        const where = state.config.source;
        const status = describeStatus(state.status);
        const ok = sub === "disable" || state.status.state === "connected";
        return textResult(
          `${name} ${sub}d (saved in ${where}): ${status}`,
          ok ? "success" : "warning",
        );
      }
      case "auth": {
        const problem = cannotSignIn(mcp, name);
        if (problem) return textResult(problem, "error");
        const state = await mcp.reconnect(name, { signIn: true });
        const ok = state.status.state === "connected";
        const text = ok
          ? `${name}: signed in, ${describeStatus(state.status)}`
          : `${name}: ${describeStatus(state.status)}`;
        return textResult(text, ok ? "success" : "error");
      }
      case "logout": {
        const problem = cannotSignIn(mcp, name);
        if (problem) return textResult(problem, "error");
        return textResult(await mcp.logout(name), "success");
      }
      case "debug":
        return await debug(mcp, name, context);
      default:
        // Unreachable: `sub` was checked against SUBCOMMANDS above.
        return textResult(`unknown subcommand "${sub}"; usage: .mcp ${USAGE}`, "error");
    }
  } catch (error) {
    return textResult(errorText(error), "error");
  }
}

/** `.mcp`: list MCP servers and their tools, reconnect, enable or disable them. */
export const mcpCommand: Command = {
  name: "mcp",
  summary:
    "MCP servers: list, tools/resources NAME, reconnect NAME, enable/disable NAME, auth/logout NAME, debug NAME",
  usage: USAGE,
  complete(words, context) {
    if (words.length === 0) return [...SUBCOMMANDS];
    if (words.length > 1) return [];
    const states = context.mcp?.getSnapshot() ?? [];
    const sub = words[0];
    const names = states
      .filter((s) => {
        if (sub === "enable") return s.status.state === "disabled";
        if (sub === "disable") return s.status.state !== "disabled";
        // Only servers someone signs in to can sign in or out.
        if (sub === "auth" || sub === "logout") return whyNoSignIn(s.config) === undefined;
        return true;
      })
      .map((s) => s.name);
    return sub === "list" ? [] : names;
  },
  run,
};
