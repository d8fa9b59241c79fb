// One interactive sign-in, from the `state` and PKCE verifier auth() asks for to the exchange
// of the code: the loopback listener, the prompt where loopback and paste race, Esc and the
// timeout. The verifier lives here only, in memory: the exchange runs in this process.
import { createHash, randomBytes } from "node:crypto";
import type { OAuthTokens } from "@modelcontextprotocol/client";
import type { OpenUrlResult } from "../../utils/open-url.js";
import { McpAuthError } from "../errors.js";
import type { AuthInteraction } from "./auth-store.js";
import type { AuthorizationResponse } from "./callback-input.js";
import { CallbackListener } from "./callback-listener.js";
import type { DeviceClock } from "./device-flow.js";
import { waitForAuthorizationCode } from "./flow.js";
import type { Loopback } from "./loopback.js";
import type { StoredClient } from "./oauth-state.js";

/** What an interactive sign-in needs; absent at startup and in print mode. */
export interface SignInOptions {
  readonly interaction: AuthInteraction;
  /** Opens the browser; undefined in headless mode (the prompt then leads with the paste input). */
  readonly openBrowser?: (url: string) => Promise<OpenUrlResult>;
  /** Shown when headless: why no browser opens. */
  readonly headlessReason?: string;
  /** The `ssh -L` hint for a port, shown when headless. */
  readonly sshHint?: (port: number) => string;
  readonly timeoutMs?: number;
  /** Binds the loopback listener (tests inject failures). */
  readonly startLoopback?: (port: number) => Promise<Loopback>;
  readonly signal?: AbortSignal;
  /** `oauth.method` or `wren mcp auth --device`: how to sign in; automatic when absent. */
  readonly method?: "device" | "browser";
  /** The clock device sign-ins poll by (tests move it instead of waiting). */
  readonly deviceClock?: DeviceClock;
}

/** A device sign-in (RFC 8628) ends with tokens already issued: there is no code to exchange. */
export interface DeviceGrantResult {
  readonly kind: "device";
  readonly tokens: OAuthTokens;
}

/** How a sign-in ended: an authorization response to exchange, or a device grant's tokens. */
export type SignInResult = AuthorizationResponse | DeviceGrantResult;

/** The sign-in between the redirect and the exchange of its code. */
interface ActiveSignIn {
  /** The PKCE verifier; none for a device sign-in. */
  readonly verifier: string | undefined;
  readonly code: Promise<SignInResult>;
  /** A device sign-in: its token requests present {@link client} as well. */
  readonly device: boolean;
  readonly exchanges: Map<string, Promise<void>>;
  /** Ends the prompt and the wait for the callback. */
  readonly abandon: AbortController;
  /** Whether a caller took the code with takePendingCode() and waits for it. */
  taken: boolean;
  /**
   * The client the authorization URL names. A peer process may store another one meanwhile
   * (two first sign-ins at once): the code is exchanged, and the tokens stored, with this one.
   */
  readonly client: StoredClient | undefined;
  /** The loopback port of the redirect URI the code was issued for (the exchange names it too). */
  readonly redirectPort: number;
}

/** What {@link SignInSession.redirect} is told besides the URL. */
export interface RedirectContext {
  readonly signIn: SignInOptions;
  /** The scope to ask for instead of the one auth() chose (a step-up, `--scope`). */
  readonly scope: string | undefined;
  /** The clients the URL's client_id may belong to (just obtained, or stored). */
  readonly clients: readonly (StoredClient | undefined)[];
  /** RFC 9207: the authorization server promises `iss`, so a bare pasted code is not enough. */
  readonly requireIss: boolean;
  /** Called once the prompt ended without a code (cancelled, denied, timed out). */
  readonly onFailed: () => void;
}

/** Options of {@link SignInSession}. */
export interface SignInSessionOptions {
  readonly server: string;
  /** `oauth.callbackPort`: the only port tried. */
  readonly callbackPort?: number;
  readonly log?: (line: string) => void;
}

const challengeOf = (verifier: string): string =>
  createHash("sha256").update(verifier).digest("base64url");

/**
 * The sign-in of one provider. Concurrent `auth()` calls (a POST and the GET stream both
 * refused) each produce a state and a verifier; the first to redirect opens the one prompt,
 * and the verifier of the URL it shows is the one the exchange sends.
 */
