import { createHash, randomBytes } from "node:crypto";
import {
  auth,
  type DpopSession,
  discoverOAuthProtectedResourceMetadata,
  type FetchLike,
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
  selectResourceURL,
} from "@modelcontextprotocol/client";
import type { OAuthSettings } from "../../config/schema.js";
import type { OpenUrlResult } from "../../utils/open-url.js";
import type { AuthInteraction } from "./auth-store.js";
import type { AuthorizationResponse } from "./callback-input.js";
import { CallbackListener } from "./callback-listener.js";
import { refusedClientId, SharedRegistration, withRedirectUri } from "./client-registration.js";
// grants: DPoP (RFC 9449) — when to sign proofs, and the key stored beside the tokens.
import { DpopBinding, withoutUnboundTokens } from "./dpop.js";
import { McpAuthError, McpAuthRequiredError } from "./errors.js";
import { waitForAuthorizationCode } from "./flow.js";
import type { Loopback } from "./loopback.js";
import { DEFAULT_REFRESH_SKEW_MS, guardRefreshFetch, SilentRefresh } from "./refresh.js";
import { insecureAuthServer } from "./secure-url.js";
import { StepUp } from "./step-up.js";
import {
  type OAuthState,
  type OAuthStorage,
  type StoredClient,
  type StoredTokens,
  toDiscoveryState,
} from "./storage.js";

/** The server a provider signs in to. */
export interface OAuthServer {
  readonly name: string;
  readonly url: string;
  readonly oauth: OAuthSettings;
}

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
}

/** A sign-in between the redirect and the exchange of its code. */
interface ActiveSignIn {
  readonly verifier: string;
  readonly code: Promise<AuthorizationResponse>;
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

/** Options of {@link WrenOAuthProvider}. */
export interface WrenOAuthProviderOptions {
  readonly server: OAuthServer;
  readonly storage: OAuthStorage;
  /** Present when a sign-in may be started now. */
  readonly signIn?: SignInOptions;
  /** The fetch used for token requests (wrapped with the cross-process refresh guard). */
  readonly fetch?: FetchLike;
  readonly now?: () => number;
  /** Refresh this long before the access token's known expiry; default 60 s. */
  readonly refreshSkewMs?: number;
  readonly clientVersion?: string;
  /** Diagnostics (never secrets). */
  readonly log?: (line: string) => void;
  /**
   * The scope a sign-in asks for, overriding discovery (`wren mcp auth NAME --scope "A B"`,
   * already joined with what was granted).
   */
  readonly requestScope?: string;
}

const LOOPBACK_HOST = "127.0.0.1";

/** Whether two URLs are the same, one trailing slash aside. */
export function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href.replace(/\/$/, "") === new URL(b).href.replace(/\/$/, "");
  } catch {
    return a === b;
  }
}

/**
 * wren's disk-backed OAuthClientProvider. The SDK's `auth()` does the protocol (discovery,
 * registration, PKCE, exchange, refresh); this class stores what it is given, decides the
 * client identity and redirect port, runs the sign-in prompt when `auth()` redirects, and
 * refreshes silently before a request when the expiry is known. Token requests go through a
 * fetch guarded by a lock file, so peers never present the same refresh token twice.
 */
