import { openLogFile } from "./log-file.js";

/**
 * Sends Node's process warnings (deprecations, listener-leak hints, often from dependencies)
 * to a log file instead of stderr, where they would land on top of the REPL's screen. The log
 * is private, size-capped and redacted like every log. Returns a function that puts the
 * previous handling back.
 */
export function logProcessWarnings(file: string): () => void {
  const previous = process.listeners("warning");
  // Node prints warnings from a listener of its own; without it nothing reaches stderr.
  process.removeAllListeners("warning");
  const log = openLogFile(file);
  const onWarning = (warning: Error): void => {
    log.entry(`${warning.name}: ${warning.message}`);
  };
  process.on("warning", onWarning);
  return () => {
    process.off("warning", onWarning);
    log.close();
    for (const listener of previous) process.on("warning", listener);
  };
}
