import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Root } from "@modelcontextprotocol/client";

/** Why a path cannot become (or stop being) a root. */
export class RootsError extends Error {
  override readonly name = "RootsError";
}

/**
 * The directories wren offers servers as MCP roots: the project directory, always first, and
 * any added with `.roots add` for this session. Servers that ask (`roots/list`) get them as
 * `file://` URIs; a change is announced with `notifications/roots/list_changed`.
 */
export interface RootList {
  /** Absolute directories, the project first. */
  paths(): readonly string[];
  /** The roots as MCP sends them; the same array until something changes. */
  list(): readonly Root[];
  /** Adds a directory (relative paths are taken from the project); resolves with its absolute path. */
  add(path: string): Promise<string>;
  /** Removes an added directory; resolves with its absolute path. */
  remove(path: string): string;
  subscribe(listener: () => void): () => void;
}

function toRoot(path: string): Root {
  return { uri: pathToFileURL(path).href, name: basename(path) || path };
}

/** Creates the root list of a session rooted at `project`. */
export function createRootList(project: string): RootList {
  const home = resolve(project);
  let paths: readonly string[] = [home];
  let roots: readonly Root[] = paths.map(toRoot);
  const listeners = new Set<() => void>();

  const set = (next: readonly string[]): void => {
    paths = next;
    roots = next.map(toRoot);
    for (const listener of [...listeners]) listener();
  };

  return {
    paths: () => paths,
    list: () => roots,
    async add(path) {
      const absolute = resolve(home, path);
      const info = await stat(absolute).catch(() => undefined);
      if (!info) throw new RootsError(`no such directory: ${absolute}`);
      if (!info.isDirectory()) throw new RootsError(`not a directory: ${absolute}`);
      if (paths.includes(absolute)) throw new RootsError(`already a root: ${absolute}`);
      set([...paths, absolute]);
      return absolute;
    },
    remove(path) {
      const absolute = resolve(home, path);
      if (absolute === home) {
        throw new RootsError("the project directory is always a root");
      }
      if (!paths.includes(absolute)) throw new RootsError(`not a root: ${absolute}`);
      set(paths.filter((p) => p !== absolute));
      return absolute;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
