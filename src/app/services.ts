import {
  type Conversation,
  type ConversationOptions,
  createConversation,
} from "../agent/conversation.js";
import type { FinishedItem } from "../agent/live-turn.js";
import { summarizeToolCall } from "../agent/loop.js";
import { builtinCommands } from "../commands/index.js";
import type { CommandRegistry } from "../commands/registry.js";
import type { ChatControls } from "../commands/types.js";
import type { WrenConfig } from "../config/load.js";
import { updateJsonFile } from "../config/write.js";
import type { ChatMessage, ToolCall } from "../messages.js";
import type { ChatModel, ModelEvent, ModelRequest } from "../provider/types.js";
import { type InputHistory, openInputHistory } from "../session/history.js";
import { createSessionStore, type SessionStore } from "../session/session-store.js";
import { createPermissionPrompts, type PermissionPrompts } from "../tools/permission-prompts.js";
import { createAuthorizer, createPermissions, type Permissions } from "../tools/permissions.js";
import { createToolRegistry, type ToolRegistry } from "../tools/registry.js";
import type { Tool } from "../tools/types.js";
import { splitStableMarkdown } from "../ui/markdown/split.js";
import { errorText } from "../utils/errors.js";
import type { WrenPaths } from "../utils/paths.js";
import { createStore, type Store } from "../utils/store.js";
import type { SessionSettings } from "./app.js";
import { createTranscript, type Transcript } from "./transcript.js";

const REPLAY_LIMIT = 40;

/** What the REPL is made of; `runRepl` renders it, tests drive it. */
export interface ReplServices {
  readonly permissions: Permissions;
  readonly prompts: PermissionPrompts;
  /** Loads what the first frame does not need: built-in tools, the system prompt. */
  loadLate(): Promise<void>;
  readonly settings: Store<SessionSettings>;
  readonly registry: CommandRegistry;
  readonly history: InputHistory;
  readonly transcript: Transcript;
  readonly conversation: Conversation;
  readonly chat: ChatControls;
  readonly tools: ToolRegistry;
  /** Adds text after wren's system prompt, read before each turn (MCP servers' instructions). */
  addSystemSection(section: () => string | undefined): void;
  readonly sessions: SessionStore;
  /** Who reads `@server:uri` mentions of a message before it is sent (MCP, once loaded). */
  setMentionReader(reader: MentionReader): void;
  close(): Promise<void>;
}

/** Reads a message's mentions: attachments for the model, notes for the user. */
export type MentionReader = NonNullable<ConversationOptions["attach"]>;

/** Inputs of `createReplServices`. */
export interface ReplServiceOptions {
  readonly paths: WrenPaths;
  readonly config: WrenConfig;
  readonly model?: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where OSC 52 clipboard sequences go. */
  readonly writeTerminal: (data: string) => void;
  /** Whether the folder's project config took effect (workspace trust), for `.trust`. */
  readonly projectTrusted?: boolean;
}

/**
 * A model whose provider code loads on the first message, not at startup: the AI SDK is
 * the heaviest dependency wren has.
 */
export function lazyChatModel(id: string, config: WrenConfig, env: NodeJS.ProcessEnv): ChatModel {
  let model: ChatModel | undefined;
  return {
    id,
    async *stream(request: ModelRequest): AsyncGenerator<ModelEvent> {
      if (!model) {
        const { createChatModel } = await import("../provider/index.js");
        model = createChatModel(id, config, { env });
      }
      yield* model.stream(request);
    },
  };
}

/** What a turn runs with besides MCP: the built-in tools and the system prompt. */
export interface AgentSetup {
  readonly builtins: readonly Tool[];
  readonly system: string;
}

/**
 * Loads the built-in tools and the system prompt (AGENTS.md, cwd, OS, date, git status). The
 * REPL (after its first frame) and print mode both call this, so they offer the model the same.
 */
export async function loadAgentSetup(
  paths: WrenPaths,
  env: NodeJS.ProcessEnv,
): Promise<AgentSetup> {
  const [{ createBuiltinTools }, { loadSystemPrompt }] = await Promise.all([
    import("../tools/builtin/index.js"),
    import("../agent/instructions.js"),
  ]);
  return {
    builtins: createBuiltinTools({ project: paths.project, env }),
    system: await loadSystemPrompt({ paths }),
  };
}

/**
 * The transcript items of stored messages, as the live turn showed them: answers, tool lines
 * (status and result; durations are not stored) and "interrupted" where the user pressed Esc.
 */
export function replayItems(
  messages: readonly ChatMessage[],
  findTool: (name: string) => Tool | undefined,
): FinishedItem[] {
  const items: FinishedItem[] = [];
  const calls = new Map<string, ToolCall>();
  const interrupted = (): void => {
    items.push({ kind: "note", text: "interrupted" });
  };
  // An answer cut off while it asked for tools: the marker follows their (cancelled) lines.
  let interruptedAfterTools = false;
  for (const message of messages) {
    if (message.role === "user") {
      items.push({ kind: "user", text: message.text });
      continue;
    }
    if (message.role === "assistant") {
      const text = message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
      if (text) items.push({ kind: "assistant-text", text });
      let asked = false;
      for (const part of message.parts) {
        if (part.type !== "tool-call") continue;
        calls.set(part.id, part);
        asked = true;
      }
      if (message.interrupted && asked) interruptedAfterTools = true;
      else if (message.interrupted) interrupted();
      continue;
    }
    for (const result of message.results) {
      const call = calls.get(result.callId);
      const input = call?.input ?? {};
      items.push({
        kind: "tool",
        call: {
          id: result.callId,
          name: result.name,
          summary: summarizeToolCall(findTool(result.name), input),
          input,
          status: result.outcome.status,
          outcome: result.outcome,
        },
      });
    }
    // Esc while tools ran: their results are "cancelled" though the answer itself was whole.
    if (interruptedAfterTools || message.results.some((r) => r.outcome.status === "cancelled")) {
      interrupted();
      interruptedAfterTools = false;
    }
  }
  if (interruptedAfterTools) interrupted();
  return items;
}

