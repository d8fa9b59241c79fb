import type { ToolDecision } from "../agent/loop.js";
import { runTurn, type TurnEvent } from "../agent/loop.js";
import type { ChatMessage, ToolCall } from "../agent/messages.js";
import type { OutputFormat, ResumeRequest } from "../cli-args.js";
import type { WrenConfig } from "../config/load.js";
import type { McpManager } from "../mcp/manager.js";
import { createSessionStore } from "../session/session-store.js";
import { cannotAskMessage, createPermissions, ruleDenial } from "../tools/permissions.js";
import { createToolRegistry } from "../tools/registry.js";
import type { Tool } from "../tools/types.js";
import type { WrenPaths } from "../utils/paths.js";
import { terminalJson } from "../utils/terminal-text.js";
import { lazyChatModel } from "./services.js";

/** What `wren -p` runs with. */
export interface PrintOptions {
  readonly paths: WrenPaths;
  readonly config: WrenConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly model?: string;
  readonly prompt: string;
  /** Piped standard input, appended to the prompt. */
  readonly stdin?: string;
  readonly outputFormat: OutputFormat;
  readonly allowedTools: readonly string[];
  readonly resume?: ResumeRequest;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Aborted on SIGINT. */
  readonly signal: AbortSignal;
}

/**
 * Decides a tool call in print mode, which never prompts: the permission rules decide, and a
 * call that would ask is denied with a message telling the model and the user how to allow it
 * (`--allowed-tools` and `permissions.allow` take the same rules).
 */
export function printModeAuthorizer(
  allowed: readonly string[],
  deny: readonly string[],
  project: string,
): (call: ToolCall, tool: Tool) => Promise<ToolDecision> {
  const permissions = createPermissions({ project, allow: allowed, deny });
  return async (call, tool) => {
    const verdict = await permissions.check(call, tool);
    if (verdict.decision === "allow") return { allow: true };
    if (verdict.decision === "deny") return ruleDenial(verdict);
    return { allow: false, reason: cannotAskMessage(call, verdict), by: "no-prompt" };
  };
}

/** Runs one turn non-interactively; resolves with the exit code (0 ok, 1 failed, 2 usage). */
export async function runPrint(options: PrintOptions): Promise<number> {
  const { stdout, stderr, config, paths } = options;
  const modelId = options.model ?? config.model;
  if (!modelId) {
    stderr.write(
      `wren: no model configured: pass --model PROVIDER/MODEL or set "model" in ${paths.userSettings}\n`,
    );
    return 2;
  }
  const prompt = options.stdin ? `${options.prompt}\n\n${options.stdin}` : options.prompt;
  const sessions = createSessionStore(paths);
  let history: ChatMessage[] = [];
  let writer = sessions.create();
  if (options.resume) {
    const id = "id" in options.resume ? options.resume.id : (await sessions.list(1))[0]?.id;
    if (!id) {
      stderr.write("wren: there is no earlier session in this directory to continue\n");
      return 2;
    }
    try {
      const resumed = await sessions.resume(id);
      history = resumed.messages;
      writer = resumed.writer;
    } catch (error) {
      stderr.write(`wren: ${errorText(error)}\n`);
      return 2;
    }
  }

  const tools = createToolRegistry();
  let manager: McpManager | undefined;
  if (config.servers.some((s) => s.enabled)) manager = await startMcp(options);
  if (manager) tools.addSource(() => manager?.tools() ?? []);

  const user: ChatMessage = {
    role: "user",
    id: crypto.randomUUID(),
    time: new Date().toISOString(),
    text: prompt,
  };
  history.push(user);
  await writer.append(user);

  const answer: string[] = [];
  const toolCalls: { name: string; input: unknown; status: string; durationMs: number }[] = [];
  const started = new Map<string, ToolCall>();
  let failed = false;
  let last: Extract<TurnEvent, { type: "done" }> | undefined;
  try {
    for await (const event of runTurn({
      model: lazyChatModel(modelId, config, options.env),
      messages: history,
      tools,
      signal: options.signal,
      authorize: printModeAuthorizer(
        [...options.allowedTools, ...config.permissions.allow],
        config.permissions.deny,
        paths.project,
      ),
    })) {
      if (options.outputFormat === "stream-json")
        stdout.write(`${terminalJson(streamEvent(event))}\n`);
      switch (event.type) {
        case "text-delta":
          answer.push(event.text);
          break;
        case "tool-start":
          started.set(event.call.id, event.call);
          if (options.outputFormat === "text")
            stderr.write(`wren: tool ${event.call.name}(${event.summary})\n`);
          break;
        case "tool-end": {
          const call = started.get(event.callId);
          if (call)
            toolCalls.push({
              name: call.name,
              input: call.input,
              status: event.outcome.status,
              durationMs: event.durationMs,
            });
          if (event.outcome.status === "denied") stderr.write(`wren: ${event.outcome.reason}\n`);
          break;
        }
        case "message":
          await writer.append(event.message);
          break;
        case "error":
          failed = true;
          stderr.write(`wren: ${event.error.message}\n`);
          break;
        case "done":
          last = event;
          break;
      }
    }
  } finally {
    await Promise.all([writer.close(), manager?.close()]);
  }
  const text = answer.join("");
  const end = last?.end ?? "error";
  if (options.outputFormat === "text")
    stdout.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
  if (options.outputFormat === "json") {
    stdout.write(
      `${terminalJson({ answer: text, end, toolCalls, usage: last?.usage, sessionId: writer.id, model: modelId })}\n`,
    );
  }
  if (end === "interrupted") stderr.write("wren: interrupted\n");
  return failed || end === "error" || end === "interrupted" ? 1 : 0;
}

async function startMcp(options: PrintOptions): Promise<McpManager> {
  const { createMcpManager } = await import("../mcp/manager.js");
  const { declineElicitations } = await import("../mcp/elicitation-store.js");
  const log = (line: string): void => void options.stderr.write(`wren: ${line}\n`);
  const manager = createMcpManager({
    servers: options.config.servers,
    paths: options.paths,
    elicitation: declineElicitations(log),
  });
  manager.start();
  await manager.whenSettled();
  for (const server of manager.getSnapshot()) {
    if (server.status.state === "needs-auth") {
      log(
        `skipping MCP server ${server.name}: it needs sign-in (run: wren mcp auth ${server.name})`,
      );
    } else if (server.status.state === "failed") {
      log(`skipping MCP server ${server.name}: ${server.status.reason}`);
    }
  }
  return manager;
}

/** A turn event as one stream-json line: everything but secrets-free error objects as text. */
function streamEvent(event: TurnEvent): unknown {
  if (event.type === "error") return { type: "error", message: event.error.message };
  return event;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