export class WrenOAuthProvider implements OAuthClientProvider {
  readonly server: OAuthServer;
  readonly storage: OAuthStorage;
  /** The fetch to give the transport: refreshed, and watching for insufficient_scope. */
  readonly fetch: FetchLike;
  private readonly options: WrenOAuthProviderOptions;
  private readonly now: () => number;
  private signIn: SignInOptions | undefined;
  private cached: OAuthState | undefined;
  private readonly listener: CallbackListener;
  private flowState: string | undefined;
  private verifier: string | undefined;
  /** PKCE verifiers by their S256 challenge, so concurrent auth() calls cannot mix them up. */
  private readonly verifiers = new Map<string, string>();
  /** The sign-in in progress: from the redirect until its code is exchanged (or it failed). */
  private active: ActiveSignIn | undefined;
  private exchanging = false;
  /** A sign-in that failed (cancelled, denied, timed out) before its caller asked for it. */
  private failed: Promise<AuthorizationResponse> | undefined;
  /** The access token last handed to a transport, and the one in use when auth() last began. */
  private lastAccessToken: string | undefined;
  private rejectedAccessToken: string | undefined;
  /** The refresh transaction before a request (lock, re-read, adopt or refresh, persist). */
  private readonly silentRefresh: SilentRefresh;
  /** A 403 `insufficient_scope` being answered with a wider sign-in. */
  private readonly stepUp = new StepUp();
  private readonly registration = new SharedRegistration();
  /** The client this provider registered and saved last. */
  private registered: StoredClient | undefined;
  /** The client_id the authorization server refused last. */
  private refusedClient: string | undefined;
  /** grants: DPoP proofs and the stored key, when the servers ask for them. */
  private readonly dpopBinding: DpopBinding;

  constructor(options: WrenOAuthProviderOptions) {
    this.options = options;
    this.server = options.server;
    this.storage = options.storage;
    this.signIn = options.signIn;
    this.now = options.now ?? Date.now;
    this.listener = new CallbackListener({
      server: options.server.name,
      ...(options.server.oauth.callbackPort !== undefined && {
        callbackPort: options.server.oauth.callbackPort,
      }),
      configuredClient: options.server.oauth.clientId !== undefined,
      ...(options.log && { log: options.log }),
    });
    this.dpopBinding = new DpopBinding({
      server: options.server.name,
      storage: options.storage,
      peek: () => this.cached,
      ...(options.log && { log: options.log }),
    });
    const base = options.fetch ?? fetch;
    // After a 401, tokens a peer stored since our failed request are adopted, not refreshed again.
    const guarded = guardRefreshFetch(
      base,
      options.storage,
      this.now,
      (stored) =>
        this.rejectedAccessToken !== undefined && stored.access_token !== this.rejectedAccessToken,
    );
    this.fetch = async (url, init) => {
      const endpoint = init?.method === "POST" ? this.registrationEndpoint(url) : undefined;
      if (endpoint) {
        const named = this.listener.loopback ? withRedirectUri(init, this.redirectUrl) : init;
        return this.registration.fetch(endpoint, named, guarded);
      }
      const response = await guarded(url, init);
      this.stepUp.note(response, this.cached?.tokens?.scope ?? this.server.oauth.scope);
      this.dpopBinding.note(response); // grants
      const refused = await refusedClientId(init, response);
      if (refused !== undefined) this.refusedClient = refused;
      return response;
    };
    this.silentRefresh = new SilentRefresh({
      server: this.server.name,
      storage: options.storage,
      fetch: this.fetch,
      now: this.now,
      skewMs: options.refreshSkewMs ?? DEFAULT_REFRESH_SKEW_MS,
      clientInformation: () => this.clientInformation(),
      dpop: () => this.dpop(), // grants
      // The same resource indicator auth() would send.
      resource: async (discovery) => {
        const selected = await selectResourceURL(this.server.url, this, discovery.resourceMetadata);
        return selected && discovery.resourceMetadata
          ? discovery.resourceMetadata.resource
          : selected;
      },
      save: async (tokens) => {
        await this.saveTokens(tokens);
        return this.cached?.tokens;
      },
      ...(options.log && { log: options.log }),
    });
  }

  /** `url` when it is the discovered registration endpoint (RFC 7591). */
  private registrationEndpoint(url: string | URL): string | undefined {
    // Read raw, not parsed: this runs for every POST, MCP messages included.
    const metadata = this.cached?.discovery?.authorizationServerMetadata;
    const registration =
      typeof metadata === "object" && metadata !== null && "registration_endpoint" in metadata
        ? metadata.registration_endpoint
        : undefined;
    return typeof registration === "string" && sameUrl(String(url), registration)
      ? String(url)
      : undefined;
  }

