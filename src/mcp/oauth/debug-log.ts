// `WREN_DEBUG=oauth`: the OAuth steps of normal use (discovery, token requests and answers by
// status, refresh-lock waits, step-up challenges, issuer checks) appended to
// `$WREN_HOME/logs/oauth.log`, through the log-file utilities (0600, rotated, escaped,
// redacted) and the same exchange descriptions `wren mcp debug` shows — never a secret value.
import { join } from "node:path";
import type { FetchLike } from "@modelcontextprotocol/client";
import { openLogFile } from "../../utils/log-file.js";
import type { WrenPaths } from "../../utils/paths.js";
import { exchangeLine, traceFetch } from "./http-trace.js";

/** Whether `WREN_DEBUG` (a comma- or space-separated list) asks for the OAuth trace. */
export function oauthDebugEnabled(env: NodeJS.ProcessEnv): boolean {
  const topics = (env.WREN_DEBUG ?? "").toLowerCase().split(/[\s,]+/);
  return topics.includes("oauth") || topics.includes("all");
}

/** The file the trace goes to. */
export function oauthLogFile(paths: WrenPaths): string {
  return join(paths.logsDir, "oauth.log");
}

/** The options of an OAuth instance that the trace taps. */
interface Tappable {
  readonly paths: WrenPaths;
  readonly env?: NodeJS.ProcessEnv;
  readonly fetch?: FetchLike;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

/**
 * `options` unchanged, or — with `WREN_DEBUG=oauth` — with its fetch traced and its diagnostics
 * copied to `oauth.log`. Each line opens and closes the file, so nothing stays open for an app
 * that never ends its OAuth instance.
 */
export function withOAuthDebugLog<T extends Tappable>(options: T): T {
  if (!oauthDebugEnabled(options.env ?? process.env)) return options;
  const file = oauthLogFile(options.paths);
  const now = options.now;
  const write = (line: string): void => {
    const log = openLogFile(file, now ? { now: () => new Date(now()) } : {});
    log.entry(line);
    log.close();
  };
  const log = options.log;
  return {
    ...options,
    fetch: traceFetch(options.fetch ?? fetch, (exchange) => write(exchangeLine(exchange))),
    log: (line: string) => {
      write(line);
      log?.(line);
    },
  };
}
