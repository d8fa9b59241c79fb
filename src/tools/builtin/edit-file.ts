import { z } from "zod";
import { type ResolvedPath, resolvePath } from "../paths.js";
import type { Tool, ToolOutcome, ToolPreview } from "../types.js";
import {
  errorResult,
  fsErrorText,
  parseArgs,
  pathToolFields,
  short,
  textResult,
} from "./common.js";
import { readCurrent, writeText } from "./write-file.js";

const EditFileArgs = z.object({
  path: z
    .string()
    .min(1)
    .describe("File to edit, relative to the project directory (or absolute)."),
  old_string: z
    .string()
    .min(1)
    .describe(
      "Exact text to replace, including whitespace and indentation. Must occur exactly once unless replace_all is true; include surrounding lines to make it unique.",
    ),
  new_string: z.string().describe("Text to put in its place."),
  replace_all: z
    .boolean()
    .optional()
    .describe("Replace every occurrence instead of requiring exactly one."),
});

/** The result of applying an exact-string edit to a text. */
export type EditResult =
  | { readonly ok: true; readonly after: string; readonly count: number; readonly firstAt: number }
  | { readonly ok: false; readonly message: string };

/**
 * Replaces `oldString` by `newString` in `text`: exactly one occurrence, or all of them with
 * `replaceAll`. A file with CRLF line ends accepts an edit written with LF ones.
 */
export function applyEdit(
  text: string,
  oldString: string,
  newString: string,
  replaceAll: boolean,
  display: string,
): EditResult {
  if (oldString === newString)
    return { ok: false, message: "old_string and new_string are the same: nothing to change" };
  let from = oldString;
  let to = newString;
  if (!text.includes(from) && text.includes("\r\n") && !from.includes("\r")) {
    from = from.replace(/\n/g, "\r\n");
    to = to.replace(/\r?\n/g, "\r\n");
  }
  const first = text.indexOf(from);
  if (first < 0) {
    return {
      ok: false,
      message: `old_string was not found in ${display}: it must match the file exactly, including whitespace and indentation; read the file again to copy the current text`,
    };
  }
  const parts = text.split(from);
  const count = parts.length - 1;
  if (count > 1 && !replaceAll) {
    return {
      ok: false,
      message: `old_string occurs ${count} times in ${display}: include more surrounding lines so it is unique, or set replace_all to change every occurrence`,
    };
  }
  return { ok: true, after: parts.join(to), count, firstAt: first };
}

/** A few numbered lines around `index` of `text`, to show the model what the edit produced. */
export function snippet(text: string, index: number, length: number, around = 3): string {
  const lines = text.split("\n");
  const startLine = text.slice(0, index).split("\n").length;
  const endLine = text.slice(0, index + length).split("\n").length;
  const from = Math.max(1, startLine - around);
  const to = Math.min(lines.length, endLine + around);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${String(n).padStart(width)}\t${lines[n - 1] ?? ""}`);
  return out.join("\n");
}

/** `edit_file`: exact string replacement in one file, written atomically. */
export function createEditFileTool(project: string, maxBytes: number): Tool {
  const plan = async (
    args: unknown,
    signal?: AbortSignal,
  ): Promise<
    | {
        ok: true;
        target: ResolvedPath;
        before: string;
        mode: number;
        edit: Extract<EditResult, { ok: true }>;
        newString: string;
      }
    | { ok: false; outcome: ToolOutcome }
  > => {
    const parsed = parseArgs(EditFileArgs, args);
    if (!parsed.ok) return parsed;
    const { path, old_string, new_string, replace_all = false } = parsed.value;
    const target = await resolvePath(project, path);
    const current = await readCurrent(target, maxBytes, signal);
    if (current.kind === "missing")
      return {
        ok: false,
        outcome: errorResult(`${target.display} does not exist: use write_file to create it`),
      };
    if (current.kind !== "text") return { ok: false, outcome: errorResult(current.message) };
    const edit = applyEdit(current.text, old_string, new_string, replace_all, target.display);
    if (!edit.ok) return { ok: false, outcome: errorResult(edit.message) };
    return {
      ok: true,
      target,
      before: current.text,
      mode: current.mode,
      edit,
      newString: new_string,
    };
  };
  return {
    name: "edit_file",
    description:
      "Replace exact text in a file. old_string must match the file exactly (whitespace included) and occur exactly once, " +
      "unless replace_all is true. Read the file first. For a new file use write_file.",
    effect: "write",
    ...pathToolFields(
      EditFileArgs,
      ({ path, replace_all }) => `${short(path, 70)}${replace_all ? " (all)" : ""}`,
    ),
    async preview(args, signal): Promise<ToolPreview | undefined> {
      const planned = await plan(args, signal);
      if (!planned.ok) return undefined;
      return {
        kind: "diff",
        path: planned.target.display,
        before: planned.before,
        after: planned.edit.after,
        created: false,
      };
    },
    async execute(args, { signal }): Promise<ToolOutcome> {
      const planned = await plan(args, signal);
      if (!planned.ok) return planned.outcome;
      if (signal.aborted) return { status: "cancelled" };
      const { target, edit, mode } = planned;
      try {
        await writeText(target, edit.after, mode);
      } catch (error) {
        return errorResult(fsErrorText(error, target.display));
      }
      const what = edit.count === 1 ? "1 replacement" : `${edit.count} replacements`;
      return textResult(
        `Edited ${target.display} (${what}). Around the ${edit.count === 1 ? "change" : "first change"}:\n${snippet(edit.after, edit.firstAt, planned.newString.length)}`,
      );
    },
  };
}
