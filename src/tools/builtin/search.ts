import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import picomatch from "picomatch";
import { z } from "zod";
import { errorText } from "../../utils/errors.js";
import { looksBinary } from "./common.js";
import { readRegularFile } from "./read.js";
import { type WalkBoundary, walk } from "./walk.js";

/** What to look for, already resolved to real paths. */
export interface SearchQuery {
  readonly pattern: string;
  readonly ignoreCase: boolean;
  /** A directory (searched recursively) or one file. */
  readonly root: string;
  readonly rootIsFile: boolean;
  /** Where .gitignore files start to apply. */
  readonly ignoreBase: string;
  /** Only files whose path matches (a pattern without `/` matches the file name anywhere). */
  readonly glob?: string;
  /** Lines of context around each match. */
  readonly context: number;
  readonly maxFileBytes: number;
  readonly maxWalk: number;
  /** Links out of it and credential stores are not searched (the JavaScript walk). */
  readonly boundary?: WalkBoundary;
}

/** One matching (or context) line. */
export interface SearchHit {
  /** Absolute path. */
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly isMatch: boolean;
}

/** How a search ended. */
export type SearchEnd =
  | { readonly ok: true; readonly walkLimited?: boolean; readonly skipped?: number }
  | { readonly ok: false; readonly message: string };

/**
 * A search engine: calls `onHit` for every line in file order; `onHit` returns false to stop
 * (enough results), which ends the search early.
 */
export type SearchEngine = (
  query: SearchQuery,
  onHit: (hit: SearchHit) => boolean,
  signal: AbortSignal,
) => Promise<SearchEnd>;

/** Finds an executable on PATH, or undefined. */
export async function findExecutable(
  name: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const dirs = (env.PATH ?? "").split(delimiter).filter(Boolean);
  const names = process.platform === "win32" ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of dirs) {
    for (const candidate of names) {
      const file = join(dir, candidate);
      try {
        await access(file, constants.X_OK);
        if ((await stat(file)).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

// What ripgrep's --json prints for a matching or context line; other events are skipped.
const RgLine = z.object({
  type: z.enum(["match", "context"]),
  data: z.object({
    path: z.object({ text: z.string() }),
    lines: z.object({ text: z.string() }),
    line_number: z.number(),
  }),
});

/** Searches with the system `rg` binary at `rgPath`, spawned with an argument list (no shell). */
export function ripgrepEngine(rgPath: string): SearchEngine {
  return (query, onHit, signal) =>
    new Promise<SearchEnd>((resolve) => {
      const args = [
        "--json",
        "--sort=path",
        "--hidden",
        "--no-require-git",
        "--glob=!.git",
        `--max-filesize=${query.maxFileBytes}`,
        ...(query.ignoreCase ? ["--ignore-case"] : []),
        ...(query.context > 0 ? [`--context=${query.context}`] : []),
        ...(query.glob ? [`--glob=${query.glob}`] : []),
        "--regexp",
        query.pattern,
        "--",
        query.root,
      ];
      const child = spawn(rgPath, args, { stdio: ["ignore", "pipe", "pipe"] });
      let stopped = false;
      let stderr = "";
      const stop = (): void => {
        if (stopped) return;
        stopped = true;
        child.kill();
      };
      signal.addEventListener("abort", stop, { once: true });
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        if (stderr.length < 4000) stderr += chunk;
      });
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        if (stopped) return;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          return;
        }
        const parsed = RgLine.safeParse(json);
        if (!parsed.success) return;
        const { data, type } = parsed.data;
        const keepGoing = onHit({
          file: data.path.text,
          line: data.line_number,
          text: data.lines.text.replace(/\r?\n$/, ""),
          isMatch: type === "match",
        });
        if (!keepGoing) stop();
      });
      child.on("error", (error) => {
        signal.removeEventListener("abort", stop);
        resolve({ ok: false, message: `could not run ${rgPath}: ${error.message}` });
      });
      child.on("close", (code) => {
        signal.removeEventListener("abort", stop);
        // 0: matches, 1: none, 2: an error (possibly with results, e.g. an unreadable file).
        if (stopped || code === 0 || code === 1) resolve({ ok: true });
        else {
          const message = stderr.trim().split("\n").slice(0, 8).join("\n");
          resolve({ ok: false, message: message || `rg exited with code ${code}` });
        }
      });
    });
}

/** Searches in JavaScript: the gitignore-aware walk and a RegExp per line. */
export const javascriptEngine: SearchEngine = async (query, onHit, signal) => {
  let regex: RegExp;
  try {
    regex = new RegExp(query.pattern, query.ignoreCase ? "i" : "");
  } catch (error) {
    const reason = errorText(error);
    return { ok: false, message: `invalid regular expression: ${reason}` };
  }
  const globMatch = query.glob ? picomatch(query.glob, { dot: true, basename: true }) : undefined;
  const searchFile = async (file: string): Promise<boolean> => {
    // Large files, FIFOs, sockets and devices are skipped, as ripgrep skips them.
    const read = await readRegularFile(file, {
      display: file,
      maxBytes: query.maxFileBytes,
      signal,
    });
    if (read.kind === "cancelled") return false;
    if (read.kind !== "ok") return true;
    const { buffer } = read;
    if (looksBinary(buffer)) return true;
    return searchText(buffer.toString("utf8"), file, regex, query.context, onHit);
  };
  if (query.rootIsFile) {
    await searchFile(query.root);
    return { ok: true };
  }
  let walkLimited = false;
  let skipped = 0;
  for await (const entry of walk({
    root: query.root,
    ignoreBase: query.ignoreBase,
    signal,
    ...(query.boundary && { boundary: query.boundary }),
    onSkipped: () => {
      skipped++;
    },
    maxVisited: query.maxWalk,
    onLimit: () => {
      walkLimited = true;
    },
  })) {
    if (entry.isDirectory) continue;
    if (globMatch && !globMatch(entry.relative)) continue;
    if (!(await searchFile(entry.absolute))) break;
  }
  return { ok: true, walkLimited, skipped };
};

/** Reports the matching lines of one text with their context; false when `onHit` said stop. */
export function searchText(
  text: string,
  file: string,
  regex: RegExp,
  context: number,
  onHit: (hit: SearchHit) => boolean,
): boolean {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  let lastReported = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!regex.test(lines[i] ?? "")) continue;
    const from = Math.max(lastReported + 1, i + 1 - context);
    for (let n = from; n <= i + 1; n++) {
      if (!onHit({ file, line: n, text: lines[n - 1] ?? "", isMatch: n === i + 1 })) return false;
    }
    lastReported = i + 1;
    // Trailing context; a match inside it is reported by the loop as a match instead.
    let n = i + 2;
    while (n <= Math.min(lines.length, i + 1 + context) && !regex.test(lines[n - 1] ?? "")) {
      if (!onHit({ file, line: n, text: lines[n - 1] ?? "", isMatch: false })) return false;
      lastReported = n;
      n++;
    }
    i = n - 2;
  }
  return true;
}