  /** Allows (or stops allowing) sign-ins from now on, e.g. once the startup connect is done. */
  setSignIn(signIn: SignInOptions | undefined): void {
    this.signIn = signIn;
  }

  get clientMetadataUrl(): string | undefined {
    return this.server.oauth.clientMetadataUrl;
  }

  get redirectUrl(): string {
    // The loopback closes once the code arrives; the exchange still names the flow's port.
    const port =
      this.listener.loopback?.port ??
      this.active?.redirectPort ??
      this.server.oauth.callbackPort ??
      this.cached?.client?.redirectPort;
    // Without a port (a refresh in the background): RFC 8252 loopback URIs match on any port.
    return port === undefined
      ? `http://${LOOPBACK_HOST}/callback`
      : `http://${LOOPBACK_HOST}:${port}/callback`;
  }

  get clientMetadata(): OAuthClientMetadata {
    const metadata = {
      client_name: "wren",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: this.server.oauth.clientSecret ? "client_secret_basic" : "none",
      // RFC 7591 / OIDC registration: a native app on the user's machine with a loopback redirect.
      application_type: "native",
      software_id: "wren",
      ...(this.options.clientVersion !== undefined && {
        software_version: this.options.clientVersion,
      }),
      ...(this.server.oauth.scope !== undefined && { scope: this.server.oauth.scope }),
    };
    return metadata;
  }

  state(): string {
    this.flowState = randomBytes(24).toString("base64url");
    return this.flowState;
  }

  /** grants: the DPoP session token requests and MCP requests sign with (SDK hook), if any. */
  dpop(): Promise<DpopSession | undefined> {
    return this.dpopBinding.session();
  }

  private async readState(): Promise<OAuthState> {
    // grants: a DPoP-bound token whose key is gone is never handed out (it would go as Bearer).
    this.cached = withoutUnboundTokens(await this.storage.read());
    return this.cached;
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const { clientId, clientSecret } = this.server.oauth;
    if (clientId !== undefined) {
      return {
        client_id: clientId,
        ...(clientSecret !== undefined && { client_secret: clientSecret }),
      };
    }
    if (this.exchanging && this.active?.client) return this.active.client.information;
    const client = (await this.readState()).client;
    // Signing in on a loopback port the stored registration does not name (the remembered port
    // was busy, or a peer process registered for its own port meanwhile): the SDK registers
    // one for this port instead.
    const port = this.listener.loopback?.port;
    if (client?.kind === "dcr" && port !== undefined && client.redirectPort !== port) {
      return undefined;
    }
    return client?.information;
  }

  async saveClientInformation(information: OAuthClientInformationMixed): Promise<void> {
    // Configured identities live in settings; the SDK's issuer stamp for them is not persisted.
    if (this.server.oauth.clientId !== undefined) return;
    const kind = information.client_id === this.clientMetadataUrl ? "metadata-url" : "dcr";
    const port = this.listener.loopback?.port;
    const client: StoredClient = {
      information,
      kind,
      ...(port !== undefined && { redirectPort: port }),
    };
    this.registered = client;
    this.cached = await this.storage.update((state) => ({
      ...state,
      client,
      ...(information.issuer !== undefined && { issuer: information.issuer }),
    }));
  }

  /** Whether tokens were handed to the SDK: the connection is signed in with OAuth. */
  get usedTokens(): boolean {
    return this.lastAccessToken !== undefined;
  }

