import type { ToolDecision } from "../agent/loop.js";
import { addUsage, runTurn, type TurnEnd } from "../agent/loop.js";
import type { OutputFormat, ResumeRequest } from "../cli-args.js";
import type { WrenConfig } from "../config/load.js";
import { withServerInstructions } from "../mcp/instructions.js";
import type { Attachment, ChatMessage, ToolCall, Usage } from "../messages.js";
import { createSessionStore } from "../session/session-store.js";
import { cannotAskMessage, createPermissions, ruleDenial } from "../tools/permissions.js";
import { createToolRegistry } from "../tools/registry.js";
import type { Tool } from "../tools/types.js";
import { type CommandOutcome, errorText } from "../utils/errors.js";
import type { WrenPaths } from "../utils/paths.js";
import { terminalJson } from "../utils/terminal-text.js";
import { type PrintFailure, resultObject, serverStatus, streamMessage } from "./print-json.js";
import { expandPrompt, startMcp } from "./print-mcp.js";
import { lazyChatModel, loadAgentSetup } from "./services.js";

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
  /**
   * How long the first model request waits for MCP servers still connecting (ms). Those that
   * connect later join the next steps; whatever still connects at the end is closed at once.
   */
  readonly mcpWaitMs?: number;
}

/** A server slower than this does not hold the answer back (npx downloads can take minutes). */
const MCP_WAIT_MS = 5_000;

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

const ZERO: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

/**
 * Runs one turn non-interactively and reports how it ended (the error line and, in the JSON
 * formats, the result object are written here); `cli.tsx` turns the outcome into the exit code.
 */
