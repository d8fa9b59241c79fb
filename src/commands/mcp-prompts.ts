import type { McpManager } from "../mcp/manager.js";
import type { McpPrompt, McpPromptArgument, PromptContent } from "../mcp/prompts.js";
import type { Command, CommandContext, CommandResult } from "./types.js";
import { textResult } from "./types.js";

/** The REPL name of a server prompt: `.server:prompt`. */
export function promptCommandName(prompt: Pick<McpPrompt, "server" | "name">): string {
  return `${prompt.server}:${prompt.name}`;
}

/** The name Claude Code users type: `/mcp__server__prompt`. */
export function promptCommandAlias(prompt: Pick<McpPrompt, "server" | "name">): string {
  return `mcp__${prompt.server}__${prompt.name}`;
}

/**
 * Splits an argument line into words: spaces separate, double or single quotes keep spaces
 * (`city="New York"`), a backslash escapes the next character.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? "";
    if (char === "\\" && i + 1 < line.length) {
      word += line[++i];
      started = true;
    } else if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(word);
      word = "";
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

/**
 * Matches words to a prompt's arguments: `name=value` sets that argument, any other word fills
 * the next argument not yet given, in the order the server lists them.
 */
export function bindArguments(
  args: readonly McpPromptArgument[],
  words: readonly string[],
): { values: Record<string, string>; extra: string[] } {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  for (const word of words) {
    const eq = word.indexOf("=");
    const name = eq > 0 ? word.slice(0, eq) : undefined;
    if (name !== undefined && args.some((a) => a.name === name)) values[name] = word.slice(eq + 1);
    else positional.push(word);
  }
  const extra: string[] = [];
  for (const word of positional) {
    const next = args.find((a) => values[a.name] === undefined);
    if (next) values[next.name] = word;
    else extra.push(word);
  }
  return { values, extra };
}

function usageOf(prompt: McpPrompt): string {
  return prompt.arguments
    .map((a) => (a.required ? `${a.name}=VALUE` : `[${a.name}=VALUE]`))
    .join(" ");
}

