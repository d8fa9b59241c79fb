/** One piece of a tool result, in the shape model providers accept. */
export type ToolContentPart = (
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "image"; readonly data: string; readonly mimeType: string }
) & {
  /** `user`: the server addressed it to the user only (MCP annotations); the model does not get it. */
  readonly audience?: "user";
};

/** Progress reported by a running tool (MCP progress notifications, command output). */
export interface ToolProgress {
  readonly progress?: number;
  readonly total?: number;
  readonly message?: string;
}

/** What a tool call produced: a value, never a thrown error, so the model can react to it. */
export type ToolOutcome =
  | {
      readonly status: "ok";
      readonly content: readonly ToolContentPart[];
      /** Machine-readable result (MCP `structuredContent`), when the tool gives one. */
      readonly structured?: unknown;
    }
  | {
      readonly status: "error";
      readonly message: string;
      readonly content?: readonly ToolContentPart[];
      /**
       * Who failed: the tool (its error result, or its server's error answer to the call), or
       * wren's client on the way (no connection, no answer, an answer it could not use).
       * Absent: the tool.
       */
      readonly source?: "tool" | "client";
    }
  | {
      readonly status: "denied";
      readonly reason: string;
      /**
       * Who denied it: a permission rule (named in `rule`), the user, or a mode that cannot
       * ask (print mode). Absent in sessions saved before wren said: read as the user.
       */
      readonly by?: "rule" | "user" | "no-prompt";
      readonly rule?: string;
    }
  | { readonly status: "cancelled" };

/** What a running tool may use from its caller. */
export interface ToolContext {
  /** Aborted when the user presses Esc or the turn ends. */
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: ToolProgress) => void;
}

/** How a tool affects the machine; decides whether it asks for permission. */
export type ToolEffect = "read" | "write" | "execute" | "external";

/** What a call would do, shown in the permission prompt before the user decides. */
export type ToolPreview =
  | {
      readonly kind: "diff";
      /** The file as the user knows it (relative to the project when inside it). */
      readonly path: string;
      /** Current content; "" when the file does not exist yet. */
      readonly before: string;
      readonly after: string;
      readonly created: boolean;
    }
  | { readonly kind: "command"; readonly command: string; readonly cwd: string };

/** What a call touches, for permission rules (`write_file(src/**)`, `run_command(git status)`). */
export interface ToolAccess {
  /** Paths as the call names them: relative to the project, or absolute. */
  readonly paths: readonly string[];
  /** The exact command line, for tools that run one. */
  readonly command?: string;
}

/** A tool the model can call: built-in tools and MCP tools share this interface. */
export interface Tool {
  /** Name the model sees: `[A-Za-z0-9_-]{1,64}`. */
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments object. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
  readonly effect: ToolEffect;
  /** Where the tool comes from, e.g. `builtin` or `mcp:github`. */
  readonly origin: string;
  /** One-line summary of a call's arguments, for the transcript. */
  summarize?(args: unknown): string;
  /** What the call touches; `null` when the arguments are invalid (the tool will refuse them). */
  access?(args: unknown): ToolAccess | null;
  /** What the call would change, for the permission prompt; undefined when it would fail. */
  preview?(args: unknown, signal?: AbortSignal): Promise<ToolPreview | undefined>;
  execute(args: unknown, context: ToolContext): Promise<ToolOutcome>;
}
