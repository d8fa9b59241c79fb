import { stat } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import picomatch from "picomatch";
import { z } from "zod";
import { resolvePath, toPosix } from "../paths.js";
import type { SensitivePaths } from "../sensitive.js";
import type { Tool, ToolOutcome } from "../types.js";
import {
  type BuiltinLimits,
  errorResult,
  fsErrorText,
  parseArgs,
  pathToolFields,
  short,
  textResult,
} from "./common.js";
import { boundaryFor, createBoundaryCheck, skippedNote, walk } from "./walk.js";

const GlobArgs = z.object({
  pattern: z
    .string()
    .min(1)
    .describe('Glob pattern relative to path, e.g. "**/*.ts" or "src/**/*.test.ts".'),
  path: z
    .string()
    .min(1)
    .optional()
    .describe("Directory to search in, relative to the project; default the project itself."),
});

/** `glob`: files matching a pattern, skipping what .gitignore ignores. */
export function createGlobTool(
  project: string,
  limits: BuiltinLimits,
  sensitive: SensitivePaths,
): Tool {
  return {
    name: "glob",
    description:
      'Find files by glob pattern ("**/*.ts", "src/**/index.{js,ts}"). Skips files ignored by .gitignore and the .git directory. ' +
      "Returns paths relative to the project, sorted.",
    effect: "read",
    ...pathToolFields(GlobArgs, ({ pattern, path }) =>
      short(path ? `${pattern} in ${path}` : pattern),
    ),
    async execute(args, { signal }): Promise<ToolOutcome> {
      const parsed = parseArgs(GlobArgs, args);
      if (!parsed.ok) return parsed.outcome;
      const { pattern } = parsed.value;
      const root = await resolvePath(project, parsed.value.path ?? ".");
      try {
        if (!(await stat(root.real)).isDirectory())
          return errorResult(`${root.display} is not a directory`);
      } catch (error) {
        return errorResult(fsErrorText(error, root.display));
      }
      const isMatch = picomatch(pattern, { dot: true });
      // "src/**/*.ts" need not walk the rest of the tree.
      const base = picomatch.scan(pattern).base;
      const boundary = boundaryFor(root, sensitive);
      const shortcut =
        base && !base.startsWith("..") && !isAbsolute(base) ? join(root.real, base) : undefined;
      // The shortcut may pass through a symlink out of the project: then walk the whole tree,
      // which does not follow it.
      const start =
        shortcut !== undefined && createBoundaryCheck(boundary)(shortcut) ? shortcut : root.real;
      const found: string[] = [];
      let walkLimited = false;
      let skipped = 0;
      for await (const entry of walk({
        root: start,
        ignoreBase: root.projectReal,
        signal,
        boundary,
        onSkipped: () => {
          skipped++;
        },
        maxVisited: limits.maxWalk,
        onLimit: () => {
          walkLimited = true;
        },
      })) {
        if (entry.isDirectory || !isMatch(toPosix(relative(root.real, entry.absolute)))) continue;
        found.push(
          root.inside ? toPosix(relative(root.projectReal, entry.absolute)) : entry.absolute,
        );
      }
      if (signal.aborted) return { status: "cancelled" };
      const notes: string[] = [];
      if (walkLimited)
        notes.push(`[stopped after visiting ${limits.maxWalk} entries: narrow path or pattern]`);
      if (skipped > 0) notes.push(skippedNote(skipped));
      if (found.length === 0)
        return textResult([`no files match ${pattern} in ${root.display}`, ...notes].join("\n"));
      found.sort();
      const shown = found.slice(0, limits.maxEntries);
      if (found.length > limits.maxEntries)
        notes.push(
          `[${found.length} files match; showing the first ${limits.maxEntries}: narrow the pattern]`,
        );
      return textResult([...shown, ...notes].join("\n"));
    },
  };
}