export class SignInSession {
  private readonly server: string;
  private readonly listener: CallbackListener;
  private lastState: string | undefined;
  /** Verifiers auth() made, by their S256 challenge, until one is shown in a prompt. */
  private readonly candidates = new Map<string, string>();
  private active: ActiveSignIn | undefined;
  private exchanging = false;
  /** A sign-in that failed (cancelled, denied, timed out) before its caller asked for it. */
  private failed: Promise<SignInResult> | undefined;
  /** Tokens were saved since the listener was last bound (it closes once they are). */
  private savedSinceListen = false;

  constructor(options: SignInSessionOptions) {
    this.server = options.server;
    this.listener = new CallbackListener({
      server: options.server,
      ...(options.callbackPort !== undefined && { callbackPort: options.callbackPort }),
      ...(options.log && { log: options.log }),
    });
  }

  /** Whether a sign-in is between its redirect and the end of its exchange. */
  get busy(): boolean {
    return this.active !== undefined || this.exchanging;
  }

  /** The port of the bound listener, else of the sign-in whose code is being exchanged. */
  get redirectPort(): number | undefined {
    return this.listener.loopback?.port ?? this.active?.redirectPort;
  }

  /** The port the listener is bound to right now, if it is. */
  get listeningPort(): number | undefined {
    return this.listener.loopback?.port;
  }

  /** During the exchange: the client the authorization URL named. */
  get exchangeClient(): StoredClient | undefined {
    return this.exchanging || this.active?.device ? this.active?.client : undefined;
  }

  /** A new `state` for an authorization request. */
  newState(): string {
    this.lastState = randomBytes(24).toString("base64url");
    return this.lastState;
  }

  /** Keeps a verifier auth() made until its URL is shown (or another one is). */
  addVerifier(verifier: string): void {
    this.candidates.set(challengeOf(verifier), verifier);
  }

  /** The verifier of the sign-in whose code is exchanged. */
  verifier(): string {
    const verifier = this.active?.verifier;
    if (verifier === undefined) throw new McpAuthError(this.server, "no sign-in in progress");
    return verifier;
  }

  /** Binds the loopback listener (remembered port, else ephemeral) unless it is bound. */
  listen(
    rememberedPort: number | undefined,
    bind?: (port: number) => Promise<Loopback>,
  ): Promise<void> {
    if (!this.listener.loopback) this.savedSinceListen = false;
    return this.listener.ensure(rememberedPort, bind);
  }

  /** A new auth() call starts: an older failure is nobody's answer any more. */
  forgetFailure(): void {
    this.failed = undefined;
  }

  /**
   * auth() redirects: opens the prompt (browser or paste) unless one is open already, which
   * then serves this call too. The code it resolves with is taken by {@link takePendingCode}.
   */
  redirect(authorizationUrl: URL, context: RedirectContext): void {
    if (this.active) return;
    const loopback = this.listener.loopback;
    const expectedState = authorizationUrl.searchParams.get("state") ?? this.lastState;
    const challenge = authorizationUrl.searchParams.get("code_challenge") ?? "";
    const verifier = this.candidates.get(challenge);
    this.candidates.clear();
    if (!loopback && this.savedSinceListen) {
      // This auth() found no usable tokens and went on to authorize, but another one (a
      // concurrent sign-in or refresh, e.g. the GET stream's) saved tokens and closed the
      // listener first: no second prompt; the caller sees tokens were saved and retries.
      return;
    }
    if (!loopback || expectedState === undefined || verifier === undefined) {
      throw new McpAuthError(
        this.server,
        "could not start the sign-in (no callback listener); sign in again",
      );
    }
    if (context.scope !== undefined) authorizationUrl.searchParams.set("scope", context.scope);
    const { signIn } = context;
    const hint = signIn.openBrowser ? undefined : signIn.sshHint?.(loopback.port);
    const abandon = new AbortController();
    const flow = waitForAuthorizationCode({
      server: this.server,
      authorizationUrl: authorizationUrl.href,
      expectedState,
      loopback,
      interaction: signIn.interaction,
      requireIss: context.requireIss,
      ...(signIn.openBrowser && { openBrowser: signIn.openBrowser }),
      ...(signIn.headlessReason !== undefined && { headlessReason: signIn.headlessReason }),
      ...(hint !== undefined && { sshHint: hint }),
      ...(signIn.timeoutMs !== undefined && { timeoutMs: signIn.timeoutMs }),
      signal: signIn.signal ? AbortSignal.any([signIn.signal, abandon.signal]) : abandon.signal,
    });
    this.start(flow, abandon, context, {
      verifier,
      client: clientOf(authorizationUrl, context),
      redirectPort: loopback.port,
      device: false,
    });
  }

