import type { Dirent } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { toPosix } from "./paths.js";

/** Answers "would git ignore this path?" from the `.gitignore` files between `base` and it. */
export interface GitignoreMatcher {
  isIgnored(absolute: string, isDirectory: boolean): Promise<boolean>;
}

/**
 * Reads `.gitignore` files lazily (once per directory) from `base` down. A deeper file's
 * negation (`!keep.log`) overrides a shallower one's pattern, as in git.
 */
export function createGitignoreMatcher(base: string): GitignoreMatcher {
  const perDirectory = new Map<string, Promise<Ignore | undefined>>();
  const load = (dir: string): Promise<Ignore | undefined> => {
    let pending = perDirectory.get(dir);
    if (!pending) {
      pending = readFile(join(dir, ".gitignore"), "utf8").then(
        (text) => ignore().add(text),
        () => undefined,
      );
      perDirectory.set(dir, pending);
    }
    return pending;
  };
  return {
    async isIgnored(absolute, isDirectory) {
      const rel = relative(base, absolute);
      if (rel === "" || rel.startsWith("..")) return false;
      const dirs = [base];
      let current = dirname(absolute);
      const below: string[] = [];
      while (current !== base && current.startsWith(base + sep)) {
        below.push(current);
        current = dirname(current);
      }
      dirs.push(...below.reverse());
      let ignored = false;
      for (const dir of dirs) {
        const matcher = await load(dir);
        if (!matcher) continue;
        const path = toPosix(relative(dir, absolute)) + (isDirectory ? "/" : "");
        const result = matcher.test(path);
        if (result.ignored) ignored = true;
        else if (result.unignored) ignored = false;
      }
      return ignored;
    },
  };
}

/** One file (or directory) a walk found. */
export interface WalkEntry {
  readonly absolute: string;
  /** Relative to the walk's root, `/`-separated. */
  readonly relative: string;
  readonly isDirectory: boolean;
}

/** Options of `walk`. */
export interface WalkOptions {
  readonly root: string;
  /** Where `.gitignore` files start to apply; usually the project. */
  readonly ignoreBase: string;
  readonly signal?: AbortSignal;
  /** Entries visited before the walk stops; `onLimit` is then called. */
  readonly maxVisited: number;
  readonly onLimit?: () => void;
  /** Directories a walk never enters, whatever .gitignore says. */
  readonly skipNames?: ReadonlySet<string>;
}

const ALWAYS_SKIPPED: ReadonlySet<string> = new Set([".git"]);

/**
 * Walks `root` depth-first in name order, skipping what `.gitignore` ignores and `.git`;
 * symlinked directories are not followed (no loops, no escaping the tree), symlinked files are
 * reported. Yields files and directories.
 */
export async function* walk(options: WalkOptions): AsyncGenerator<WalkEntry> {
  const { root, signal } = options;
  const skip = options.skipNames ?? ALWAYS_SKIPPED;
  const gitignore = createGitignoreMatcher(
    root === options.ignoreBase || root.startsWith(options.ignoreBase + sep)
      ? options.ignoreBase
      : root,
  );
  let visited = 0;
  const stack: string[] = [root];
  for (;;) {
    const dir = stack.pop();
    if (dir === undefined || signal?.aborted) return;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (skip.has(entry.name)) continue;
      const absolute = join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await stat(absolute).catch(() => undefined);
        if (!target?.isFile()) continue;
        isDirectory = false;
      } else if (!isDirectory && !entry.isFile()) continue;
      if (await gitignore.isIgnored(absolute, isDirectory)) continue;
      if (++visited > options.maxVisited) {
        options.onLimit?.();
        return;
      }
      yield { absolute, relative: toPosix(relative(root, absolute)), isDirectory };
      if (isDirectory) subdirs.push(absolute);
    }
    stack.push(...subdirs.reverse());
  }
}
