import { closeSync, fchmodSync, fstatSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ensurePrivateDirSync, PRIVATE_FILE_MODE } from "./private-fs.js";
import { redactSecrets } from "./redact.js";

/** Size at which a log file is rotated to `<file>.1` (one previous file is kept). */
export const LOG_MAX_BYTES = 1024 * 1024;
/** Longest line kept; the rest of a longer line (an HTTP error body, a dump) is dropped. */
export const LOG_MAX_LINE = 2000;

/** Options of {@link openLogFile}. */
export interface LogFileOptions {
  /** Rotation size; {@link LOG_MAX_BYTES} by default. */
  readonly maxBytes?: number;
  /** Known secret values (header values, client secrets) to blank out besides the patterns. */
  readonly secrets?: readonly (string | undefined)[];
  readonly now?: () => Date;
}

/** An append-only log under WREN_HOME: private, size-capped, escaped and redacted. */
export interface LogFile {
  /** One timestamped entry written by wren; newlines inside are escaped, so it stays one line. */
  entry(text: string): void;
  /** Output of another program (a server's stderr), split into lines as it arrives. */
  output(chunk: string): void;
  /** Writes a pending partial line and closes the file. */
  close(): void;
}

/**
 * Control characters as visible text (`\x1b`, `\u202e`): a log read with `cat` or `tail -f`
 * must not drive the terminal, and bidi overrides must not hide what a line says.
 */
export function escapeControls(text: string, keepNewlines = false): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
    /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => {
      if (keepNewlines && c === "\n") return c;
      const code = c.charCodeAt(0);
      return code <= 0xff
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`;
    },
  );
}

function clip(line: string): string {
  return line.length > LOG_MAX_LINE ? `${line.slice(0, LOG_MAX_LINE)}… [truncated]` : line;
}

/**
 * Opens `file` for appending: 0600 in a 0700 directory, rotated to `<file>.1` past `maxBytes`,
 * every line escaped, redacted and clipped to {@link LOG_MAX_LINE}. Writes are synchronous, so
 * lines never interleave and nothing is lost when wren exits; a log that cannot be written
 * never takes wren down (it just stops logging).
 */
export function openLogFile(file: string, options: LogFileOptions = {}): LogFile {
  const maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
  const secrets = options.secrets ?? [];
  const now = options.now ?? (() => new Date());
  let fd: number | undefined;
  let size = 0;
  let broken = false;
  let partial = "";
  let skipping = false;

  const openFd = (): number | undefined => {
    if (fd !== undefined || broken) return fd;
    try {
      ensurePrivateDirSync(dirname(file));
      fd = openSync(file, "a", PRIVATE_FILE_MODE);
      // An existing log keeps its mode on open; older versions wrote them 0644.
      fchmodSync(fd, PRIVATE_FILE_MODE);
      size = fstatSync(fd).size;
    } catch {
      broken = true;
      fd = undefined;
    }
    return fd;
  };

  const write = (text: string): void => {
    const bytes = Buffer.byteLength(text);
    let handle = openFd();
    if (handle === undefined) return;
    try {
      if (size > 0 && size + bytes > maxBytes) {
        closeSync(handle);
        fd = undefined;
        renameSync(file, `${file}.1`);
        handle = openFd();
        if (handle === undefined) return;
      }
      writeSync(handle, text);
      size += bytes;
    } catch {
      broken = true;
    }
  };

  const clean = (line: string): string => clip(redactSecrets(escapeControls(line), secrets));

  return {
    entry(text) {
      write(`[${now().toISOString()}] ${clean(text)}\n`);
    },
    output(chunk) {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const raw of lines) {
        if (skipping) {
          skipping = false;
          continue;
        }
        write(`${clean(raw.replace(/\r$/, ""))}\n`);
      }
      // A line without end (a flood without newlines) is written clipped, and its rest dropped.
      if (partial.length > LOG_MAX_LINE * 2) {
        if (!skipping) write(`${clean(partial)}\n`);
        skipping = true;
        partial = "";
      }
    },
    close() {
      if (partial !== "" && !skipping) write(`${clean(partial)}\n`);
      partial = "";
      if (fd !== undefined) {
        try {
          closeSync(fd);
        } catch {
          // Already gone.
        }
      }
      fd = undefined;
      broken = true;
    },
  };
}
