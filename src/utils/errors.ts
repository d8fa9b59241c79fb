/** The message of anything thrown: an Error's message, else the value as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A command line (or a request in it) the user has to fix; `cli.tsx` prints the message and
 * exits 2. ArgsError (a parse failure) is one.
 */
export class UsageError extends Error {
  override readonly name: string = "UsageError";
}

/**
 * A task that failed, with a message already worded for the user (the server named, the
 * command that fixes it); `cli.tsx` prints it and exits 1.
 */
export class TaskFailedError extends Error {
  override readonly name = "TaskFailedError";
}

/**
 * How a command ended when it reported the outcome itself (a tool result with isError, print
 * mode's JSON result): `cli.tsx` maps it to the exit code; nothing else knows the numbers.
 */
export type CommandOutcome = "ok" | "failed" | "usage";
