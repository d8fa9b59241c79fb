import { type Dirent, realpathSync } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { type ResolvedPath, toPosix } from "../paths.js";
import type { SensitivePaths } from "../sensitive.js";
import { readRegularFile } from "./read.js";

const GITIGNORE_MAX_BYTES = 1024 * 1024;

/**
 * What a walk (and a search) may show: nothing under credential stores, and no symlink whose
 * target lies outside `root` (the project, or the directory the user agreed to). Those need a
 * person's consent, which a call naming them explicitly asks for.
 */
export interface WalkBoundary {
  /** Real path that symlinks must stay inside. */
  readonly root: string;
  readonly sensitive: SensitivePaths;
}

/**
 * The boundary of a walk from `root`: the project when the root is inside it, else the root the
 * user agreed to. A root that is itself a credential store was agreed to by name, so only
 * links out of it are skipped.
 */
export function boundaryFor(root: ResolvedPath, sensitive: SensitivePaths): WalkBoundary {
  const agreed =
    sensitive.reasonFor(root.real) !== undefined ||
    sensitive.reasonFor(root.absolute) !== undefined;
  return {
    root: root.inside ? root.projectReal : root.real,
    sensitive: agreed ? { reasonFor: () => undefined } : sensitive,
  };
}

/** The note a result gets when a walk skipped entries. */
export function skippedNote(count: number): string {
  return `[skipped ${count} ${count === 1 ? "entry" : "entries"} that lead outside the project or into credential stores (.env files, WREN_HOME, ~/.ssh ...): name one as the path to read it, which asks the user first]`;
}

/** Whether a path found inside a walk may be shown; synchronous, for search results. */
export function createBoundaryCheck(boundary: WalkBoundary): (absolute: string) => boolean {
  const seen = new Map<string, boolean>();
  return (absolute) => {
    let admitted = seen.get(absolute);
    if (admitted === undefined) {
      let real: string | undefined;
      try {
        real = realpathSync(absolute);
      } catch {
        real = undefined;
      }
      admitted = real !== undefined && admits(boundary, absolute, real);
      seen.set(absolute, admitted);
    }
    return admitted;
  };
}

function admits(boundary: WalkBoundary, absolute: string, real: string): boolean {
  const inside = real === boundary.root || real.startsWith(boundary.root + sep);
  return (
    inside &&
    boundary.sensitive.reasonFor(absolute) === undefined &&
    boundary.sensitive.reasonFor(real) === undefined
  );
}

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
      // A planted FIFO or device named .gitignore must not hang a walk.
      pending = readRegularFile(join(dir, ".gitignore"), {
        display: ".gitignore",
        maxBytes: GITIGNORE_MAX_BYTES,
      }).then((read) =>
        read.kind === "ok" ? ignore().add(read.buffer.toString("utf8")) : undefined,
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
  /** Entries outside it (through symlinks) or in credential stores are skipped and counted. */
  readonly boundary?: WalkBoundary;
  readonly onSkipped?: (absolute: string) => void;
}

const ALWAYS_SKIPPED: ReadonlySet<string> = new Set([".git"]);

/**
 * Walks `root` depth-first in name order, skipping what `.gitignore` ignores and `.git`;
 * symlinked directories are not followed (no loops, no escaping the tree), symlinked files are
 * reported when they stay inside the boundary. Yields files and directories.
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
      const { boundary } = options;
      if (boundary && boundary.sensitive.reasonFor(absolute) !== undefined) {
        options.onSkipped?.(absolute);
        continue;
      }
      if (entry.isSymbolicLink()) {
        const real = await realpath(absolute).catch(() => undefined);
        if (real === undefined) continue;
        if (boundary && !admits(boundary, absolute, real)) {
          options.onSkipped?.(absolute);
          continue;
        }
        const target = await stat(real).catch(() => undefined);
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
