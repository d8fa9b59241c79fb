import { UnauthorizedError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { McpNeedsAuthError } from "../errors.js";
import { type AuthRetryProvider, withAuthRetry } from "./auth-retry.js";
import type { AuthorizationResponse } from "./callback-input.js";
import { McpAuthCancelledError } from "./errors.js";
import type { SignInResult } from "./sign-in-session.js";

const label = (r: SignInResult): string => ("kind" in r ? "device" : `${r.code}|${r.iss ?? ""}`);

function provider(
  pending?: Promise<AuthorizationResponse>,
  steppingUp = false,
): AuthRetryProvider & { ended: number; abandoned: number; tokensSaved: number } {
  return {
    ended: 0,
    abandoned: 0,
    tokensSaved: 0,
    steppingUp,
    takePendingCode: () => pending,
    endOperation() {
      this.ended++;
    },
    abandonPendingSignIn() {
      this.abandoned++;
    },
  };
}

describe("withAuthRetry", () => {
  it("rethrows errors that are not a 401 untouched, even with a sign-in pending", async () => {
    const error = new Error("boom");
    const p = provider(Promise.resolve({ code: "code" }));
    await expect(
      withAuthRetry(() => Promise.reject(error), { provider: p, finishAuth: async () => {} }),
    ).rejects.toBe(error);
    expect(p.ended).toBe(1);
  });

  it("rethrows a 401 that started no sign-in", async () => {
    const error = new McpNeedsAuthError("s", { cause: new UnauthorizedError() });
    await expect(
      withAuthRetry(() => Promise.reject(error), {
        provider: provider(),
        finishAuth: async () => {},
      }),
    ).rejects.toBe(error);
  });

  it("retries once without a sign-in of its own when another caller saved tokens meanwhile", async () => {
    // The GET stream's sign-in finished while this call was refused: no code to wait for.
    const p = provider();
    let attempts = 0;
    const result = await withAuthRetry(
      async () => {
        attempts++;
        if (attempts > 1) return "ok";
        p.tokensSaved++;
        throw new UnauthorizedError();
      },
      { provider: p, finishAuth: async () => expect.fail("nothing to exchange") },
    );
    expect(result).toBe("ok");
    expect(attempts).toBe(2);
    // Refused again with no new tokens: the 401 stands.
    await expect(
      withAuthRetry(() => Promise.reject(new UnauthorizedError()), {
        provider: p,
        finishAuth: async () => {},
      }),
    ).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("waits for the code, exchanges it, and retries once", async () => {
    const exchanged: string[] = [];
    let attempts = 0;
    const result = await withAuthRetry(
      async () => {
        attempts++;
        if (attempts === 1) throw new UnauthorizedError();
        return "ok";
      },
      {
        provider: provider(Promise.resolve({ code: "the-code", iss: "https://as" })),
        finishAuth: async (r) => void exchanged.push(label(r)),
      },
    );
    expect(result).toBe("ok");
    expect(exchanged).toEqual(["the-code|https://as"]);
    expect(attempts).toBe(2);
  });

  it("signs in a second time only for a step-up, and never a third", async () => {
    const exchanged: string[] = [];
    let attempts = 0;
    const p = provider(Promise.resolve({ code: "code" }), true);
    await expect(
      withAuthRetry(
        async () => {
          attempts++;
          throw new UnauthorizedError();
        },
        { provider: p, finishAuth: async (r) => void exchanged.push(label(r)) },
      ),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    expect(attempts).toBe(3);
    expect(exchanged).toEqual(["code|", "code|"]);
    expect(p.abandoned).toBe(1);
  });

  it("uses `retry` when given (a fresh pair at connect) and never retries twice", async () => {
    const second = new UnauthorizedError("again");
    const p = provider(Promise.resolve({ code: "c" }));
    await expect(
      withAuthRetry(() => Promise.reject(new UnauthorizedError()), {
        provider: p,
        finishAuth: async () => {},
        retry: () => Promise.reject(second),
      }),
    ).rejects.toBe(second);
    // The sign-in the failed retry started is ended, not left waiting for the user.
    expect(p.abandoned).toBe(1);
  });

  it("surfaces a cancelled sign-in", async () => {
    const cancelled = new McpAuthCancelledError("s");
    await expect(
      withAuthRetry(() => Promise.reject(new UnauthorizedError()), {
        provider: provider(Promise.reject(cancelled)),
        finishAuth: async () => {},
      }),
    ).rejects.toBe(cancelled);
  });
});
