import { constants, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { fsErrorText } from "./common.js";

/** What reading a file gave. */
export type ReadResult =
  | { readonly kind: "ok"; readonly buffer: Buffer; readonly size: number; readonly mode: number }
  | { readonly kind: "too-large"; readonly size: number }
  /** Not a regular file, or an error from the file system, as a sentence for the model. */
  | { readonly kind: "error"; readonly message: string; readonly code?: string }
  | { readonly kind: "cancelled" };

/** Options of `readRegularFile`. */
export interface ReadOptions {
  /** Shown in messages. */
  readonly display: string;
  readonly maxBytes: number;
  /** Esc: a read that hangs (a slow network file system) ends at once. */
  readonly signal?: AbortSignal;
  /** Opens the file; tests hand in a file system that hangs. */
  readonly openFile?: (path: string, flags: number) => Promise<FileHandle>;
}

const CHUNK = 64 * 1024;

/** What a non-regular file is, in words. */
export function fileKind(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/**
 * Reads a regular file whole, refusing FIFOs, sockets and devices (which would block forever or
 * never end). The file is opened non-blocking, so opening a FIFO that appeared after a check
 * cannot hang, and the type is checked on the open handle, so nothing can swap it in between.
 * Reads go in chunks, each raced against `signal`.
 */
export async function readRegularFile(path: string, options: ReadOptions): Promise<ReadResult> {
  const { signal, display } = options;
  if (signal?.aborted) return { kind: "cancelled" };
  const openFile = options.openFile ?? ((p: string, flags: number) => open(p, flags));
  let handle: FileHandle;
  try {
    const opening = openFile(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const opened = await untilAborted(opening, signal);
    if (opened === undefined) {
      // Cancelled while opening: close the handle whenever the open completes.
      opening.then((late) => late.close()).catch(() => {});
      return { kind: "cancelled" };
    }
    handle = opened;
  } catch (error) {
    return fsError(error, display);
  }
  let finished = false;
  const close = (): void => {
    // A read still pending in the thread pool keeps the handle until it returns.
    if (!finished) void handle.close().catch(() => {});
    finished = true;
  };
  try {
    const info = await untilAborted(handle.stat(), signal);
    if (info === undefined) return { kind: "cancelled" };
    if (info.isDirectory())
      return { kind: "error", code: "EISDIR", message: `${display} is a directory` };
    if (!info.isFile()) {
      return {
        kind: "error",
        message: `${display} is ${fileKind(info)}, not a regular file: wren only reads regular files`,
      };
    }
    if (info.size > options.maxBytes) return { kind: "too-large", size: info.size };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(CHUNK);
      const read = await untilAborted(handle.read(buffer, 0, CHUNK, total), signal);
      if (read === undefined) return { kind: "cancelled" };
      if (read.bytesRead === 0) break;
      chunks.push(buffer.subarray(0, read.bytesRead));
      total += read.bytesRead;
      // The file grew while being read: stop at the limit rather than read without end.
      if (total > options.maxBytes) return { kind: "too-large", size: total };
    }
    return { kind: "ok", buffer: Buffer.concat(chunks), size: total, mode: info.mode };
  } catch (error) {
    if (signal?.aborted) return { kind: "cancelled" };
    return fsError(error, display);
  } finally {
    close();
  }
}

function fsError(error: unknown, display: string): ReadResult {
  const code =
    error instanceof Error && "code" in error && typeof error.code === "string"
      ? error.code
      : undefined;
  return {
    kind: "error",
    message: fsErrorText(error, display),
    ...(code !== undefined && { code }),
  };
}

/** Resolves with the promise's value, or undefined as soon as `signal` aborts. */
function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T | undefined> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.resolve(undefined);
  }
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
