import { randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** A lock older than this whose holder cannot be proven alive is broken; default 30 s. */
  readonly staleMs?: number;
  /** Give up waiting after this long; default 60 s. */
  readonly timeoutMs?: number;
  /** Mode of the directory if it has to be created. */
  readonly dirMode?: number;
  /** Told once when another process holds the lock and this one starts waiting (diagnostics). */
  readonly onWait?: (holder: LockHolder) => void;
}

/** Who holds a lock file: the pid and time it wrote, and whether that process still runs. */
export interface LockHolder {
  readonly pid: number | undefined;
  /** How long ago the lock was taken (ms), by the time it names, else the file's mtime. */
  readonly ageMs: number | undefined;
  readonly alive: boolean | undefined;
}

function holderOf(content: string, mtimeMs: number | undefined, now: number): LockHolder {
  const [pidText, timeText] = content.split(" ");
  const pid = Number.parseInt(pidText ?? "", 10);
  const taken = Number.parseInt(timeText ?? "", 10);
  const since = Number.isInteger(taken) && taken > 0 ? taken : mtimeMs;
  const known = Number.isInteger(pid) && pid > 0;
  return {
    pid: known ? pid : undefined,
    ageMs: since === undefined ? undefined : Math.max(0, now - since),
    alive: known ? isAlive(pid) : undefined,
  };
}

/** The holder of the lock `file`, or undefined when nobody holds it (no file). */
export async function readLockHolder(
  file: string,
  now: number = Date.now(),
): Promise<LockHolder | undefined> {
  try {
    const [content, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
    return holderOf(content, info.mtimeMs, now);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

/** Waiting for a lock took longer than `timeoutMs`. */
export class FileLockTimeoutError extends Error {
  override readonly name = "FileLockTimeoutError";
  constructor(file: string, timeoutMs: number) {
    super(`timed out after ${timeoutMs}ms waiting for the lock ${file}`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function errorCode(error: unknown): string | undefined {
  return error !== null &&
    typeof error === "object" &&
    "code" in error &&
    typeof error.code === "string"
    ? error.code
    : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === "EPERM";
  }
}

/** The holder is gone (dead pid) or the lock is older than `staleMs`. */
async function isStale(file: string, content: string, staleMs: number): Promise<boolean> {
  const pid = Number.parseInt(content.split(" ")[0] ?? "", 10);
  if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) return true;
  try {
    const info = await stat(file);
    return Date.now() - info.mtimeMs > staleMs;
  } catch {
    return false;
  }
}

/** Removes a stale lock without ever removing a fresh one a peer took in the meantime. */
async function breakStaleLock(file: string, staleContent: string): Promise<void> {
  const aside = `${file}.${randomBytes(4).toString("hex")}.stale`;
  try {
    await rename(file, aside);
  } catch {
    return; // someone else broke it first
  }
  const taken = await readFile(aside, "utf8").catch(() => "");
  if (taken !== staleContent) {
    // We moved a peer's fresh lock aside: put it back unless yet another process locked meanwhile.
    await link(aside, file).catch(() => {});
  }
  await rm(aside, { force: true });
}

/**
 * Runs `fn` while holding an exclusive lock shared by every process on this machine: a file
 * created with O_EXCL holding `<pid> <time>`, removed when `fn` settles. A lock left behind by a
 * process that died is broken after checking its pid (or its age).
 */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  await mkdir(dirname(file), {
    recursive: true,
    ...(options.dirMode !== undefined && { mode: options.dirMode }),
  });
  const content = `${process.pid} ${Date.now()} ${randomBytes(4).toString("hex")}`;
  let waiting = false;
  for (;;) {
    try {
      const handle = await open(file, "wx", 0o600);
      try {
        await handle.writeFile(content, "utf8");
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
    const holder = await readFile(file, "utf8").catch(() => undefined);
    if (holder !== undefined && holder !== "" && (await isStale(file, holder, staleMs))) {
      await breakStaleLock(file, holder);
      continue;
    }
    if (!waiting && holder !== undefined && options.onWait) {
      options.onWait(holderOf(holder, undefined, Date.now()));
    }
    waiting = true;
    if (Date.now() - started > timeoutMs) throw new FileLockTimeoutError(file, timeoutMs);
    await sleep(5 + Math.random() * 20);
  }
  try {
    return await fn();
  } finally {
    // Only remove our own lock (a peer may have broken it as stale and taken it).
    const current = await readFile(file, "utf8").catch(() => undefined);
    if (current === content) await rm(file, { force: true });
  }
}
