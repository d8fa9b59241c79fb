import { z } from "zod";
import { errorText } from "../../utils/errors.js";
import type { Tool, ToolAccess, ToolOutcome } from "../types.js";

/** Sizes that keep a tool's result within a model's context. */
export interface BuiltinLimits {
  /** Characters of text one tool result hands to the model. */
  readonly maxOutputChars: number;
  /** Files larger than this are not read (read_file refuses, grep skips them). */
  readonly maxFileBytes: number;
  /** Lines read_file returns when no limit is given. */
  readonly readLines: number;
  /** Longer lines are cut in read_file and grep output. */
  readonly maxLineChars: number;
  /** Paths glob and list_dir return. */
  readonly maxEntries: number;
  /** Matching lines (or files) grep returns when no head_limit is given. */
  readonly grepResults: number;
  /** Files and directories one walk visits before it stops and says so. */
  readonly maxWalk: number;
  /** run_command's default and largest timeout. */
  readonly commandTimeoutMs: number;
  readonly maxCommandTimeoutMs: number;
}

/** Defaults sized for a model's context (~12k tokens of text per result). */
export const DEFAULT_LIMITS: BuiltinLimits = {
  maxOutputChars: 50_000,
  maxFileBytes: 10 * 1024 * 1024,
  readLines: 2000,
  maxLineChars: 2000,
  maxEntries: 1000,
  grepResults: 200,
  maxWalk: 100_000,
  commandTimeoutMs: 120_000,
  maxCommandTimeoutMs: 600_000,
};

/** Arguments that validated, or the error outcome telling the model what was wrong. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly outcome: ToolOutcome };

/** Validates a call's arguments; never throws. */
export function parseArgs<T>(schema: z.ZodType<T>, args: unknown): Parsed<T> {
  const result = schema.safeParse(args ?? {});
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join(".") : "arguments";
    return `${where}: ${issue.message}`;
  });
  return {
    ok: false,
    outcome: { status: "error", message: `invalid arguments: ${problems.join("; ")}` },
  };
}

/**
 * `access` for a tool whose `path` argument (the project when absent) is all it touches;
 * null when the arguments do not parse.
 */
function accessByPath(
  schema: z.ZodType<{ path?: string | undefined }>,
): (args: unknown) => ToolAccess | null {
  return (args) => {
    const parsed = schema.safeParse(args);
    return parsed.success ? { paths: [parsed.data.path ?? "."] } : null;
  };
}

/** The JSON Schema the model sees, derived from the schema that validates the call. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input" });
  return rest;
}

/**
 * What a built-in tool derives from the schema of its arguments: the JSON Schema the model
 * sees, and the transcript's one-line summary of a call ("(invalid arguments)" when they do
 * not validate).
 */
export function schemaFields<T>(
  schema: z.ZodType<T>,
  summary: (args: T) => string,
): Pick<Tool, "inputSchema" | "origin" | "summarize"> {
  return {
    inputSchema: jsonSchemaOf(schema),
    origin: "builtin",
    summarize(args) {
      const parsed = schema.safeParse(args);
      return parsed.success ? summary(parsed.data) : "(invalid arguments)";
    },
  };
}

/** `schemaFields` of a tool whose `path` argument is all it touches, with its `access`. */
export function pathToolFields<T extends { path?: string | undefined }>(
  schema: z.ZodType<T>,
  summary: (args: T) => string,
): Pick<Tool, "inputSchema" | "origin" | "summarize" | "access"> {
  return { ...schemaFields(schema, summary), access: accessByPath(schema) };
}

/** A successful text result. */
export function textResult(text: string): ToolOutcome {
  return { status: "ok", content: [{ type: "text", text }] };
}

/** An error result. */
export function errorResult(message: string): ToolOutcome {
  return { status: "error", message };
}

/** A filesystem error as one line the model can act on. */
export function fsErrorText(error: unknown, path: string): string {
  const code = errorCode(error);
  switch (code) {
    case "ENOENT":
      return `${path} does not exist`;
    case "EACCES":
    case "EPERM":
      return `permission denied: ${path}`;
    case "EISDIR":
      return `${path} is a directory`;
    case "ENOTDIR":
      return `a parent of ${path} is not a directory`;
    default:
      return `${path}: ${errorText(error)}`;
  }
}

/** The `code` of a Node system error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && "code" in error && typeof error.code === "string")
    return error.code;
  return undefined;
}

/** Cuts text to `max` characters, keeping the start, and says what was left out. */
export function truncateHead(text: string, max: number, hint = ""): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[truncated: ${text.length - max} more characters not shown${hint ? `; ${hint}` : ""}]`;
}

/** Cuts one line for display. */
export function clipLine(line: string, max: number): string {
  return line.length <= max ? line : `${line.slice(0, max)}… [line cut at ${max} characters]`;
}

/** Whether a buffer looks binary: a NUL byte early on, as git decides. */
export function looksBinary(buffer: Uint8Array): boolean {
  const end = Math.min(buffer.length, 8000);
  for (let i = 0; i < end; i++) if (buffer[i] === 0) return true;
  return false;
}

/** Shortens a one-line summary for the transcript. */
export function short(text: string, max = 80): string {
  const line = text.replace(/\s*\n\s*/g, " ⏎ ");
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
