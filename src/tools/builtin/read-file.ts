import { z } from "zod";
import { resolvePath } from "../paths.js";
import type { Tool, ToolOutcome } from "../types.js";
import {
  type BuiltinLimits,
  clipLine,
  errorResult,
  looksBinary,
  parseArgs,
  pathToolFields,
  short,
  textResult,
} from "./common.js";
import { readRegularFile } from "./read.js";

const ReadFileArgs = z.object({
  path: z
    .string()
    .min(1)
    .describe("File to read, relative to the project directory (or absolute)."),
  offset: z
    .int()
    .min(1)
    .optional()
    .describe("First line to read, counting from 1. Use with limit for large files."),
  limit: z.int().min(1).optional().describe("How many lines to read."),
});

/** `read_file`: a text file with line numbers. */
export function createReadFileTool(project: string, limits: BuiltinLimits): Tool {
  return {
    name: "read_file",
    description:
      "Read a text file. Returns numbered lines (`<number>\\t<line>`); the numbers are not part of the file. " +
      `Reads up to ${limits.readLines} lines by default; use offset and limit to page through larger files. ` +
      "Refuses binary files.",
    effect: "read",
    ...pathToolFields(ReadFileArgs, ({ path, offset, limit }) => {
      if (offset === undefined && limit === undefined) return short(path);
      const from = offset ?? 1;
      return short(`${path}:${from}-${limit === undefined ? "" : from + limit - 1}`);
    }),
    async execute(args, { signal }): Promise<ToolOutcome> {
      const parsed = parseArgs(ReadFileArgs, args);
      if (!parsed.ok) return parsed.outcome;
      const { path, offset = 1 } = parsed.value;
      const limit = parsed.value.limit ?? limits.readLines;
      const target = await resolvePath(project, path);
      const read = await readRegularFile(target.real, {
        display: target.display,
        maxBytes: limits.maxFileBytes,
        signal,
      });
      if (read.kind === "cancelled") return { status: "cancelled" };
      if (read.kind === "too-large") {
        return errorResult(
          `${target.display} is ${read.size} bytes, more than read_file reads (${limits.maxFileBytes}): use grep to find the part you need`,
        );
      }
      if (read.kind === "error") {
        return errorResult(
          read.code === "EISDIR"
            ? `${target.display} is a directory: use list_dir or glob`
            : read.message,
        );
      }
      const { buffer, size } = read;
      if (looksBinary(buffer))
        return errorResult(
          `${target.display} is a binary file (${size} bytes); read_file only reads text`,
        );
      return textResult(
        numberLines(buffer.toString("utf8"), target.display, offset, limit, limits),
      );
    },
  };
}

/** Numbers the requested lines, cutting long lines and stopping at the output budget. */
export function numberLines(
  text: string,
  display: string,
  offset: number,
  limit: number,
  limits: Pick<BuiltinLimits, "maxOutputChars" | "maxLineChars">,
): string {
  if (text === "") return `(${display} is empty)`;
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  const total = lines.length;
  if (offset > total)
    return `(${display} has ${total} line${total === 1 ? "" : "s"}; offset ${offset} is past the end)`;
  const last = Math.min(total, offset - 1 + limit);
  const width = String(last).length;
  const out: string[] = [];
  let used = 0;
  let shownTo = offset - 1;
  for (let n = offset; n <= last; n++) {
    const line = `${String(n).padStart(width)}\t${clipLine(lines[n - 1] ?? "", limits.maxLineChars)}`;
    if (used + line.length + 1 > limits.maxOutputChars && out.length > 0) break;
    out.push(line);
    used += line.length + 1;
    shownTo = n;
  }
  if (shownTo < total) {
    out.push(
      `[showing lines ${offset}-${shownTo} of ${total}; read more with offset=${shownTo + 1}]`,
    );
  }
  return out.join("\n");
}
