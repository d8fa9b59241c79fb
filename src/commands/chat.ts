import { EmptySummaryError } from "../agent/compact.js";
import { ConversationBusyError } from "../agent/conversation.js";
import { estimateCost } from "../provider/cost.js";
import { formatCost, formatDuration, formatTokens } from "../utils/format.js";
import { type Command, type CommandContext, type CommandResult, textResult } from "./types.js";

const NO_CHAT = textResult("the chat is not available here", "error");

function chatOf(context: CommandContext) {
  return context.chat;
}

/** `.new`: start a fresh conversation and session. */
export const newCommand: Command = {
  name: "new",
  aliases: ["clear"],
  summary: "start a new conversation (the current one stays in .sessions)",
  async run(_args, context) {
    const chat = chatOf(context);
    if (!chat) return NO_CHAT;
    await chat.conversation.reset();
    return { clear: true, ...textResult("new conversation", "dim") };
  },
};

/** `.retry`: regenerate the last answer. */
export const retryCommand: Command = {
  name: "retry",
  summary: "regenerate the last answer",
  run(_args, context) {
    const chat = chatOf(context);
    if (!chat) return NO_CHAT;
    if (chat.conversation.getSnapshot().running)
      return textResult("wait for the answer to finish, or press Esc", "warning");
    return chat.conversation.retry() ? {} : textResult("nothing to retry yet", "warning");
  },
};

/** `.copy`: copy the last answer to the clipboard. */
export const copyCommand: Command = {
  name: "copy",
  summary: "copy the last answer to the clipboard (OSC 52, works over SSH)",
  run(_args, context) {
    const chat = chatOf(context);
    if (!chat) return NO_CHAT;
    const answer = chat.conversation.lastAnswer();
    if (!answer) return textResult("no answer to copy yet", "warning");
    chat.copy(answer);
    return textResult(`copied ${answer.length} characters`, "success");
  },
};

/** `.usage`: tokens of the last turn and the session. */
export const usageCommand: Command = {
  name: "usage",
  aliases: ["cost"],
  summary: "token usage of the last turn and this session",
  run(_args, context) {
    const chat = chatOf(context);
    if (!chat) return NO_CHAT;
    const { lastTurn, session } = chat.conversation.getSnapshot().usage;
    const price = chat.price();
    const row = (name: string, u: typeof session): string[] => [
      name,
      formatTokens(u.inputTokens),
      formatTokens(u.cachedInputTokens),
      formatTokens(u.outputTokens),
      ...(price ? [formatCost(estimateCost(u, price) ?? 0)] : []),
    ];
    return {
      output: [
        {
          kind: "table",
          columns: ["", "input", "cached", "output", ...(price ? ["cost"] : [])],
          rows: [row("last turn", lastTurn), row("session", session)],
        },
        ...(price
          ? []
          : [
              {
                kind: "text" as const,
                tone: "dim" as const,
                text: "cost: add providers.PROVIDER.prices.MODEL { inputPerMTok, outputPerMTok } to settings to see it",
              },
            ]),
      ],
    };
  },
};

const DISPLAY_MODES = ["zen", "standard", "developer"] as const;

/** `.display zen|standard|developer`. */
export const displayCommand: Command = {
  name: "display",
  summary: "how much to show: zen, standard or developer (raw tool data, tokens, timings)",
  usage: "zen|standard|developer",
  complete: (words) => (words.length === 0 ? DISPLAY_MODES : []),
  async run(args, context) {
    const chat = chatOf(context);
    if (!chat) return NO_CHAT;
    if (!args) return textResult(`display: ${chat.display()} (choose zen, standard or developer)`);
    const mode = DISPLAY_MODES.find((m) => m === args);
    if (!mode)
      return textResult(
        `unknown display mode "${args}": choose zen, standard or developer`,
        "error",
      );
    await chat.setDisplay(mode);
    return textResult(`display: ${mode}`, "success");
  },
};