  /** The stored tokens; refreshed first when the access token is known to have expired. */
  async tokens(): Promise<OAuthTokens | undefined> {
    const state = await this.readState();
    let tokens = state.tokens;
    if (tokens && this.silentRefresh.due(tokens) && tokens.refresh_token && !this.stepUp.active) {
      tokens = await this.silentRefresh.run();
    }
    if (!tokens) return undefined;
    this.lastAccessToken = tokens.access_token;
    const { expires_at: _expiresAt, ...wire } = tokens;
    // During a step-up the SDK would only refresh the same scopes; hide the refresh token so
    // it starts a new authorization instead.
    if (this.stepUp.active) {
      const { refresh_token: _hidden, ...rest } = wire;
      return rest;
    }
    return wire;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    const expiresAt =
      tokens.expires_in === undefined ? undefined : this.now() + tokens.expires_in * 1000;
    const stored: StoredTokens = {
      ...tokens,
      ...(expiresAt !== undefined && { expires_at: expiresAt }),
    };
    // Tokens from a code exchange belong with the client of that sign-in.
    const client = this.exchanging ? this.active?.client : undefined;
    this.cached = await this.storage.update((state) => {
      const { codeVerifier: _used, tokens: _old, ...rest } = state;
      return {
        ...rest,
        ...(client && { client }),
        tokens: stored,
        ...(tokens.issuer !== undefined && { issuer: tokens.issuer }),
      };
    });
    this.verifier = undefined;
    this.rejectedAccessToken = undefined;
    this.verifiers.clear();
    this.stepUp.end();
    if (!this.busy) await this.releaseLoopback();
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    this.verifiers.set(createHash("sha256").update(codeVerifier).digest("base64url"), codeVerifier);
    if (this.active) return; // a concurrent auth() call; the prompt in progress keeps its verifier
    this.verifier = codeVerifier;
    this.cached = await this.storage.update((state) => ({ ...state, codeVerifier }));
  }

  async codeVerifier(): Promise<string> {
    const verifier =
      this.active?.verifier ?? this.verifier ?? (await this.readState()).codeVerifier;
    if (verifier === undefined) throw new McpAuthError(this.server.name, "no sign-in in progress");
    return verifier;
  }

  async saveDiscoveryState(discovery: OAuthDiscoveryState): Promise<void> {
    // auth() saves what it discovered before it registers, authorizes or asks for tokens.
    const insecure = insecureAuthServer(this.server.name, discovery);
    if (insecure) throw insecure;
    this.cached = await this.storage.update((state) => {
      const issuer = discovery.authorizationServerUrl;
      const moved = state.issuer !== undefined && !sameUrl(state.issuer, issuer);
      if (moved) {
        this.options.log?.(
          `${this.server.name}: authorization server changed; dropping credentials of the old one`,
        );
      }
      const { client, tokens, codeVerifier, dpopKey, ...rest } = state;
      return {
        ...rest,
        issuer,
        discovery: { ...discovery },
        ...(!moved && dpopKey && { dpopKey }), // grants
        ...(!moved && client && { client }),
        ...(!moved && tokens && { tokens }),
        ...(!moved && codeVerifier !== undefined && { codeVerifier }),
      };
    });
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    this.failed = undefined; // a new auth() call: an older failure is nobody's answer any more
    // auth() starts here, after a 401 for the access token we handed out last.
    this.rejectedAccessToken = this.lastAccessToken;
    let state = await this.readState();
    if (!this.busy && state.tokens?.refresh_token !== undefined) {
      state = await this.followMovedAuthorizationServer(state);
    }
    const canRefresh = state.tokens?.refresh_token !== undefined && !this.stepUp.active;
    if (!this.busy && !canRefresh) {
      // auth() is about to start a new authorization: only allowed when someone can answer.
      if (!this.signIn) throw this.authRequired();
      await this.listener.ensure(state.client?.redirectPort, this.signIn.startLoopback);
      // A sign-in re-discovers, so a server that moved to a new authorization server is followed.
      if (!this.stepUp.active) return undefined;
    }
    const cached = state.discovery ? toDiscoveryState(state.discovery) : undefined;
    // State saved before the https rule existed is checked as well before auth() reuses it.
    const insecure = cached && insecureAuthServer(this.server.name, cached);
    if (insecure) throw insecure;
    return cached;
  }

