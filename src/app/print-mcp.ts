// MCP in `wren -p`: servers start with a bounded wait (a slow one joins later steps), nobody
// can sign in or answer a server's questions, and `-p "/mcp__server__prompt ARGS"` runs an MCP
// prompt as the input.
import type { WrenConfig } from "../config/load.js";
import type { McpManager } from "../mcp/manager.js";
import type { ChatMessage, Usage } from "../messages.js";
import { DEFAULT_TOOL_SEARCH } from "../tools/tool-search.js";
import type { WrenPaths } from "../utils/paths.js";
import { lazyChatModel } from "./services.js";

/** What starting MCP for print mode reads from the run's options. */
export interface PrintMcpOptions {
  readonly paths: WrenPaths;
  readonly config: WrenConfig;
  readonly env: NodeJS.ProcessEnv;
  /** `--allowed-tools`: `sampling(NAME)` lets a server sample, as `permissions.allow` does. */
  readonly allowedTools: readonly string[];
  readonly stderr: { write(text: string): unknown };
}

/**
 * The messages of an MCP prompt named by the `-p` line: the earlier ones as history, the last
 * user message as the input; undefined for an ordinary prompt, an Error for a usage mistake.
 */
export async function expandPrompt(
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

/**
 * Starts the configured MCP servers and waits up to `waitMs` for them; says on stderr which are
 * skipped (sign-in needed, failed) or still connecting.
 */
export async function startMcp(
  options: PrintMcpOptions,
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
