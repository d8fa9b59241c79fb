import type { ToolDecision } from "../agent/loop.js";
import { addUsage, runTurn, type TurnEnd } from "../agent/loop.js";
import type { OutputFormat, ResumeRequest } from "../cli-args.js";
import type { WrenConfig } from "../config/load.js";
import { withServerInstructions } from "../mcp/instructions.js";
import type { McpManager } from "../mcp/manager.js";
import type { McpServerState } from "../mcp/status.js";
import type { AssistantPart, Attachment, ChatMessage, ToolCall, Usage } from "../messages.js";
import { estimateCost } from "../provider/cost.js";
import { createSessionStore } from "../session/session-store.js";
import { cannotAskMessage, createPermissions, ruleDenial } from "../tools/permissions.js";
import { createToolRegistry } from "../tools/registry.js";
import { DEFAULT_TOOL_SEARCH } from "../tools/tool-search.js";
import type { Tool, ToolOutcome } from "../tools/types.js";
import { type CommandOutcome, errorText } from "../utils/errors.js";
import type { WrenPaths } from "../utils/paths.js";
import { terminalJson } from "../utils/terminal-text.js";
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

/** Claude Code's `subtype` of the final result object. */
type ResultSubtype = "success" | "error_during_execution" | "error_max_turns";

/** The result object of `--output-format json` (and the last line of `stream-json`). */
export interface PrintResult {
  readonly type: "result";
  readonly subtype: ResultSubtype;
  readonly is_error: boolean;
  readonly result: string;
  readonly session_id: string;
  readonly num_turns: number;
  readonly duration_ms: number;
  readonly total_cost_usd: number;
  readonly usage: {
    readonly input_tokens: number;
    readonly output_tokens: number;
    readonly cache_read_input_tokens: number;
  };
  readonly model?: string;
  /** Why it failed, when `is_error`. */
  readonly error?: string;
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
    failure?: { subtype?: ResultSubtype; message: string },
  ): CommandOutcome => {
    if (failure) stderr.write(`wren: ${failure.message}\n`);
    if (!json) {
      if (outcome === "ok" || answer !== "")
        stdout.write(answer.endsWith("\n") || answer === "" ? answer : `${answer}\n`);
      return outcome;
    }
    const slash = modelId?.indexOf("/") ?? -1;
    const price =
      modelId && slash > 0
        ? config.providers[modelId.slice(0, slash)]?.prices?.[modelId.slice(slash + 1)]
        : undefined;
    const total = addUsage(usage, samplingUsage);
    const result: PrintResult = {
      type: "result",
      subtype: failure ? (failure.subtype ?? "error_during_execution") : "success",
      is_error: failure !== undefined,
      result: answer,
      session_id: writer.id,
      num_turns: steps,
      duration_ms: Date.now() - startedAt,
      total_cost_usd: estimateCost(total, price) ?? 0,
      usage: {
        input_tokens: total.inputTokens,
        output_tokens: total.outputTokens,
        cache_read_input_tokens: total.cachedInputTokens,
      },
      ...(modelId !== undefined && { model: modelId }),
      ...(failure && { error: failure.message }),
    };
    emit(result);
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

/**
 * The messages of an MCP prompt named by the `-p` line: the earlier ones as history, the last
 * user message as the input; undefined for an ordinary prompt, an Error for a usage mistake.
 */
async function expandPrompt(
  manager: McpManager,
  line: string,
  signal: AbortSignal | undefined,
): Promise<{ earlier: ChatMessage[]; last: string } | Error | undefined> {
  const { promptLineMessages, PromptArgumentsError } = await import("../commands/mcp-prompts.js");
  let content: Awaited<ReturnType<typeof promptLineMessages>>;
  try {
    content = await promptLineMessages(manager, line, signal);
    // A prompt of a server still starting: wait for it rather than send the line as text.
    const connecting = manager.getSnapshot().some((s) => s.status.state === "connecting");
    if (!content && connecting && /^[./](mcp__|[A-Za-z][\w-]*:)/.test(line.trim())) {
      await manager.whenSettled();
      content = await promptLineMessages(manager, line, signal);
    }
  } catch (error) {
    if (error instanceof PromptArgumentsError) return error;
    throw error;
  }
  if (!content) return undefined;
  const merged: { role: "user" | "assistant"; text: string }[] = [];
  for (const m of content.messages) {
    const previous = merged.at(-1);
    if (previous?.role === m.role) previous.text = `${previous.text}\n\n${m.text}`;
    else merged.push({ ...m });
  }
  const last = merged.pop();
  if (last?.role !== "user") return new Error("the prompt does not end with a user message");
  const time = new Date().toISOString();
  const earlier = merged.map(
    (m): ChatMessage =>
      m.role === "user"
        ? { role: "user", id: crypto.randomUUID(), time, text: m.text }
        : {
            role: "assistant",
            id: crypto.randomUUID(),
            time,
            parts: [{ type: "text", text: m.text }],
          },
  );
  return { earlier, last: last.text };
}

async function startMcp(
  options: PrintOptions,
  waitMs: number,
  modelId: string,
  onUsage: (usage: Usage) => void,
): Promise<McpManager> {
  const { createMcpManager } = await import("../mcp/manager.js");
  const { connectMcpServer } = await import("../mcp/connect.js");
  const { createMcpOAuth } = await import("../mcp/oauth/mcp-oauth.js");
  const { declineElicitations } = await import("../mcp/elicitation-store.js");
  const { createSamplingHandler, ruleConsent } = await import("../mcp/sampling.js");
  const { declineUrlElicitations } = await import("../mcp/url-elicitation.js");
  const log = (line: string): void => void options.stderr.write(`wren: ${line}\n`);
  // Stored tokens (where settings keep them) and silent refresh; nobody can sign in here.
  const { oauthStorage } = options.config;
  const oauth = createMcpOAuth({ paths: options.paths, ...(oauthStorage && { oauthStorage }) });
  const manager = createMcpManager({
    servers: options.config.servers,
    paths: options.paths,
    connect: oauth.wrapConnect(connectMcpServer),
    elicitation: declineElicitations(log),
    urlElicitation: declineUrlElicitations(log),
    toolSearch: { ...DEFAULT_TOOL_SEARCH, ...options.config.toolSearch },
    // Print mode cannot ask: `--allowed-tools 'sampling(NAME)'` allows a server, else denied.
    sampling: createSamplingHandler({
      model: () => lazyChatModel(modelId, options.config, options.env),
      consent: ruleConsent([...options.allowedTools, ...options.config.permissions.allow], log),
      onUsage,
    }),
  });
  manager.start();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    manager.whenSettled(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    }),
  ]);
  clearTimeout(timer);
  for (const server of manager.getSnapshot()) {
    const { status } = server;
    if (status.state === "needs-auth") {
      log(
        `skipping MCP server ${server.name}: it needs sign-in (run: wren mcp auth ${server.name})`,
      );
    } else if (status.state === "failed") {
      log(`skipping MCP server ${server.name}: ${status.reason}`);
    } else if (status.state === "connecting") {
      log(`MCP server ${server.name} is still connecting; its tools join once it is ready`);
    }
  }
  return manager;
}

