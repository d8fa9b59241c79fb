import type { Conversation } from "../agent/conversation.js";
import type { DisplayMode, WrenConfig } from "../config/load.js";
import type { McpManager } from "../mcp/manager.js";
import type { ChatMessage } from "../messages.js";
import type { ModelPrice } from "../provider/cost.js";
import type { WrenPaths } from "../utils/paths.js";

/** How a line of command output should look. */
export type OutputTone = "normal" | "dim" | "success" | "warning" | "error";

/** Output a command hands back to whoever shows it (the REPL transcript or stdout). */
export type CommandOutput =
  | { readonly kind: "text"; readonly text: string; readonly tone?: OutputTone }
  | {
      readonly kind: "table";
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
    };

/** What a command returns; commands never render anything themselves. */
export interface CommandResult {
  readonly output?: readonly CommandOutput[];
  /** Ask the REPL to exit after showing the output. */
  readonly exit?: boolean;
  /** Ask the REPL to clear the conversation (`.new`). */
  readonly clear?: boolean;
}

/** What a command handler may use. Features add their services here as they land. */
export interface CommandContext {
  readonly paths: WrenPaths;
  /** The configuration in force (the last good one). */
  readonly config: () => WrenConfig;
  /** Aborted when the user presses Esc while the command runs. */
  readonly signal: AbortSignal;
  /** The MCP servers of this session (`.mcp`); absent where MCP is not wired in or still loading. */
  readonly mcp?: McpManager;
  /**
   * Resolves with the MCP servers once they have loaded (MCP loads after the first frame);
   * undefined when no server is configured; rejects when MCP could not start.
   */
  readonly loadMcp?: () => Promise<McpManager | undefined>;
  /** Shows a line with a spinner while the command waits (`undefined` removes it). */
  readonly progress?: (text: string | undefined) => void;
  /** The chat (`.new`, `.retry`, `.model` ...); absent outside the REPL. */
  readonly chat?: ChatControls;
  /**
   * Asks the user to fill in text fields (a prompt's missing arguments) in a form; resolves
   * with the values, or undefined when they declined. Absent where nobody can be asked.
   */
  readonly askFields?: (
    request: FieldsRequest,
    signal: AbortSignal,
  ) => Promise<Record<string, string> | undefined>;
}

/** A small form of text fields, shown like a server's elicitation form. */
export interface FieldsRequest {
  /** Who asks (the MCP server). */
  readonly source: string;
  readonly message: string;
  readonly fields: readonly {
    readonly name: string;
    readonly description?: string;
    readonly required: boolean;
  }[];
}

/** One REPL command, `.name args`. */
export interface Command {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** One line for `.help`. */
  readonly summary: string;
  /** Argument synopsis for `.help NAME`, e.g. `auth|logout|tools NAME`. */
  readonly usage?: string;
  /** Candidates for the argument being typed; `words` are the arguments typed so far. */
  complete?(words: readonly string[], context: CommandContext): readonly string[];
  /** Like `complete`, for candidates that take a round trip (an MCP server's suggestions). */
  completeAsync?(
    words: readonly string[],
    typed: string,
    context: CommandContext,
  ): Promise<readonly string[]>;
  run(args: string, context: CommandContext): Promise<CommandResult> | CommandResult;
}

/** Shorthand for a result made of text lines in one tone. */
export function textResult(text: string, tone: OutputTone = "normal"): CommandResult {
  return { output: [{ kind: "text", text, tone }] };
}

/** What chat commands may change in the running REPL. */
export interface ChatControls {
  readonly conversation: Conversation;
  /** The model in force, `provider/model`. */
  model(): string | undefined;
  /** Its price from settings (`providers.P.prices.MODEL`), when known. */
  price(): ModelPrice | undefined;
  /** Switches the model for the next turns and saves it to the user settings. */
  setModel(id: string): Promise<void>;
  /** Why `id` cannot be used as things stand (no API key, unknown provider), if it cannot. */
  modelProblem(id: string): Promise<string | undefined>;
  display(): DisplayMode;
  /** Switches the display mode and saves it to the user settings. */
  setDisplay(mode: DisplayMode): Promise<void>;
  /** Puts text on the clipboard (OSC 52, so it works over SSH too). */
  copy(text: string): void;
  /** Shows a resumed session's messages again in the transcript. */
  replay(messages: readonly ChatMessage[]): void;
}