/** Wires history, commands, transcript, sessions and the conversation together. */
export async function createReplServices(options: ReplServiceOptions): Promise<ReplServices> {
  const { paths, config, env } = options;
  const history = await openInputHistory(paths.history);
  const transcript = createTranscript();
  const settings = createStore<SessionSettings>({
    ...((options.model ?? config.model) !== undefined && { model: options.model ?? config.model }),
    display: config.display,
  });
  const tools = createToolRegistry();
  // Models named in settings, plus whatever `.model` has listed: Tab completes from these.
  let knownModels = Object.entries(config.providers).flatMap(([provider, p]) =>
    (p.models ?? []).map((m) => `${provider}/${m}`),
  );
  const sessions = createSessionStore(paths);
  const permissions = createPermissions({
    project: paths.project,
    allow: config.permissions.allow,
    deny: config.permissions.deny,
  });
  const prompts = createPermissionPrompts();
  let systemPrompt: string | undefined;
  const sections: (() => string | undefined)[] = [];
  // Built-in tools (and their zod schemas) load after the first frame; see loadLate().
  let builtins: readonly Tool[] = [];
  tools.addSource(() => builtins);
  let late: Promise<void> | undefined;
  const loadLate = (): Promise<void> => {
    late ??= (async () => {
      const setup = await loadAgentSetup(paths, env);
      builtins = setup.builtins;
      systemPrompt = setup.system;
    })();
    return late;
  };
  let model: ChatModel | undefined;
  // `@server:uri` mentions are read by MCP, which loads after the first frame (run-repl sets it).
  let mentionReader: MentionReader | undefined;
  const conversation = createConversation({
    attach: async (text, signal) => {
      if (!mentionReader || !text.includes("@")) return { attachments: [], notes: [] };
      try {
        return await mentionReader(text, signal);
      } catch (error) {
        return { attachments: [], notes: [`could not read @ mentions: ${errorText(error)}`] };
      }
    },
    model: () => {
      const id = settings.getSnapshot().model;
      if (!id) throw new Error("no model configured (.model PROVIDER/MODEL sets one)");
      if (model?.id !== id) model = lazyChatModel(id, config, env);
      return model;
    },
    tools,
    sessions,
    onFinished: (item) => transcript.append({ kind: "chat", item }),
    splitStable: splitStableMarkdown,
    system: () =>
      systemPrompt === undefined
        ? undefined
        : [systemPrompt, ...sections.flatMap((s) => s() ?? [])].join("\n\n"),
    beforeTurn: () => loadLate(),
    authorize: createAuthorizer(permissions, (request, signal) => prompts.ask(request, signal)),
  });
  const chat: ChatControls = {
    conversation,
    model: () => settings.getSnapshot().model,
    price() {
      const id = settings.getSnapshot().model;
      const slash = id?.indexOf("/") ?? -1;
      if (!id || slash < 0) return undefined;
      return config.providers[id.slice(0, slash)]?.prices?.[id.slice(slash + 1)];
    },
    async setModel(id) {
      settings.update((s) => ({ ...s, model: id }));
      await updateJsonFile(paths.userSettings, ["model"], id);
    },
    async modelProblem(id) {
      const [{ resolveModel }, { ProviderError }] = await Promise.all([
        import("../provider/resolve.js"),
        import("../provider/types.js"),
      ]);
      try {
        resolveModel(id, config, env);
        return undefined;
      } catch (error) {
        if (error instanceof ProviderError) return error.message;
        throw error;
      }
    },
    display: () => settings.getSnapshot().display,
    async setDisplay(mode) {
      settings.update((s) => ({ ...s, display: mode }));
      await updateJsonFile(paths.userSettings, ["display"], mode);
    },
    copy(text) {
      options.writeTerminal(`\u001b]52;c;${Buffer.from(text, "utf8").toString("base64")}\u0007`);
    },
    replay(messages) {
      // The last messages are enough to pick up the thread; drawing thousands of lines would
      // delay the first frame. The model still gets the whole conversation.
      const shown = messages.slice(-REPLAY_LIMIT);
      if (shown.length < messages.length) {
        transcript.notice(
          `⋯ ${messages.length - shown.length} earlier messages not shown (the model still has them)`,
          "dim",
        );
      }
      for (const item of replayItems(shown, (name) => tools.find(name))) {
        transcript.append({ kind: "chat", item });
      }
    },
  };
  const registry = builtinCommands({
    sessions,
    async listModels(provider) {
      const { listModels } = await import("../provider/index.js");
      const models = await listModels(provider, config, { env });
      knownModels = [...new Set([...knownModels, ...models.map((m) => `${provider}/${m.id}`)])];
      return models.map((m) => m.id);
    },
    knownModels: () => knownModels,
    trust: {
      inForce: () => options.projectTrusted === true,
      ...(env.HOME !== undefined && { userHome: env.HOME }),
    },
  });
  return {
    permissions,
    prompts,
    loadLate,
    settings,
    registry,
    history,
    transcript,
    conversation,
    chat,
    tools,
    addSystemSection: (section) => void sections.push(section),
    sessions,
    setMentionReader(reader) {
      mentionReader = reader;
    },
    async close() {
      await Promise.all([conversation.close(), history.flush()]);
    },
  };
}