/** A server's status in the `system`/`init` event, in Claude Code's words. */
function serverStatus(state: McpServerState): string {
  switch (state.status.state) {
    case "connected":
      return "connected";
    case "connecting":
      return "pending";
    case "needs-auth":
      return "needs-auth";
    case "disabled":
      return "disabled";
    case "failed":
      return "failed";
  }
}

/** A conversation message as a stream-json `assistant` / `user` line (Claude Code's shape). */
function streamMessage(message: ChatMessage, sessionId: string): unknown {
  const common = { parent_tool_use_id: null, session_id: sessionId };
  if (message.role === "assistant") {
    return {
      type: "assistant",
      message: {
        id: message.id,
        type: "message",
        role: "assistant",
        ...(message.model !== undefined && { model: message.model }),
        content: message.parts.flatMap(contentBlock),
        ...(message.usage && {
          usage: {
            input_tokens: message.usage.inputTokens,
            output_tokens: message.usage.outputTokens,
            cache_read_input_tokens: message.usage.cachedInputTokens,
          },
        }),
      },
      ...common,
    };
  }
  if (message.role === "tool") {
    return {
      type: "user",
      message: {
        role: "user",
        content: message.results.map((r) => ({
          type: "tool_result",
          tool_use_id: r.callId,
          content: outcomeText(r.outcome),
          is_error: r.outcome.status !== "ok",
        })),
      },
      ...common,
    };
  }
  return { type: "user", message: { role: "user", content: message.text }, ...common };
}

function contentBlock(part: AssistantPart): unknown[] {
  switch (part.type) {
    case "text":
      return [{ type: "text", text: part.text }];
    case "reasoning":
      return [{ type: "thinking", thinking: part.text }];
    case "tool-call":
      return [{ type: "tool_use", id: part.id, name: part.name, input: part.input }];
  }
}

function outcomeText(outcome: ToolOutcome): string {
  if (outcome.status === "denied") return outcome.reason;
  if (outcome.status === "error") return outcome.message;
  if (outcome.status === "cancelled") return "cancelled";
  return outcome.content
    .map((c) => (c.type === "text" ? c.text : `[image ${c.mimeType}]`))
    .join("\n");
}