export async function runPrint(options: PrintOptions): Promise<CommandOutcome> {
  const { stdout, stderr, config, paths, outputFormat } = options;
  const startedAt = Date.now();
  const sessions = createSessionStore(paths);
  let writer = sessions.create();
  const modelId = options.model ?? config.model;
  const json = outputFormat !== "text";
  const emit = (value: unknown): void => void stdout.write(`${terminalJson(value)}\n`);
  let steps = 0;
  let usage = ZERO;
  // Tokens MCP servers spent through sampling (allowed with `sampling(NAME)`) count too.
  let samplingUsage = ZERO;
  /** Writes the result object (json modes) and any error line; returns the outcome. */
  const finish = (
    outcome: CommandOutcome,
    answer: string,
    failure?: PrintFailure,
  ): CommandOutcome => {
    if (failure) stderr.write(`wren: ${failure.message}\n`);
    if (!json) {
      if (outcome === "ok" || answer !== "")
        stdout.write(answer.endsWith("\n") || answer === "" ? answer : `${answer}\n`);
      return outcome;
    }
    emit(
      resultObject({
        answer,
        sessionId: writer.id,
        steps,
        durationMs: Date.now() - startedAt,
        usage: addUsage(usage, samplingUsage),
        modelId,
        config,
        ...(failure && { failure }),
      }),
    );
    return outcome;
  };

  if (!modelId) {
    return finish("usage", "", {
      message: `no model configured: pass --model PROVIDER/MODEL or set "model" in ${paths.userSettings}`,
    });
  }
  const prompt = options.stdin ? `${options.prompt}\n\n${options.stdin}` : options.prompt;
  let history: ChatMessage[] = [];
  if (options.resume) {
    const id = "id" in options.resume ? options.resume.id : (await sessions.list(1))[0]?.id;
    if (!id) {
      return finish("usage", "", {
        message: "there is no earlier session in this directory to continue",
      });
    }
    try {
      const resumed = await sessions.resume(id);
      history = resumed.messages;
      writer = resumed.writer;
    } catch (error) {
      return finish("usage", "", { message: errorText(error) });
    }
  }

  const tools = createToolRegistry();
  const manager =
    config.servers.length > 0
      ? await startMcp(options, options.mcpWaitMs ?? MCP_WAIT_MS, modelId, (u) => {
          samplingUsage = addUsage(samplingUsage, u);
        })
      : undefined;
  try {
    const setup = await loadAgentSetup(paths, options.env);
    tools.addSource(() => setup.builtins);
    if (manager) tools.addSource(() => manager.tools());
    if (manager) tools.addFallback((name) => manager.findHiddenTool(name));
    if (outputFormat === "stream-json") {
      emit({
        type: "system",
        subtype: "init",
        session_id: writer.id,
        cwd: paths.project,
        model: modelId,
        tools: tools.list().map((t) => t.name),
        mcp_servers: (manager?.getSnapshot() ?? []).map((s) => ({
          name: s.name,
          status: serverStatus(s),
        })),
      });
    }

    // `-p "/mcp__server__prompt ARGS"` runs that MCP prompt: its messages are the input.
    const expanded = manager
      ? await expandPrompt(manager, options.prompt, options.signal)
      : undefined;
    if (expanded instanceof Error) return finish("usage", "", { message: expanded.message });
    for (const message of expanded?.earlier ?? []) {
      history.push(message);
      await writer.append(message);
    }
    const input = expanded
      ? `${expanded.last}${options.stdin ? `\n\n${options.stdin}` : ""}`
      : prompt;
    // `@server:uri` mentions are read now and go with the prompt, as in the REPL.
    let attachments: readonly Attachment[] = [];
    if (manager && input.includes("@")) {
      const { readMentions, mentionSource } = await import("../mcp/mentions.js");
      const read = await readMentions(mentionSource(manager), input, options.signal);
      for (const note of read.notes) stderr.write(`wren: ${note}\n`);
      attachments = read.attachments;
    }
    const user: ChatMessage = {
      role: "user",
      id: crypto.randomUUID(),
      time: new Date().toISOString(),
      text: input,
      ...(attachments.length > 0 && { attachments }),
    };
    history.push(user);
    await writer.append(user);

    const answer: string[] = [];
    // Text of a new step starts a new paragraph instead of running on ("Reading it.The file").
    let breakBeforeText = false;
    let failure: string | undefined;
    let end: TurnEnd = "error";
    for await (const event of runTurn({
      model: lazyChatModel(modelId, config, options.env),
      // Servers' instructions follow wren's own, labelled as theirs and capped.
      system: withServerInstructions(setup.system, manager?.getSnapshot() ?? []),
      messages: history,
      tools,
      signal: options.signal,
      authorize: printModeAuthorizer(
        [...options.allowedTools, ...config.permissions.allow],
        config.permissions.deny,
        paths.project,
      ),
    })) {
      switch (event.type) {
        case "step-start":
          steps++;
          breakBeforeText = answer.length > 0;
          break;
        case "text-delta":
          if (breakBeforeText && event.text !== "") {
            answer.push(answer.at(-1)?.endsWith("\n") ? "\n" : "\n\n");
            breakBeforeText = false;
          }
          answer.push(event.text);
          break;
        case "tool-start":
          if (outputFormat === "text")
            stderr.write(`wren: tool ${event.call.name}(${event.summary})\n`);
          break;
        case "tool-end":
          if (event.outcome.status === "denied") stderr.write(`wren: ${event.outcome.reason}\n`);
          break;
        case "message":
          await writer.append(event.message);
          if (outputFormat === "stream-json") emit(streamMessage(event.message, writer.id));
          break;
        case "error":
          failure = event.error.message;
          break;
        case "done":
          end = event.end;
          usage = event.usage;
          break;
      }
    }
    const text = answer.join("");
    if (failure !== undefined) return finish("failed", text, { message: failure });
    if (end === "interrupted") return finish("failed", text, { message: "interrupted" });
    if (end === "max-steps") {
      return finish("failed", text, {
        subtype: "error_max_turns",
        message: "stopped: the model kept calling tools past the step limit",
      });
    }
    return finish("ok", text);
  } catch (error) {
    return finish("failed", "", { message: errorText(error) });
  } finally {
    // close() ends servers still connecting at once: leaving must not wait for them.
    await Promise.all([writer.close(), manager?.close()]);
  }
}
