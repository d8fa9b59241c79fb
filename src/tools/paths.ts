// No zod here: permissions.ts imports this module, and the permission engine may load early.
import { realpathSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** A path a tool was given, resolved against the project and through symlinks. */
export interface ResolvedPath {
  /** Lexically resolved: `resolve(project, input)`. */
  readonly absolute: string;
  /** After symlinks: where the bytes are (or would be, for a file not yet created). */
  readonly real: string;
  /** The project directory after symlinks. */
  readonly projectReal: string;
  /** Whether `real` is the project directory or inside it. */
  readonly inside: boolean;
  /** How to show it: relative to the project when inside, else the real absolute path. */
  readonly display: string;
  /** Relative to the project's real path with `/` separators (for rules); undefined outside. */
  readonly projectRelative?: string;
}

type RealpathSync = (path: string) => string;
type RealpathAsync = (path: string) => Promise<string>;

/** Resolves `input` against `project` following every symlink that exists on the way. */
export async function resolvePath(
  project: string,
  input: string,
  realpathFn: RealpathAsync = realpath,
): Promise<ResolvedPath> {
  const absolute = resolve(project, input);
  const [projectReal, real] = await Promise.all([
    realOrSelf(resolve(project), realpathFn),
    realOfMaybeMissing(absolute, realpathFn),
  ]);
  return describe(project, absolute, projectReal, real);
}

/** `resolvePath` for synchronous callers (the permission check). */
export function resolvePathSync(
  project: string,
  input: string,
  realpathFn: RealpathSync = realpathSync,
): ResolvedPath {
  const absolute = resolve(project, input);
  const projectReal = realOrSelfSync(resolve(project), realpathFn);
  const real = realOfMaybeMissingSync(absolute, realpathFn);
  return describe(project, absolute, projectReal, real);
}

function describe(
  project: string,
  absolute: string,
  projectReal: string,
  real: string,
): ResolvedPath {
  const inside = real === projectReal || real.startsWith(projectReal + sep);
  if (!inside) return { absolute, real, projectReal, inside, display: real };
  const projectRelative = toPosix(relative(projectReal, real)) || ".";
  const lexical = relative(resolve(project), absolute);
  const display =
    lexical === ""
      ? "."
      : !lexical.startsWith("..") && !isAbsolute(lexical)
        ? toPosix(lexical)
        : projectRelative;
  return { absolute, real, projectReal, inside, display, projectRelative };
}

/** `a\b` → `a/b` on Windows; unchanged elsewhere. */
export function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

async function realOrSelf(path: string, realpathFn: RealpathAsync): Promise<string> {
  try {
    return await realpathFn(path);
  } catch {
    return path;
  }
}

function realOrSelfSync(path: string, realpathFn: RealpathSync): string {
  try {
    return realpathFn(path);
  } catch {
    return path;
  }
}

/** The real path of the nearest existing ancestor, with the missing rest appended. */
async function realOfMaybeMissing(absolute: string, realpathFn: RealpathAsync): Promise<string> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return join(await realpathFn(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return absolute;
      missing.push(basename(current));
      current = parent;
    }
  }
}

function realOfMaybeMissingSync(absolute: string, realpathFn: RealpathSync): string {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return join(realpathFn(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return absolute;
      missing.push(basename(current));
      current = parent;
    }
  }
}