/** `.sessions` lists this project's sessions; `.sessions ID` resumes one. */
export function sessionsCommand(
  list: () => Promise<
    readonly { id: string; updated: Date; title: string; messageCount: number }[]
  >,
): Command {
  return {
    name: "sessions",
    aliases: ["resume"],
    summary: "list this directory's sessions, or resume one: .sessions ID",
    usage: "[ID]",
    async run(args, context): Promise<CommandResult> {
      const chat = chatOf(context);
      if (!chat) return NO_CHAT;
      if (!args) {
        const sessions = await list();
        if (sessions.length === 0) return textResult("no sessions yet in this directory", "dim");
        return {
          output: [
            {
              kind: "table",
              columns: ["id", "updated", "messages", "first message"],
              rows: sessions
                .slice(0, 20)
                .map((s) => [
                  s.id.slice(0, 8),
                  `${formatDuration(Date.now() - s.updated.getTime())} ago`,
                  String(s.messageCount),
                  s.title,
                ]),
            },
            { kind: "text", tone: "dim", text: "resume with .sessions ID (a prefix is enough)" },
          ],
        };
      }
      if (chat.conversation.getSnapshot().running)
        return textResult("wait for the answer to finish, or press Esc", "warning");
      const resumed = await chat.conversation.resume(args);
      chat.replay(resumed.messages);
      return textResult(
        `resumed session ${resumed.id.slice(0, 8)} (${resumed.messages.length} messages)`,
        "success",
      );
    },
  };
}

/** `.model` lists models of the current provider; `.model provider/model` switches. */
export function modelCommand(options: {
  listModels: (provider: string) => Promise<readonly string[]>;
  knownModels: () => readonly string[];
}): Command {
  return {
    name: "model",
    summary: "show or switch the model: .model provider/model (saved to your settings)",
    usage: "[PROVIDER/MODEL]",
    complete: (words) => (words.length === 0 ? options.knownModels() : []),
    async run(args, context) {
      const chat = chatOf(context);
      if (!chat) return NO_CHAT;
      if (args) {
        if (!/^[^/\s]+\/\S+$/.test(args))
          return textResult(`expected provider/model, for example ollama/qwen3:8b`, "error");
        await chat.setModel(args);
        // Said now, not on the next message: the switch is saved either way.
        const problem = await chat.modelProblem(args);
        if (problem) return textResult(`model: ${args} — but ${problem}`, "warning");
        return textResult(`model: ${args}`, "success");
      }
      const current = chat.model();
      if (!current)
        return textResult("no model configured: .model provider/model sets one", "warning");
      const provider = current.split("/")[0] ?? "";
      const models = await options.listModels(provider);
      return {
        output: [
          { kind: "text", text: `model: ${current}` },
          ...(models.length > 0
            ? [
                {
                  kind: "text" as const,
                  tone: "dim" as const,
                  text: `${provider} offers: ${models.slice(0, 40).join(", ")}${models.length > 40 ? ", …" : ""}`,
                },
              ]
            : []),
        ],
      };
    },
  };
}

/** `/compact`: the model summarises the conversation, and the summary replaces it. */
export const compactCommand: Command = {
  name: "compact",
  summary:
    "summarise the conversation with the model and continue from the summary (frees context)",
  async run(_args, context) {
    const chat = chatOf(context);
    if (!chat) return NO_CHAT;
    if (chat.conversation.messages().length === 0)
      return textResult("nothing to compact yet", "dim");
    if (!chat.model())
      return textResult("no model configured: .model provider/model sets one", "warning");
    context.progress?.("summarising the conversation…");
    try {
      const { replaced } = await chat.conversation.compact(context.signal);
      return textResult(
        `compacted: ${replaced} messages replaced by the model's summary (the transcript above stays on screen)`,
        "success",
      );
    } catch (error) {
      if (context.signal.aborted) return textResult("compact cancelled; nothing changed", "dim");
      if (error instanceof ConversationBusyError)
        return textResult("wait for the answer to finish, or press Esc", "warning");
      if (error instanceof EmptySummaryError)
        return textResult(`compact failed: ${error.message}; nothing changed`, "error");
      throw error;
    } finally {
      context.progress?.(undefined);
    }
  },
};