  /**
   * auth() redirects, and the sign-in is a device grant (RFC 8628): `run` asks for a user code,
   * shows it and polls until tokens are issued; no browser, callback or paste is involved.
   */
  redirectDevice(
    authorizationUrl: URL,
    context: RedirectContext,
    run: (signal: AbortSignal) => Promise<OAuthTokens>,
  ): void {
    if (this.active) return;
    this.candidates.clear();
    const abandon = new AbortController();
    const { signal } = context.signIn;
    const flow = run(signal ? AbortSignal.any([signal, abandon.signal]) : abandon.signal).then(
      (tokens): DeviceGrantResult => ({ kind: "device", tokens }),
    );
    this.start(flow, abandon, context, {
      verifier: undefined,
      client: clientOf(authorizationUrl, context),
      redirectPort: this.listener.loopback?.port ?? 0,
      device: true,
    });
  }

  private start(
    flow: Promise<SignInResult>,
    abandon: AbortController,
    context: RedirectContext,
    details: Pick<ActiveSignIn, "verifier" | "client" | "redirectPort" | "device">,
  ): void {
    const active: ActiveSignIn = {
      ...details,
      abandon,
      taken: false,
      code: flow.then(
        (response) => {
          void this.listener.release();
          return response;
        },
        (error: unknown) => {
          if (this.active === active) {
            this.active = undefined;
            // Kept for the caller whose request is still on its way out of the SDK.
            this.failed = active.code;
          }
          context.onFailed();
          void this.listener.release();
          throw error;
        },
      ),
      exchanges: new Map(),
    };
    this.active = active;
    // The SDK now throws UnauthorizedError; whoever catches it awaits `takePendingCode()`.
    active.code.catch(() => {});
  }

  /**
   * The code of the sign-in in progress (started by the failed request, or by a concurrent
   * one), or undefined when none is. After it resolves, call {@link exchange} with it.
   */
  takePendingCode(): Promise<SignInResult> | undefined {
    const failed = this.failed;
    this.failed = undefined;
    if (this.active) this.active.taken = true;
    return this.active?.code ?? failed;
  }

  /** Ends the sign-in in progress when no caller took its code (see the provider). */
  abandon(reason: McpAuthError): void {
    const active = this.active;
    if (!active || active.taken || this.exchanging) return;
    this.active = undefined;
    active.abandon.abort(reason);
  }

  /**
   * Runs `run` (the SDK's exchange) once per code: callers sharing one sign-in share one
   * exchange. The sign-in is over when it settles.
   */
  exchange(code: string, run: () => Promise<void>, onSettled: () => void): Promise<void> {
    const active = this.active;
    const existing = active?.exchanges.get(code);
    if (existing) return existing;
    const exchange = (async () => {
      this.exchanging = true;
      try {
        await run();
      } finally {
        this.exchanging = false;
        if (active && this.active === active) this.active = undefined;
        onSettled();
      }
    })();
    active?.exchanges.set(code, exchange);
    return exchange;
  }

  /** Tokens were saved: the verifiers made so far are spent; the listener closes when idle. */
  async completed(): Promise<void> {
    this.candidates.clear();
    this.savedSinceListen = true;
    if (!this.busy) await this.listener.release();
  }

  /** Closes the callback listener, if one is open. */
  async close(): Promise<void> {
    await this.listener.release();
  }
}

/** The client the authorization URL names, among those it may belong to. */
export function clientOf(
  authorizationUrl: URL,
  context: RedirectContext,
): StoredClient | undefined {
  const clientId = authorizationUrl.searchParams.get("client_id");
  return context.clients.find((c) => c !== undefined && c.information.client_id === clientId);
}