function quoteIfNeeded(value: string): string {
  return /[\s"'\\]/.test(value) ? `"${value.replace(/["\\]/g, "\\$&")}"` : value;
}

/** Waits for a running turn to end, or gives up when the command is cancelled (Esc). */
async function whenIdle(context: CommandContext): Promise<boolean> {
  const conversation = context.chat?.conversation;
  if (!conversation?.getSnapshot().running) return true;
  context.progress?.("waiting for the running turn to end…");
  try {
    return await new Promise<boolean>((resolve) => {
      const onAbort = (): void => resolve(false);
      context.signal.addEventListener("abort", onAbort, { once: true });
      void conversation.idle().then(() => {
        context.signal.removeEventListener("abort", onAbort);
        resolve(true);
      });
    });
  } finally {
    context.progress?.(undefined);
  }
}

async function runPrompt(
  mcp: McpManager,
  prompt: McpPrompt,
  line: string,
  context: CommandContext,
): Promise<CommandResult> {
  const name = promptCommandName(prompt);
  const { values, extra } = bindArguments(prompt.arguments, splitWords(line));
  if (extra.length > 0) {
    return textResult(`.${name} takes ${usageOf(prompt) || "no arguments"}`, "error");
  }
  const missing = prompt.arguments.filter((a) => a.required && !values[a.name]);
  if (missing.length > 0) {
    if (!context.askFields) {
      return textResult(
        `.${name} needs ${missing.map((a) => a.name).join(", ")}: .${name} ${usageOf(prompt)}`,
        "error",
      );
    }
    const answer = await context.askFields(
      {
        source: prompt.server,
        message: `arguments of the prompt ${prompt.name}`,
        fields: prompt.arguments
          .filter((a) => values[a.name] === undefined)
          .map((a) => ({
            name: a.name,
            required: a.required,
            ...(a.description !== undefined && { description: a.description }),
          })),
      },
      context.signal,
    );
    if (!answer) return textResult(`.${name} cancelled`, "dim");
    for (const [key, value] of Object.entries(answer)) if (value !== "") values[key] = value;
  }
  const conversation = context.chat?.conversation;
  if (!conversation) return textResult("prompts need the chat (start wren without -p)", "error");
  context.progress?.(`getting ${name}…`);
  let content: Awaited<ReturnType<McpManager["getPrompt"]>>;
  try {
    content = await mcp.getPrompt(prompt.server, prompt.name, values, context.signal);
  } finally {
    context.progress?.(undefined);
  }
  if (content.messages.length === 0) return textResult(`${name} returned no messages`, "warning");
  if (!(await whenIdle(context))) return textResult(`.${name} cancelled`, "dim");
  const ran = conversation.sendMessages(content.messages);
  const images = content.messages.reduce((n, m) => n + (m.attachments?.length ?? 0), 0);
  if (ran && images > 0) {
    return textResult(`${name}: ${images === 1 ? "1 image" : `${images} images`} attached`, "dim");
  }
  return ran
    ? {}
    : textResult(`${name} ends with the assistant's words: send a message to go on`, "dim");
}

/** Candidates for the argument being typed: the server's suggestions (`completion/complete`). */
async function completeArgument(
  mcp: McpManager,
  prompt: McpPrompt,
  words: readonly string[],
  typed: string,
  signal: AbortSignal,
): Promise<readonly string[]> {
  const { values } = bindArguments(prompt.arguments, words);
  const eq = typed.indexOf("=");
  const named = eq > 0 ? prompt.arguments.find((a) => a.name === typed.slice(0, eq)) : undefined;
  const argument = named ?? prompt.arguments.find((a) => values[a.name] === undefined);
  if (!argument) return [];
  const value = named ? typed.slice(eq + 1) : typed;
  const suggestions = await mcp
    .completePrompt(prompt.server, {
      prompt: prompt.name,
      argument: argument.name,
      value,
      context: values,
      signal,
    })
    .catch(() => [] as readonly string[]);
  const prefix = named ? `${argument.name}=` : "";
  const candidates = suggestions.map((s) => `${prefix}${quoteIfNeeded(s)}`);
  if (candidates.length > 0 || named) return candidates;
  // Nothing to suggest: offer the names of the arguments still open.
  return prompt.arguments.filter((a) => values[a.name] === undefined).map((a) => `${a.name}=`);
}

/** One REPL command per prompt of every connected server (`.server:prompt`, `/mcp__server__prompt`). */
export function promptCommands(mcp: McpManager): readonly Command[] {
  return mcp.prompts().map((prompt) => {
    const about = (prompt.title ?? prompt.description ?? "").split("\n")[0] ?? "";
    return {
      name: promptCommandName(prompt),
      aliases: [promptCommandAlias(prompt)],
      summary: `MCP prompt from ${prompt.server}${about ? `: ${about}` : ""}`,
      usage: usageOf(prompt),
      completeAsync: (words, typed, context) =>
        completeArgument(mcp, prompt, words, typed, context.signal),
      run: (args, context) => runPrompt(mcp, prompt, args, context),
    } satisfies Command;
  });
}

/** A prompt command line that cannot run as typed (missing or extra arguments). */
export class PromptArgumentsError extends Error {
  override readonly name = "PromptArgumentsError";
}

/**
 * For non-interactive runs (`wren -p "/mcp__srv__prompt city=Paris"`): when the line names a
 * server prompt, runs it and returns its messages; undefined for any other line. Nobody can be
 * asked for missing arguments, so they are a PromptArgumentsError.
 */
export async function promptLineMessages(
  mcp: McpManager,
  line: string,
  signal?: AbortSignal,
): Promise<PromptContent | undefined> {
  const match = /^[./]([A-Za-z][\w-]*(?::[^\s:]+)?)(?:\s+([\s\S]*))?$/.exec(line.trim());
  const name = match?.[1];
  if (name === undefined) return undefined;
  const prompt = mcp
    .prompts()
    .find((p) => promptCommandName(p) === name || promptCommandAlias(p) === name);
  if (!prompt) return undefined;
  const { values, extra } = bindArguments(prompt.arguments, splitWords(match?.[2] ?? ""));
  const missing = prompt.arguments.filter((a) => a.required && !values[a.name]);
  if (extra.length > 0 || missing.length > 0) {
    throw new PromptArgumentsError(
      `${line.trim().split(/\s/)[0]} takes ${usageOf(prompt) || "no arguments"}`,
    );
  }
  return mcp.getPrompt(prompt.server, prompt.name, values, signal);
}
