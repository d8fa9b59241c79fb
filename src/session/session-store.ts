import { randomUUID } from "node:crypto";
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ChatMessage } from "../messages.js";
import { projectSlug, type WrenPaths } from "../utils/paths.js";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../utils/private-fs.js";

/** A stored session, as listed by `.sessions`. */
export interface SessionInfo {
  readonly id: string;
  readonly file: string;
  readonly created: string;
  /** Last write (file modification time). */
  readonly updated: Date;
  /** The first user message, shortened: what the session was about. */
  readonly title: string;
  readonly messageCount: number;
}

/** Appends messages to one session file, one JSON line each, as they complete. */
export interface SessionWriter {
  readonly id: string;
  append(message: ChatMessage): Promise<void>;
  /** Records that only the first `count` messages stand (`.retry` replaces the last answer). */
  rewind(count: number): Promise<void>;
  /** Resolves when every append so far is on disk; then closes the file. */
  close(): Promise<void>;
}

/** Sessions of one project under `WREN_HOME/sessions/<project>/`. */
export interface SessionStore {
  /** A new session; its file is created with the first message. */
  create(): SessionWriter;
  /** Loads a session by id (or unique id prefix) and continues appending to it. */
  resume(
    id: string,
  ): Promise<{ info: SessionInfo; messages: ChatMessage[]; writer: SessionWriter }>;
  /** Sessions, newest first. */
  list(limit?: number): Promise<SessionInfo[]>;
}

/** Thrown when `--resume ID` or `.sessions ID` names no session. */
export class SessionNotFoundError extends Error {
  override readonly name = "SessionNotFoundError";
}

interface HeaderLine {
  type: "session";
  version: 1;
  id: string;
  project: string;
  created: string;
}

/** Creates the store for the project in `paths`. */
export function createSessionStore(
  paths: WrenPaths,
  options: { now?: () => Date; newId?: () => string } = {},
): SessionStore {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const dir = join(paths.sessionsDir, projectSlug(paths.project));

  function writer(id: string, file: string, header?: HeaderLine): SessionWriter {
    // Appends run one after another so lines never interleave; the file opens on first use.
    let chain: Promise<void> = Promise.resolve();
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    let pendingHeader = header;
    const write = async (line: string): Promise<void> => {
      if (!handle) {
        // Sessions hold whatever the model and tools saw: 0700 all the way from WREN_HOME down.
        await ensurePrivateDir(paths.home);
        await ensurePrivateDir(paths.sessionsDir);
        await ensurePrivateDir(dir);
        handle = await open(file, "a", PRIVATE_FILE_MODE);
        await handle.chmod(PRIVATE_FILE_MODE);
      }
      await handle.write(line);
    };
    const enqueue = (record: unknown): Promise<void> => {
      const run = chain.then(async () => {
        if (pendingHeader) {
          await write(`${JSON.stringify(pendingHeader)}\n`);
          pendingHeader = undefined;
        }
        await write(`${JSON.stringify(record)}\n`);
      });
      chain = run.catch(() => {});
      return run;
    };
    return {
      id,
      append: (message) => enqueue({ type: "message", message }),
      rewind: (count) => enqueue({ type: "rewind", count }),
      async close() {
        await chain;
        await handle?.close();
        handle = undefined;
      },
    };
  }

  async function read(file: string): Promise<{ header?: HeaderLine; messages: ChatMessage[] }> {
    const text = await readFile(file, "utf8");
    let header: HeaderLine | undefined;
    const messages: ChatMessage[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue; // a line torn by a crash mid-write: the rest of the session is still good
      }
      if (!isRecord(value)) continue;
      if (value.type === "session" && typeof value.id === "string") {
        header = {
          type: "session",
          version: 1,
          id: value.id,
          project: typeof value.project === "string" ? value.project : "",
          created: typeof value.created === "string" ? value.created : "",
        };
      } else if (value.type === "message" && isMessage(value.message)) {
        messages.push(value.message);
      } else if (value.type === "rewind" && typeof value.count === "number") {
        messages.length = Math.min(messages.length, Math.max(0, value.count));
      }
    }
    return { ...(header && { header }), messages };
  }

  async function info(file: string): Promise<SessionInfo | undefined> {
    try {
      const [{ header, messages }, stats] = await Promise.all([read(file), stat(file)]);
      if (!header) return undefined;
      const first = messages.find((m) => m.role === "user");
      const title = first?.role === "user" ? first.text.replace(/\s+/g, " ").trim() : "";
      return {
        id: header.id,
        file,
        created: header.created,
        updated: stats.mtime,
        title: title.length > 72 ? `${title.slice(0, 71)}…` : title,
        messageCount: messages.length,
      };
    } catch {
      return undefined;
    }
  }

  async function list(limit = Number.POSITIVE_INFINITY): Promise<SessionInfo[]> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith(".jsonl"));
    } catch {
      return [];
    }
    const infos = (await Promise.all(names.map((n) => info(join(dir, n))))).filter(
      (i): i is SessionInfo => i !== undefined,
    );
    return infos.sort((a, b) => b.updated.getTime() - a.updated.getTime()).slice(0, limit);
  }

  return {
    create() {
      const id = newId();
      const header: HeaderLine = {
        type: "session",
        version: 1,
        id,
        project: paths.project,
        created: now().toISOString(),
      };
      return writer(id, join(dir, `${id}.jsonl`), header);
    },
    async resume(id) {
      const all = await list();
      const matches = all.filter((s) => s.id === id || s.id.startsWith(id));
      const found =
        matches.find((s) => s.id === id) ?? (matches.length === 1 ? matches[0] : undefined);
      if (!found) {
        const why =
          matches.length > 1 ? `"${id}" matches ${matches.length} sessions` : `no session "${id}"`;
        throw new SessionNotFoundError(`${why} in ${paths.project} (.sessions lists them)`);
      }
      const { messages } = await read(found.file);
      return { info: found, messages, writer: writer(found.id, found.file) };
    },
    list,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isMessage(value: unknown): value is ChatMessage {
  if (!isRecord(value) || typeof value.id !== "string") return false;
  if (value.role === "user") return typeof value.text === "string";
  if (value.role === "assistant") return Array.isArray(value.parts);
  if (value.role === "tool") return Array.isArray(value.results);
  return false;
}
