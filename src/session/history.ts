import { appendFile, chmod, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { writeFileAtomic } from "../utils/atomic-write.js";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../utils/private-fs.js";

/** Input history persisted as JSON lines, newest last. */
export interface InputHistory {
  /** Entries loaded so far, oldest first. */
  entries(): readonly string[];
  /** Records a submitted input (consecutive duplicates are kept once). */
  add(text: string): Promise<void>;
  /** Resolves once every write started so far has finished (call before exiting). */
  flush(): Promise<void>;
}

const KEEP = 1000;

/**
 * Loads `history.jsonl` and returns a history that appends to it. Unreadable lines are
 * skipped; a file grown past twice the kept size is compacted atomically.
 */
export async function openInputHistory(file: string): Promise<InputHistory> {
  const entries: string[] = [];
  let text = "";
  try {
    text = await readFile(file, "utf8");
    // What the user typed can include secrets; older versions left the file 0644.
    await chmod(file, PRIVATE_FILE_MODE);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  for (const line of lines) {
    const entry = parseLine(line);
    if (entry !== undefined && entries.at(-1) !== entry) entries.push(entry);
  }
  if (lines.length > KEEP * 2) {
    entries.splice(0, entries.length - KEEP);
    await writeFileAtomic(file, entries.map(serialize).join(""), { mode: PRIVATE_FILE_MODE });
  }
  // Appends run one after another so lines never interleave, and exit can wait for them.
  let writes: Promise<void> = Promise.resolve();
  return {
    entries: () => entries,
    add(input: string): Promise<void> {
      if (input.trim() === "" || entries.at(-1) === input) return writes;
      entries.push(input);
      const write = writes.then(async () => {
        await ensurePrivateDir(dirname(file));
        await appendFile(file, serialize(input), { encoding: "utf8", mode: PRIVATE_FILE_MODE });
      });
      writes = write.catch(() => {});
      return write;
    },
    flush: () => writes,
  };
}

function serialize(text: string): string {
  return `${JSON.stringify({ text, time: new Date().toISOString() })}\n`;
}

function parseLine(line: string): string | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === "object" && "text" in value) {
      return typeof value.text === "string" ? value.text : undefined;
    }
  } catch {
    // A torn or hand-edited line: skip it rather than lose the rest of the history.
  }
  return undefined;
}

/** Position while walking history with ↑/↓; `index === entries.length` is the draft. */
export interface HistoryWalk {
  readonly index: number;
  /** What the user had typed before walking away from it. */
  readonly draft: string;
}

/** Steps through history; returns the new walk and the text to show, or undefined at an end. */
export function stepHistory(
  entries: readonly string[],
  walk: HistoryWalk,
  current: string,
  direction: -1 | 1,
): { walk: HistoryWalk; text: string } | undefined {
  const index = walk.index + direction;
  if (index < 0 || index > entries.length) return undefined;
  const draft = walk.index === entries.length ? current : walk.draft;
  const text = index === entries.length ? draft : (entries[index] ?? "");
  return { walk: { index, draft }, text };
}