  /**
   * After a 401 with a refresh token in hand: when the server's protected resource metadata now
   * names another authorization server (a migration), the old server's tokens and client are
   * dropped before anything is refreshed, so they never reach the new one and the old one is
   * not asked again; the sign-in that follows discovers and registers anew.
   */
  private async followMovedAuthorizationServer(state: OAuthState): Promise<OAuthState> {
    const stored = state.discovery?.authorizationServerUrl;
    if (stored === undefined) return state;
    let named: string | undefined;
    try {
      const resourceMetadataUrl = state.discovery?.resourceMetadataUrl;
      const metadata = await discoverOAuthProtectedResourceMetadata(
        this.server.url,
        resourceMetadataUrl === undefined ? {} : { resourceMetadataUrl },
        this.fetch,
      );
      named = metadata?.authorization_servers?.[0];
    } catch {
      return state; // no metadata to compare (a 2025-03-26 server): keep what we have
    }
    if (named === undefined || sameUrl(named, stored)) return state;
    this.options.log?.(
      `${this.server.name}: authorization server moved to ${named}; dropping the credentials of ${stored}`,
    );
    this.cached = await this.storage.update((current) => {
      const {
        tokens: _tokens,
        client: _client,
        codeVerifier: _verifier,
        discovery: _discovery,
        issuer: _issuer,
        dpopKey: _dpopKey, // grants
        ...rest
      } = current;
      return rest;
    });
    return this.cached;
  }

