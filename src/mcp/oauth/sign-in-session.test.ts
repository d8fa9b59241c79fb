import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { McpAuthError } from "../errors.js";
import { type AuthPrompt, type AuthPromptStore, createAuthPromptStore } from "./auth-store.js";
import { McpAuthCancelledError } from "./errors.js";
import { SignInSession } from "./sign-in-session.js";

const challenge = (verifier: string): string =>
  createHash("sha256").update(verifier).digest("base64url");

function authorizationUrl(state: string, verifier: string): URL {
  const url = new URL("https://as.example/authorize?client_id=c");
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", challenge(verifier));
  return url;
}

function promptOf(store: AuthPromptStore): AuthPrompt {
  const prompt = store.getSnapshot()[0];
  if (!prompt) throw new Error("no prompt open");
  return prompt;
}

/** Resolves once the open prompt shows an error. */
function nextError(store: AuthPromptStore): Promise<string> {
  return new Promise((resolve) => {
    const check = (): void => {
      const error = store.getSnapshot()[0]?.error;
      if (error !== undefined) {
        unsubscribe();
        resolve(error);
      }
    };
    const unsubscribe = store.subscribe(check);
    check();
  });
}

let session: SignInSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function started(
  requireIss = false,
): Promise<{ session: SignInSession; store: AuthPromptStore; state: string }> {
  const s = new SignInSession({ server: "s" });
  session = s;
  const store = createAuthPromptStore();
  await s.listen(undefined);
  const state = s.newState();
  // Two concurrent auth() calls each made a verifier; the URL shown carries the second's.
  s.addVerifier("first-verifier-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  s.addVerifier("second-verifier-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  s.redirect(authorizationUrl(state, "second-verifier-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), {
    signIn: { interaction: store },
    scope: undefined,
    clients: [],
    requireIss,
    onFailed: () => {},
  });
  return { session: s, store, state };
}

describe("SignInSession", () => {
  it("keeps the verifier in one place: the sign-in whose URL is shown", async () => {
    const s = new SignInSession({ server: "s" });
    session = s;
    expect(() => s.verifier()).toThrow(McpAuthError);
    const { session: active } = await started();
    expect(active.verifier()).toBe("second-verifier-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  });

  it("a concurrent redirect joins the open prompt; the code goes to whoever takes it", async () => {
    const { session: s, store, state } = await started();
    s.redirect(authorizationUrl(state, "x"), {
      signIn: { interaction: store },
      scope: undefined,
      clients: [],
      requireIss: false,
      onFailed: () => {},
    });
    expect(store.getSnapshot()).toHaveLength(1);
    const pending = s.takePendingCode();
    promptOf(store).submit(`?code=abc123XYZ&state=${state}&iss=https%3A%2F%2Fas.example`);
    expect(await pending).toEqual({ code: "abc123XYZ", iss: "https://as.example" });
  });

  it("when the server promises iss, a bare pasted code is answered in place, not used", async () => {
    const { session: s, store, state } = await started(true);
    const pending = s.takePendingCode();
    promptOf(store).submit("abc123XYZabc");
    expect(await nextError(store)).toMatch(/paste the whole URL/);
    promptOf(store).submit(`?code=abc123XYZ&state=${state}&iss=https%3A%2F%2Fas.example`);
    expect(await pending).toEqual({ code: "abc123XYZ", iss: "https://as.example" });
  });

  it("Esc ends the sign-in; the failure is kept for the caller still on its way", async () => {
    let failed = 0;
    const s = new SignInSession({ server: "s" });
    session = s;
    const store = createAuthPromptStore();
    await s.listen(undefined);
    const state = s.newState();
    s.addVerifier("v-cccccccccccccccccccccccccccccccccccccccccccccccc");
    s.redirect(authorizationUrl(state, "v-cccccccccccccccccccccccccccccccccccccccccccccccc"), {
      signIn: { interaction: store },
      scope: undefined,
      clients: [],
      requireIss: false,
      onFailed: () => failed++,
    });
    const first = s.takePendingCode();
    promptOf(store).cancel();
    await expect(first).rejects.toBeInstanceOf(McpAuthCancelledError);
    expect(failed).toBe(1);
    expect(s.busy).toBe(false);
    // A second caller (its request still leaving the SDK) learns why, once.
    await expect(s.takePendingCode()).rejects.toBeInstanceOf(McpAuthCancelledError);
    expect(s.takePendingCode()).toBeUndefined();
  });

  it("an auth() that reaches its redirect after another one saved tokens retries with them", async () => {
    // The GET stream's auth() signs in while the POST's is still discovering: by the time the
    // POST's redirect arrives the sign-in is over and its listener closed.
    const { session: s, store, state } = await started();
    const first = s.takePendingCode();
    promptOf(store).submit(`?code=abc123XYZ&state=${state}`);
    await first;
    await s.exchange(
      "abc123XYZ",
      () => s.completed(),
      () => {},
    );
    s.addVerifier("late-verifier-ddddddddddddddddddddddddddddddddddddddddd");
    const late = authorizationUrl(
      s.newState(),
      "late-verifier-ddddddddddddddddddddddddddddddddddddddddd",
    );
    const context = {
      signIn: { interaction: store },
      scope: undefined,
      clients: [],
      requireIss: false,
      onFailed: () => {},
    };
    // No second prompt and no "no callback listener" error: the caller retries with the tokens.
    s.redirect(late, context);
    expect(store.getSnapshot()).toEqual([]);
    expect(s.takePendingCode()).toBeUndefined();
    // A later sign-in binds a listener again and prompts as usual.
    await s.listen(undefined);
    s.addVerifier("next-verifier-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
    s.redirect(
      authorizationUrl(s.newState(), "next-verifier-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"),
      context,
    );
    expect(store.getSnapshot()).toHaveLength(1);
  });

  it("one exchange per code, however many callers share the sign-in", async () => {
    const { session: s, store, state } = await started();
    const pending = s.takePendingCode();
    promptOf(store).submit(`?code=abc123XYZ&state=${state}`);
    const result = await pending;
    const code = result && "code" in result ? result.code : "";
    let runs = 0;
    const run = async (): Promise<void> => {
      runs++;
    };
    await Promise.all([s.exchange(code, run, () => {}), s.exchange(code, run, () => {})]);
    expect(runs).toBe(1);
    expect(s.busy).toBe(false);
  });
});
