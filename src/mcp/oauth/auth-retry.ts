import { UnauthorizedError } from "@modelcontextprotocol/client";
import { negotiationCause } from "../errors.js";
import type { SignInResult } from "./sign-in-session.js";

/** Whether `error` (or one of its causes) is the SDK's UnauthorizedError. */
export function isUnauthorized(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof UnauthorizedError) return true;
    // A 401 on the version probe at connect arrives wrapped in the negotiation failure.
    current = negotiationCause(current) ?? current.cause;
  }
  return false;
}

/** What withAuthRetry needs from the provider. */
export interface AuthRetryProvider {
  /** The sign-in the failed operation started (once), or undefined. */
  takePendingCode(): Promise<SignInResult> | undefined;
  /** How many times tokens were saved (sign-ins and refreshes, by any caller) so far. */
  readonly tokensSaved: number;
  /** The operation is over: forget any step-up in progress. */
  endOperation(): void;
  /** Ends a sign-in that was started but that nobody waits for. */
  abandonPendingSignIn(): void;
  /** Whether the sign-in in progress asks for more scopes (a 403 `insufficient_scope`). */
  readonly steppingUp: boolean;
}

/** Options of {@link withAuthRetry}. */
export interface AuthRetryOptions<T> {
  readonly provider: AuthRetryProvider;
  /**
   * Exchanges the code for tokens: the failed transport's `finishAuth`, which holds the
   * discovery state of this flow (or the provider's equivalent).
   */
  readonly finishAuth: (response: SignInResult) => Promise<void>;
  /**
   * What runs after the exchange, once. By default the operation again (mid-session, on the
   * live client); at connect, a fresh transport+client pair, since the SDK cannot start the
   * same transport or client twice.
   */
  readonly retry?: () => Promise<T>;
}

/**
 * Runs `operation`. When it failed because it started a sign-in (a 401, or a 403
 * `insufficient_scope` step-up), waits for the user to finish it, exchanges the code and
 * runs `retry`. That happens once, plus once more when the retry asks for more scopes
 * (signed in, then the call needs a scope the first sign-in did not grant). Any other failure
 * is rethrown untouched; a cancelled, denied or timed-out sign-in rejects with its
 * McpAuthError. A sign-in past that limit is abandoned, never left open.
 */
export async function withAuthRetry<T>(
  operation: () => Promise<T>,
  options: AuthRetryOptions<T>,
): Promise<T> {
  const { provider } = options;
  let run = operation;
  try {
    for (let signIns = 0; ; signIns++) {
      const savedBefore = provider.tokensSaved;
      try {
        return await run();
      } catch (error) {
        if (!isUnauthorized(error)) throw error;
        if (signIns === 2 || (signIns === 1 && !provider.steppingUp)) {
          provider.abandonPendingSignIn();
          throw error;
        }
        const pending = provider.takePendingCode();
        // No sign-in of its own to wait for, but a concurrent one (the GET stream's, another
        // call's) finished while this operation was refused: its tokens are worth one retry.
        if (!pending && provider.tokensSaved === savedBefore) throw error;
        if (pending) await options.finishAuth(await pending);
        run = options.retry ?? operation;
      }
    }
  } finally {
    provider.endOperation();
  }
}
