import { Box, Static, Text, useApp } from "ink";
import { type ReactElement, useRef, useSyncExternalStore } from "react";
import type { CommandRegistry } from "../commands/registry.js";
import type { CommandContext, CommandOutput, OutputTone } from "../commands/types.js";
import type { WrenConfig } from "../config/load.js";
import type { InputHistory } from "../session/history.js";
import { PromptInput } from "../ui/prompt-input.js";
import type { WrenPaths } from "../utils/paths.js";
import { VERSION } from "../version.js";
import type { Transcript, TranscriptItem } from "./transcript.js";

/** Everything the REPL shell needs, created by `runRepl`. */
export interface AppProps {
  readonly paths: WrenPaths;
  readonly config: () => WrenConfig;
  /** The model in force (`--model` over settings), if any. */
  readonly model?: string;
  readonly registry: CommandRegistry;
  readonly history: InputHistory;
  readonly transcript: Transcript;
  /** Shortens paths under the user's home directory for display. */
  readonly displayPath: (path: string) => string;
}

const TONE_COLORS: Record<OutputTone, string | undefined> = {
  normal: undefined,
  dim: "gray",
  success: "green",
  warning: "yellow",
  error: "red",
};

/** The REPL shell: header and transcript, the input line, and a footer. */
export function App(props: AppProps): ReactElement {
  const { exit } = useApp();
  const items = useSyncExternalStore(props.transcript.subscribe, props.transcript.getSnapshot);
  const running = useRef<AbortController | null>(null);

  const context = (signal: AbortSignal): CommandContext => ({
    paths: props.paths,
    config: props.config,
    signal,
  });

  const handleSubmit = async (input: string): Promise<void> => {
    const { transcript, registry } = props;
    const text = input.trimEnd();
    void props.history.add(text).catch((error: unknown) => {
      transcript.notice(`could not save input history: ${errorText(error)}`, "warning");
    });
    const parsed = registry.parse(text);
    if (parsed.kind === "unknown") {
      const hint = parsed.suggestion ? ` — did you mean .${parsed.suggestion}?` : "";
      transcript.append({ kind: "user", text });
      transcript.notice(
        `unknown command .${parsed.name}${hint} (.help lists commands; start with a space to send it as a message)`,
        "error",
      );
      return;
    }
    if (parsed.kind === "message") {
      transcript.append({ kind: "user", text });
      transcript.notice(noChatMessage(props), "warning");
      return;
    }
    transcript.append({ kind: "user", text });
    const controller = new AbortController();
    running.current = controller;
    try {
      const result = await parsed.command.run(parsed.args, context(controller.signal));
      for (const output of result.output ?? []) transcript.append({ kind: "output", output });
      if (result.exit) exit();
    } catch (error) {
      transcript.notice(`.${parsed.command.name} failed: ${errorText(error)}`, "error");
    } finally {
      if (running.current === controller) running.current = null;
    }
  };

  return (
    <Box flexDirection="column">
      <Static items={items as TranscriptItem[]}>
        {(item) => <TranscriptEntry key={item.id} item={item} app={props} />}
      </Static>
      <Box marginTop={1} flexDirection="column">
        <PromptInput
          history={props.history.entries}
          placeholder="Ask anything, or .help for commands"
          onSubmit={(text) => void handleSubmit(text)}
          onComplete={(text) =>
            props.registry.complete(text, context(new AbortController().signal))
          }
          onEscape={() => running.current?.abort()}
          onDiscard={(text) => void props.history.add(text).catch(() => {})}
          onExit={exit}
        />
      </Box>
      <Text dimColor>
        {props.displayPath(props.paths.project)} · {props.model ?? "no model configured"}
      </Text>
    </Box>
  );
}

function TranscriptEntry(props: { item: TranscriptItem; app: AppProps }): ReactElement {
  const { item, app } = props;
  switch (item.kind) {
    case "header":
      return (
        <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
          <Text>
            <Text bold color="cyan">
              wren
            </Text>{" "}
            <Text dimColor>v{VERSION}</Text>
          </Text>
          <Text dimColor>cwd: {app.displayPath(app.paths.project)}</Text>
          <Text dimColor>model: {app.model ?? "no model configured"}</Text>
        </Box>
      );
    case "user":
      return (
        <Box marginTop={1}>
          <Text color="cyan">› </Text>
          <Text>{item.text}</Text>
        </Box>
      );
    case "notice":
      return <Text color={TONE_COLORS[item.tone]}>{item.text}</Text>;
    case "output":
      return <OutputView output={item.output} />;
  }
}

function OutputView(props: { output: CommandOutput }): ReactElement {
  const { output } = props;
  if (output.kind === "text") {
    return <Text color={TONE_COLORS[output.tone ?? "normal"]}>{output.text}</Text>;
  }
  const widths = output.columns.map((column, i) =>
    Math.max(column.length, ...output.rows.map((row) => (row[i] ?? "").length)),
  );
  const format = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return (
    <Box flexDirection="column">
      <Text bold>{format(output.columns)}</Text>
      {output.rows.map((row) => (
        <Text key={row.join("\u0000")}>{format(row)}</Text>
      ))}
    </Box>
  );
}

function noChatMessage(props: AppProps): string {
  if (props.model) {
    return `Chatting with ${props.model} is not available yet in this build of wren; commands (.help) work.`;
  }
  return [
    "No model configured. Add a model and its provider to",
    `${props.displayPath(props.paths.userSettings)}, for example:`,
    '  "model": "ollama/qwen3:8b",',
    '  "providers": { "ollama": { "type": "openai-compatible", "baseURL": "http://localhost:11434/v1" } }',
    "or start wren with --model PROVIDER/MODEL.",
  ].join("\n");
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