  /**
   * The SDK's call after the server refused a client (`all`) or a grant (`tokens`). When the
   * refused client is no longer the stored one, a concurrent auth() has already replaced it
   * (or is about to: its discovery and registration are under way), and what it stored stays.
   */
  async invalidateCredentials(
    scope: "all" | "client" | "tokens" | "verifier" | "discovery",
  ): Promise<void> {
    const refused = this.refusedClient;
    this.cached = await this.storage.update((state) => {
      const { client, tokens, codeVerifier, discovery, ...rest } = state;
      if (scope === "all" || scope === "client") {
        const stored = this.server.oauth.clientId ?? client?.information.client_id;
        if (refused !== undefined && stored !== refused) return state;
        this.registration.forget(stored);
      }
      const keep = {
        client: scope !== "all" && scope !== "client",
        tokens: scope !== "all" && scope !== "tokens",
        codeVerifier: scope !== "all" && scope !== "verifier",
        discovery: scope !== "all" && scope !== "discovery",
      };
      return {
        ...rest,
        ...(keep.client && client && { client }),
        ...(keep.tokens && tokens && { tokens }),
        ...(keep.codeVerifier && codeVerifier !== undefined && { codeVerifier }),
        ...(keep.discovery && discovery && { discovery }),
      };
    });
    if (scope === "all" || scope === "verifier") this.verifier = undefined;
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const signIn = this.signIn;
    if (!signIn) throw this.authRequired();
    // Concurrent 401s (a POST and the GET stream) each run auth(): one prompt serves them all.
    if (this.active) return;
    const loopback = this.listener.loopback;
    const expectedState = authorizationUrl.searchParams.get("state") ?? this.flowState;
    const challenge = authorizationUrl.searchParams.get("code_challenge") ?? "";
    const verifier = this.verifiers.get(challenge) ?? this.verifier;
    if (!loopback || expectedState === undefined || verifier === undefined) {
      throw new McpAuthError(
        this.server.name,
        "could not start the sign-in (no callback listener); sign in again",
      );
    }
    const scope = this.stepUp.scope ?? this.options.requestScope;
    if (scope !== undefined) authorizationUrl.searchParams.set("scope", scope);
    const hint = signIn.openBrowser ? undefined : signIn.sshHint?.(loopback.port);
    const abandon = new AbortController();
    const flow = waitForAuthorizationCode({
      server: this.server.name,
      authorizationUrl: authorizationUrl.href,
      expectedState,
      loopback,
      interaction: signIn.interaction,
      ...(signIn.openBrowser && { openBrowser: signIn.openBrowser }),
      ...(signIn.headlessReason !== undefined && { headlessReason: signIn.headlessReason }),
      ...(hint !== undefined && { sshHint: hint }),
      ...(signIn.timeoutMs !== undefined && { timeoutMs: signIn.timeoutMs }),
      signal: signIn.signal ? AbortSignal.any([signIn.signal, abandon.signal]) : abandon.signal,
    });
    const clientId = authorizationUrl.searchParams.get("client_id");
    const active: ActiveSignIn = {
      abandon,
      taken: false,
      verifier,
      client: [this.registered, this.cached?.client].find(
        (c) => c !== undefined && c.information.client_id === clientId,
      ),
      redirectPort: loopback.port,
      code: flow.then(
        (response) => {
          void this.releaseLoopback(true);
          return response;
        },
        (error: unknown) => {
          if (this.active === active) {
            this.active = undefined;
            // Kept for the caller whose request is still on its way out of the SDK.
            this.failed = active.code;
          }
          this.stepUp.end();
          void this.releaseLoopback(true);
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
   * one), or undefined when none is. After it resolves, call {@link finishAuth} with the code.
   */
  takePendingCode(): Promise<AuthorizationResponse> | undefined {
    const failed = this.failed;
    this.failed = undefined;
    if (this.active) this.active.taken = true;
    return this.active?.code ?? failed;
  }

  /**
   * Ends the sign-in in progress when no caller took its code: the request that started it
   * was already a retry after a sign-in, and one more prompt would wait for an answer nobody
   * uses (and a second flow in parallel could be answered with the other's code).
   */
  abandonPendingSignIn(): void {
    const active = this.active;
    if (!active || active.taken || this.exchanging) return;
    this.active = undefined;
    active.abandon.abort(
      new McpAuthError(this.server.name, "the server still refused access after signing in"),
    );
  }

  /**
   * Exchanges an authorization code for tokens: the SDK's `auth()` with the code, exactly what
   * a transport's `finishAuth` does, using the discovery state saved during this flow. The
   * SDK checks the response's `iss` against the authorization server's metadata first (RFC
   * 9207), and refuses a missing one when the server promises to send it.
   * Callers sharing one sign-in share one exchange.
   */
  finishAuth(response: AuthorizationResponse): Promise<void> {
    const { code, iss } = response;
    const active = this.active;
    const existing = active?.exchanges.get(code);
    if (existing) return existing;
    const exchange = (async () => {
      this.exchanging = true;
      try {
        const result = await auth(this, {
          serverUrl: this.server.url,
          authorizationCode: code,
          ...(iss !== undefined && { iss }),
          fetchFn: this.fetch,
        });
        if (result !== "AUTHORIZED") {
          throw new McpAuthError(this.server.name, "sign-in did not complete");
        }
      } finally {
        this.exchanging = false;
        if (active && this.active === active) this.active = undefined;
        this.stepUp.end();
      }
    })();
    active?.exchanges.set(code, exchange);
    return exchange;
  }

  private get busy(): boolean {
    return this.active !== undefined || this.exchanging;
  }

  get steppingUp(): boolean {
    return this.stepUp.active;
  }

  /** Nobody can sign in now: says so, with the scope a step-up needs, if that is why. */
  private authRequired(): McpAuthRequiredError {
    return new McpAuthRequiredError(
      this.server.name,
      this.stepUp.scope === undefined
        ? {}
        : {
            scope: this.stepUp.scope,
            ...(this.stepUp.challenged !== undefined && { missing: this.stepUp.challenged }),
          },
    );
  }

  /** Forgets any step-up in progress (the call it belonged to is over). */
  endOperation(): void {
    if (!this.busy) this.stepUp.end();
  }

  /** Closes the callback listener, if one is open. */
  async close(): Promise<void> {
    await this.releaseLoopback(true);
  }

  private async releaseLoopback(force = false): Promise<void> {
    if (!force && this.busy) return;
    await this.listener.release();
  }
}
