import { Box, Static, Text, useApp, useStdout } from "ink";
import Spinner from "ink-spinner";
import { type ReactElement, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { Conversation } from "../agent/conversation.js";
import type { CommandRegistry } from "../commands/registry.js";
import type { ChatControls, CommandContext, CommandOutput, OutputTone } from "../commands/types.js";
import type { DisplayMode, WrenConfig } from "../config/load.js";
import type { McpManager } from "../mcp/manager.js";
import { estimateCost } from "../provider/cost.js";
import type { InputHistory } from "../session/history.js";
import { ChatItemView, LiveTurnView, type MarkdownRenderer } from "../ui/chat-view.js";
import { completeMention, type MentionCompletionSource } from "../ui/mention-complete.js";
import { PromptInput } from "../ui/prompt-input.js";
import { errorText } from "../utils/errors.js";
import { formatCost, formatTokens } from "../utils/format.js";
import type { WrenPaths } from "../utils/paths.js";
import type { Store } from "../utils/store.js";
import { safeLine, safeText } from "../utils/terminal-text.js";
import { VERSION } from "../version.js";
import type { Transcript, TranscriptItem } from "./transcript.js";

/** Settings the user can change while the REPL runs. */
export interface SessionSettings {
  readonly model?: string;
  readonly display: DisplayMode;
}

/** Everything the REPL shell needs, created by `runRepl`. */
export interface AppProps {
  readonly paths: WrenPaths;
  readonly config: () => WrenConfig;
  readonly settings: Store<SessionSettings>;
  readonly registry: CommandRegistry;
  readonly history: InputHistory;
  readonly transcript: Transcript;
  readonly conversation: Conversation;
  readonly chat: ChatControls;
  /** Extra services for commands (`mcp`, ...). */
  readonly services?: Partial<Pick<CommandContext, "mcp" | "loadMcp" | "askFields">>;
  /** Renders assistant markdown. */
  readonly Markdown?: MarkdownRenderer;
  /** Shortens paths under the user's home directory for display. */
  readonly displayPath: (path: string) => string;
  /** Rendered below the input (MCP footer, prompts). */
  readonly footer?: ReactElement;
  /** False while a modal (elicitation, sign-in) owns the keyboard. */
  readonly inputActive?: boolean;
}

const TONE_COLORS: Record<OutputTone, string | undefined> = {
  normal: undefined,
  dim: "gray",
  success: "green",
  warning: "yellow",
  error: "red",
};

/** The REPL: header and transcript, the live turn, the input line, and a footer. */
export function App(props: AppProps): ReactElement {
  const { exit } = useApp();
  const items = useSyncExternalStore(props.transcript.subscribe, props.transcript.getSnapshot);
  const settings = useSyncExternalStore(props.settings.subscribe, props.settings.getSnapshot);
  const chat = useSyncExternalStore(props.conversation.subscribe, props.conversation.getSnapshot);
  const running = useRef<AbortController | null>(null);
  // What a command is waiting for ("loading MCP servers…"), shown with a spinner.
  const [progress, setProgress] = useState<string | undefined>(undefined);
  // Leaving takes one more commit, so the last frame has no input line and no "press Ctrl+C
  // again" hint left behind on the screen.
  const [leaving, setLeaving] = useState(false);
  useEffect(() => {
    if (leaving) exit();
  }, [leaving, exit]);
  // Finished items are drawn once and never again, so they take the width of the moment
  // instead of each following resizes (one listener per item).
  const columns = useStdout().stdout.columns || 80;

  const context = (signal: AbortSignal): CommandContext => ({
    paths: props.paths,
    config: props.config,
    signal,
    chat: props.chat,
    progress: setProgress,
    ...props.services,
  });

  const handleSubmit = async (input: string): Promise<void> => {
    const { transcript, registry } = props;
    const text = input.trimEnd();
    void props.history.add(text).catch((error: unknown) => {
      transcript.notice(`could not save input history: ${errorText(error)}`, "warning");
    });
    const parsed = registry.parse(text);
    if (parsed.kind === "unknown") {
      transcript.append({ kind: "user", text });
      const hint = parsed.suggestion ? ` — did you mean .${parsed.suggestion}?` : "";
      transcript.notice(
        `unknown command .${parsed.name}${hint} (.help lists commands; start with a space to send it as a message)`,
        "error",
      );
      return;
    }
    if (parsed.kind === "message") {
      if (!props.settings.getSnapshot().model) {
        transcript.append({ kind: "user", text });
        transcript.notice(noModelMessage(props), "warning");
        return;
      }
      props.conversation.send(parsed.text.trim());
      return;
    }
    transcript.append({ kind: "user", text });
    const controller = new AbortController();
    running.current = controller;
    try {
      const result = await parsed.command.run(parsed.args, context(controller.signal));
      for (const output of result.output ?? []) transcript.append({ kind: "output", output });
      if (result.exit) setLeaving(true);
    } catch (error) {
      transcript.notice(`.${parsed.command.name} failed: ${errorText(error)}`, "error");
    } finally {
      if (running.current === controller) running.current = null;
    }
  };

  const onEscape = (): void => {
    if (props.conversation.getSnapshot().running) props.conversation.interrupt();
    running.current?.abort();
  };

  const usage = chat.usage.session;
  const price = props.chat.price();
  const cost =
    price && usage.inputTokens + usage.outputTokens > 0 ? estimateCost(usage, price) : undefined;
  return (
    <Box flexDirection="column">
      <Static items={items as TranscriptItem[]}>
        {(item) => (
          <TranscriptEntry
            key={item.id}
            item={item}
            app={props}
            model={settings.model}
            display={settings.display}
            columns={columns}
          />
        )}
      </Static>
      <LiveTurnView
        live={chat.live}
        queue={chat.queue}
        display={settings.display}
        {...(props.Markdown && { Markdown: props.Markdown })}
      />
      {progress !== undefined && (
        <Text color="cyan">
          <Spinner type="dots" /> <Text dimColor>{progress}</Text>
        </Text>
      )}
      <Box marginTop={1} flexDirection="column">
        {!leaving && (
          <PromptInput
            history={props.history.entries}
            placeholder={
              chat.running
                ? "Type to queue a message · Esc to interrupt"
                : "Ask anything, or .help for commands"
            }
            onSubmit={(text) => void handleSubmit(text)}
            onComplete={(text) =>
              completeMention(text, mentionSource(props.services?.mcp)) ??
              props.registry.complete(text, context(new AbortController().signal))
            }
            onEscape={onEscape}
            onSendNow={() => props.conversation.sendNow()}
            onEmptyUp={() => props.conversation.unqueueLast()}
            onDiscard={(text) => void props.history.add(text).catch(() => {})}
            onExit={() => setLeaving(true)}
            isActive={props.inputActive ?? true}
          />
        )}
      </Box>
      {props.footer}
      <Text dimColor>
        {safeLine(props.displayPath(props.paths.project))} ·{" "}
        {safeLine(settings.model ?? "no model configured")}
        {usage.inputTokens + usage.outputTokens > 0 &&
          ` · ${formatTokens(usage.inputTokens)} in / ${formatTokens(usage.outputTokens)} out`}
        {cost !== undefined && ` · ${formatCost(cost)}`}
        {settings.display !== "standard" && ` · ${settings.display}`}
      </Text>
    </Box>
  );
}

// Notices and command output carry foreign text (server names, tool descriptions, error
// messages, config values): every string passes the terminal-text sanitizer here, the one
// place the transcript turns them into frames, before wren's colours are applied.
function TranscriptEntry(props: {
  item: TranscriptItem;
  app: AppProps;
  model: string | undefined;
  display: DisplayMode;
  columns: number;
}): ReactElement | null {
  const { item, app } = props;
  switch (item.kind) {
    case "header":
      return (
        // flex-start: the box fits its own lines, not the widest item drawn with it (a warning).
        <Box
          flexDirection="column"
          borderStyle="round"
          borderColor="cyan"
          paddingX={1}
          alignSelf="flex-start"
        >
          <Text>
            <Text bold color="cyan">
              wren
            </Text>{" "}
            <Text dimColor>v{VERSION}</Text>
          </Text>
          <Text dimColor>cwd: {safeLine(app.displayPath(app.paths.project))}</Text>
          <Text dimColor>model: {safeLine(props.model ?? "no model configured")}</Text>
        </Box>
      );
    case "user":
      return <ChatItemView item={{ kind: "user", text: item.text }} display={props.display} />;
    case "notice":
      return <Text color={TONE_COLORS[item.tone]}>{safeText(item.text)}</Text>;
    case "output":
      return <OutputView output={item.output} />;
    case "chat":
      return (
        <ChatItemView
          item={item.item}
          display={props.display}
          width={props.columns}
          {...(app.Markdown && { Markdown: app.Markdown })}
        />
      );
  }
}

function OutputView(props: { output: CommandOutput }): ReactElement {
  const { output } = props;
  if (output.kind === "text") {
    return <Text color={TONE_COLORS[output.tone ?? "normal"]}>{safeText(output.text)}</Text>;
  }
  const rows = output.rows.map((row) => row.map(safeLine));
  const widths = output.columns.map((column, i) =>
    Math.max(column.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const format = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return (
    <Box flexDirection="column">
      <Text bold>{format(output.columns)}</Text>
      {rows.map((row) => (
        <Text key={row.join("\u0000")}>{format(row)}</Text>
      ))}
    </Box>
  );
}

/** What `@` completes from: the servers' resource lists, and their argument completions. */
function mentionSource(mcp: McpManager | undefined): MentionCompletionSource {
  return {
    catalog: () => mcp?.resources.getSnapshot() ?? [],
    ...(mcp && {
      completeArgument: async (server, template, argument, value) => {
        const connection = await mcp.connection(server);
        return (await connection.resources?.complete(template, argument, value)) ?? [];
      },
    }),
  };
}

function noModelMessage(props: AppProps): string {
  return [
    "No model configured. Add a model and its provider to",
    `${props.displayPath(props.paths.userSettings)}, for example:`,
    '  "model": "ollama/qwen3:8b",',
    '  "providers": { "ollama": { "type": "openai-compatible", "baseURL": "http://localhost:11434/v1" } }',
    "or start wren with --model PROVIDER/MODEL, or switch with .model PROVIDER/MODEL.",
  ].join("\n");
}
