import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Sends Node's process warnings (deprecations, listener-leak hints, often from dependencies)
 * to a log file instead of stderr, where they would land on top of the REPL's screen.
 * Returns a function that puts the previous handling back.
 */
export function logProcessWarnings(file: string): () => void {
  const previous = process.listeners("warning");
  // Node prints warnings from a listener of its own; without it nothing reaches stderr.
  process.removeAllListeners("warning");
  const onWarning = (warning: Error): void => {
    try {
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${new Date().toISOString()} ${warning.name}: ${warning.message}\n`, {
        mode: 0o600,
      });
    } catch {
      // A warning is not worth failing for.
    }
  };
  process.on("warning", onWarning);
  return () => {
    process.off("warning", onWarning);
    for (const listener of previous) process.on("warning", listener);
  };
}
