import { stat } from "node:fs/promises";
import { relative } from "node:path";
import { z } from "zod";
import { resolvePath, toPosix } from "../paths.js";
import type { SensitivePaths } from "../sensitive.js";
import type { Tool, ToolOutcome } from "../types.js";
import {
  type BuiltinLimits,
  clipLine,
  errorResult,
  fsErrorText,
  parseArgs,
  pathToolFields,
  short,
  textResult,
  truncateHead,
} from "./common.js";
import type { SearchEngine, SearchHit } from "./search.js";
import { boundaryFor, createBoundaryCheck, skippedNote } from "./walk.js";

const GrepArgs = z.object({
  pattern: z.string().min(1).describe("Regular expression to search for in file contents."),
  path: z
    .string()
    .min(1)
    .optional()
    .describe("File or directory to search, relative to the project; default the project."),
  glob: z
    .string()
    .min(1)
    .optional()
    .describe('Only search files matching this glob, e.g. "*.ts" or "src/**/*.tsx".'),
  ignore_case: z.boolean().optional().describe("Case-insensitive search."),
  output_mode: z
    .enum(["content", "files_with_matches", "count"])
    .optional()
    .describe(
      "content (default): matching lines as path:line:text; files_with_matches: only paths; count: matches per file.",
    ),
  context: z
    .int()
    .min(0)
    .max(20)
    .optional()
    .describe("Lines of context before and after each match (content mode)."),
  head_limit: z.int().min(1).optional().describe("Most matching lines (or files) to return."),
});

/** Line length in grep output: matches in minified files should not flood the context. */
const GREP_LINE_CHARS = 400;

/** `grep`: regex search over files, skipping what .gitignore ignores. */
export function createGrepTool(
  project: string,
  limits: BuiltinLimits,
  engine: () => Promise<SearchEngine>,
  sensitive: SensitivePaths,
): Tool {
  return {
    name: "grep",
    description:
      "Search file contents with a regular expression (ripgrep syntax when available, else JavaScript). " +
      "Skips files ignored by .gitignore, binary files and .git. Returns path:line:text lines by default.",
    effect: "read",
    ...pathToolFields(GrepArgs, ({ pattern, path, glob }) =>
      short(`"${pattern}"${path ? ` in ${path}` : ""}${glob ? ` (${glob})` : ""}`),
    ),
    async execute(args, { signal }): Promise<ToolOutcome> {
      const parsed = parseArgs(GrepArgs, args);
      if (!parsed.ok) return parsed.outcome;
      const { pattern, glob, ignore_case = false, output_mode = "content" } = parsed.value;
      const limit = parsed.value.head_limit ?? limits.grepResults;
      const context = output_mode === "content" ? (parsed.value.context ?? 0) : 0;
      const root = await resolvePath(project, parsed.value.path ?? ".");
      let rootIsFile: boolean;
      try {
        rootIsFile = (await stat(root.real)).isFile();
      } catch (error) {
        return errorResult(fsErrorText(error, root.display));
      }
      const boundary = boundaryFor(root, sensitive);
      // ripgrep does not know wren's boundary: what it finds beyond it is dropped unseen.
      const admitted = createBoundaryCheck(boundary);
      const skipped = new Set<string>();
      const show = (file: string): string =>
        root.inside ? toPosix(relative(root.projectReal, file)) || "." : file;

      const lines: string[] = [];
      const counts = new Map<string, number>();
      let matches = 0;
      let more = false;
      let lastFile = "";
      let lastLine = 0;
      const onHit = (hit: SearchHit): boolean => {
        if (!rootIsFile && !admitted(hit.file)) {
          skipped.add(hit.file);
          return true;
        }
        if (output_mode === "content") {
          if (hit.isMatch && matches >= limit) {
            more = true;
            return false;
          }
          if (lines.length > 0 && (hit.file !== lastFile || hit.line > lastLine + 1) && context > 0)
            lines.push("--");
          const sep = hit.isMatch ? ":" : "-";
          lines.push(
            `${show(hit.file)}${sep}${hit.line}${sep}${clipLine(hit.text, GREP_LINE_CHARS)}`,
          );
          lastFile = hit.file;
          lastLine = hit.line;
          if (hit.isMatch) matches++;
          return true;
        }
        if (!hit.isMatch) return true;
        const seen = counts.get(hit.file);
        if (seen === undefined && counts.size >= limit) {
          more = true;
          return false;
        }
        counts.set(hit.file, (seen ?? 0) + 1);
        return true;
      };
      const search = await engine();
      const end = await search(
        {
          pattern,
          ignoreCase: ignore_case,
          root: root.real,
          rootIsFile,
          ignoreBase: root.inside ? root.projectReal : root.real,
          ...(glob !== undefined && { glob }),
          context,
          maxFileBytes: limits.maxFileBytes,
          maxWalk: limits.maxWalk,
          boundary,
        },
        onHit,
        signal,
      );
      if (signal.aborted) return { status: "cancelled" };
      if (!end.ok) return errorResult(end.message);

      let body: string[];
      if (output_mode === "content") body = lines;
      else if (output_mode === "files_with_matches") body = [...counts.keys()].map(show);
      else body = [...counts].map(([file, n]) => `${show(file)}:${n}`);
      const notes: string[] = [];
      if (more) {
        notes.push(
          output_mode === "content"
            ? `[showing the first ${limit} matches; there are more: narrow the pattern or path, or raise head_limit]`
            : `[showing the first ${limit} files; there are more]`,
        );
      }
      if (end.walkLimited)
        notes.push(`[stopped after visiting ${limits.maxWalk} entries: narrow the path]`);
      const skippedCount = skipped.size + (end.skipped ?? 0);
      if (skippedCount > 0) notes.push(skippedNote(skippedCount));
      if (body.length === 0)
        return textResult([`no matches for ${pattern} in ${root.display}`, ...notes].join("\n"));
      return textResult(
        truncateHead([...body, ...notes].join("\n"), limits.maxOutputChars, "narrow the search"),
      );
    },
  };
}
