// A server's log file: stdio stderr and wren's diagnostics, secrets blanked; the last stderr
// line is kept for error messages.
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { McpServerConfig } from "../config/schema.js";
import { openLogFile } from "../utils/log-file.js";
import type { WrenPaths } from "../utils/paths.js";
import { redactNamedValue, redactSecrets } from "../utils/redact.js";

/** The log file receiving a server's stderr and diagnostics: `<logs>/mcp-<name>.log`. */
export function serverLogFile(paths: WrenPaths, name: string): string {
  return join(paths.logsDir, `mcp-${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.log`);
}

/** Appends timestamped lines to the server's log file; keeps the last stderr line for errors. */
export interface ServerLog {
  line(text: string): void;
  /** Feeds raw stderr output from the child. */
  stderr(chunk: Buffer | string): void;
  lastStderrLine(): string | undefined;
  close(): void;
}

/** Opens (appends to) the log of `server`; values its config marks as secret never reach it. */
export function openServerLog(paths: WrenPaths, server: McpServerConfig): ServerLog {
  // Values the config marks as secret are blanked in the log even when no pattern knows them.
  const secrets =
    server.type === "stdio"
      ? Object.entries(server.env)
          .filter(([name, value]) => redactNamedValue(name, value) !== value)
          .map(([, value]) => value)
      : [
          ...Object.values(server.headers),
          ...(server.oauth === false ? [] : [server.oauth.clientSecret]),
        ];
  const log = openLogFile(serverLogFile(paths, server.name), { secrets });
  const decoder = new StringDecoder("utf8");
  let partial = "";
  let last: string | undefined;
  return {
    line(text) {
      log.entry(text);
    },
    stderr(chunk) {
      const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
      log.output(text);
      // Only the tail matters for the last line; a flood without newlines must not pile up here.
      const lines = (partial + text).split("\n");
      partial = (lines.pop() ?? "").slice(-1000);
      for (const l of lines) if (l.trim() !== "") last = l.trim();
    },
    lastStderrLine() {
      const pending = partial.trim();
      const raw = pending !== "" ? pending : last;
      // It is quoted in error messages, which never carry secrets.
      const line = raw === undefined ? undefined : redactSecrets(raw, secrets);
      return line !== undefined && line.length > 200 ? `${line.slice(0, 199)}…` : line;
    },
    close() {
      log.close();
    },
  };
}
