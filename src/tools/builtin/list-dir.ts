import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { resolvePath } from "../paths.js";
import type { Tool, ToolOutcome } from "../types.js";
import {
  errorResult,
  fsErrorText,
  parseArgs,
  pathToolFields,
  short,
  textResult,
} from "./common.js";
import { createGitignoreMatcher } from "./walk.js";

const ListDirArgs = z.object({
  path: z
    .string()
    .min(1)
    .optional()
    .describe("Directory to list, relative to the project directory; default the project itself."),
});

/** `list_dir`: one directory's entries, directories first, marked with `/`. */
export function createListDirTool(project: string, maxEntries: number): Tool {
  return {
    name: "list_dir",
    description:
      "List the entries of one directory (not recursive). Directories end with `/`, symlinks with `@`; " +
      "entries ignored by .gitignore are marked. Use glob to find files by pattern.",
    effect: "read",
    ...pathToolFields(ListDirArgs, ({ path }) => short(path ?? ".")),
    async execute(args): Promise<ToolOutcome> {
      const parsed = parseArgs(ListDirArgs, args);
      if (!parsed.ok) return parsed.outcome;
      const target = await resolvePath(project, parsed.value.path ?? ".");
      let entries: Dirent[];
      try {
        entries = await readdir(target.real, { withFileTypes: true });
      } catch (error) {
        return errorResult(fsErrorText(error, target.display));
      }
      const gitignore = createGitignoreMatcher(target.inside ? target.projectReal : target.real);
      const rows: { name: string; dir: boolean }[] = [];
      for (const entry of entries) {
        const absolute = join(target.real, entry.name);
        let suffix = "";
        let dir = entry.isDirectory();
        if (entry.isSymbolicLink()) {
          dir = (await stat(absolute).catch(() => undefined))?.isDirectory() ?? false;
          suffix = "@";
        }
        const ignored = entry.name !== ".git" && (await gitignore.isIgnored(absolute, dir));
        rows.push({
          name: `${entry.name}${dir ? "/" : ""}${suffix}${ignored ? "  (gitignored)" : ""}`,
          dir,
        });
      }
      if (rows.length === 0) return textResult(`${target.display} is empty`);
      rows.sort((a, b) =>
        a.dir !== b.dir ? (a.dir ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      const shown = rows.slice(0, maxEntries).map((r) => r.name);
      if (rows.length > maxEntries)
        shown.push(`[${rows.length - maxEntries} more entries not shown]`);
      return textResult(`${target.display}:\n${shown.join("\n")}`);
    },
  };
}
