import { z } from "zod";
import { writeFileAtomic } from "../../utils/atomic-write.js";
import { type ResolvedPath, resolvePath } from "../paths.js";
import type { Tool, ToolOutcome, ToolPreview } from "../types.js";
import {
  errorResult,
  fsErrorText,
  looksBinary,
  parseArgs,
  pathToolFields,
  short,
  textResult,
} from "./common.js";
import { readRegularFile } from "./read.js";

const WriteFileArgs = z.object({
  path: z
    .string()
    .min(1)
    .describe("File to write, relative to the project directory (or absolute)."),
  content: z.string().describe("The complete new content of the file."),
});

/** The current text of a file about to be replaced, or why it cannot be replaced. */
export type CurrentFile =
  | { readonly kind: "missing" }
  | { readonly kind: "text"; readonly text: string; readonly mode: number }
  | { readonly kind: "directory"; readonly message: string }
  /** Binary, too large or unreadable: not editable as text. */
  | { readonly kind: "problem"; readonly message: string };

/** Reads what a write or an edit would replace; FIFOs, sockets and devices are refused. */
export async function readCurrent(
  target: ResolvedPath,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<CurrentFile> {
  const read = await readRegularFile(target.real, {
    display: target.display,
    maxBytes,
    ...(signal && { signal }),
  });
  switch (read.kind) {
    case "cancelled":
      return { kind: "problem", message: "cancelled" };
    case "too-large":
      return {
        kind: "problem",
        message: `${target.display} is ${read.size} bytes, larger than the ${maxBytes} bytes wren edits`,
      };
    case "error":
      if (read.code === "ENOENT") return { kind: "missing" };
      if (read.code === "EISDIR") return { kind: "directory", message: read.message };
      return { kind: "problem", message: read.message };
    case "ok":
      if (looksBinary(read.buffer))
        return {
          kind: "problem",
          message: `${target.display} is a binary file; it is not edited as text`,
        };
      return { kind: "text", text: read.buffer.toString("utf8"), mode: read.mode & 0o7777 };
  }
}

/** Writes the file in place of `target.real`, keeping its permissions (an executable stays one). */
export async function writeText(target: ResolvedPath, text: string, mode?: number): Promise<void> {
  await writeFileAtomic(target.real, text, mode === undefined ? {} : { mode });
}

function lineCount(text: string): number {
  if (text === "") return 0;
  const lines = text.split("\n").length;
  return text.endsWith("\n") ? lines - 1 : lines;
}

/** `write_file`: creates or replaces a whole file, atomically. */
export function createWriteFileTool(project: string, maxBytes: number): Tool {
  const plan = async (
    args: unknown,
    signal?: AbortSignal,
  ): Promise<
    | { ok: true; target: ResolvedPath; current: CurrentFile; content: string }
    | { ok: false; outcome: ToolOutcome }
  > => {
    const parsed = parseArgs(WriteFileArgs, args);
    if (!parsed.ok) return parsed;
    const target = await resolvePath(project, parsed.value.path);
    const current = await readCurrent(target, maxBytes, signal);
    // Replacing a binary or oversized file wholesale is fine; a directory is not.
    if (current.kind === "directory") return { ok: false, outcome: errorResult(current.message) };
    return { ok: true, target, current, content: parsed.value.content };
  };
  return {
    name: "write_file",
    description:
      "Create a file or replace its whole content. Parent directories are created. " +
      "Prefer edit_file for changing part of an existing file. Read a file before overwriting it.",
    effect: "write",
    ...pathToolFields(WriteFileArgs, ({ path, content }) => {
      const lines = lineCount(content);
      return `${short(path, 70)} (${lines} line${lines === 1 ? "" : "s"})`;
    }),
    async preview(args, signal): Promise<ToolPreview | undefined> {
      const planned = await plan(args, signal);
      if (!planned.ok) return undefined;
      const { current, target, content } = planned;
      return {
        kind: "diff",
        path: target.display,
        before: current.kind === "text" ? current.text : "",
        after: content,
        created: current.kind === "missing",
      };
    },
    async execute(args, { signal }): Promise<ToolOutcome> {
      const planned = await plan(args, signal);
      if (!planned.ok) return planned.outcome;
      if (signal.aborted) return { status: "cancelled" };
      const { current, target, content } = planned;
      try {
        await writeText(target, content, current.kind === "text" ? current.mode : undefined);
      } catch (error) {
        return errorResult(fsErrorText(error, target.display));
      }
      const lines = lineCount(content);
      const verb = current.kind === "missing" ? "Created" : "Wrote";
      return textResult(`${verb} ${target.display} (${lines} line${lines === 1 ? "" : "s"})`);
    },
  };
}
