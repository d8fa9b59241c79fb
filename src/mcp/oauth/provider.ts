// The SDK's OAuthClientProvider for wren: a thin adapter. The SDK's `auth()` does the protocol
// (discovery, PKCE, exchange, refresh, RFC 9207 and RFC 8414 issuer checks); each question it
// asks is answered by the part of wren that owns the answer: the store (storage.ts), the
// client identity chain (client-identity.ts), the sign-in (sign-in-session.ts), the refresh
// transaction (refresh.ts) and the step-up (step-up.ts).
import {
  auth,
  type DpopSession,
  type FetchLike,
  type OAuthClientInformationContext,
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
  selectResourceURL,
} from "@modelcontextprotocol/client";
import type { OAuthSettings } from "../../config/schema.js";
import type { AuthorizationResponse } from "./callback-input.js";
import {
  authorizationScope,
  ClientIdentity,
  presentable,
  refusedClientId,
  storedClient,
  usableMetadataUrl,
  wrenClientMetadata,
} from "./client-identity.js";
import {
  invalidated,
  usableAt,
  withDiscovery,
  withoutAuthorizationServer,
  withTokens,
} from "./credentials.js";
// DPoP (RFC 9449): when to sign proofs, and the key stored beside the tokens.
import { DpopBinding, withoutUnboundTokens } from "./dpop.js";
import { McpAuthError, McpAuthRequiredError } from "./errors.js";
import { movedAuthorizationServer, quoteIssuer } from "./issuer.js";
import {
  createRefreshGuard,
  DEFAULT_REFRESH_SKEW_MS,
  type RefreshGuard,
  SilentRefresh,
} from "./refresh.js";
import { insecureAuthServer } from "./secure-url.js";
import { ServedMetadata } from "./served-metadata.js";
import { type SignInOptions, SignInSession } from "./sign-in-session.js";
import { StepUp } from "./step-up.js";
import {
  type OAuthState,
  type OAuthStorage,
  type StoredClient,
  type StoredTokens,
  toDiscoveryState,
} from "./storage.js";

export type { SignInOptions } from "./sign-in-session.js";

/** The server a provider signs in to. */
export interface OAuthServer {
  readonly name: string;
  readonly url: string;
  readonly oauth: OAuthSettings;
}

/** Options of {@link WrenOAuthProvider}. */
export interface WrenOAuthProviderOptions {
  readonly server: OAuthServer;
  readonly storage: OAuthStorage;
  /** Present when a sign-in may be started now. */
  readonly signIn?: SignInOptions;
  /** The fetch used for token requests (wrapped with the cross-process refresh guard). */
  readonly fetch?: FetchLike;
  /** The clock: token expiry is computed and checked with it. */
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

/** wren's disk-backed OAuthClientProvider (see the file's header). */
export class WrenOAuthProvider implements OAuthClientProvider {
  readonly server: OAuthServer;
  readonly storage: OAuthStorage;
  /** The fetch to give the transport: refresh-guarded, and watching for insufficient_scope. */
  readonly fetch: FetchLike;
  private readonly options: WrenOAuthProviderOptions;
  private readonly now: () => number;
  private signIn: SignInOptions | undefined;
  private cached: OAuthState | undefined;
  private readonly session: SignInSession;
  private readonly identity: ClientIdentity;
  private readonly guard: RefreshGuard;
  private readonly silentRefresh: SilentRefresh;
  private readonly stepUp = new StepUp();
  /** The client obtained last (the authorization URL names it before a peer may replace it). */
  private obtained: StoredClient | undefined;
  /** The client_id the authorization server refused last. */
  private refusedClient: string | undefined;
  /** The access token last handed to a transport, and the one in use when auth() last began. */
  private lastAccessToken: string | undefined;
  private rejectedAccessToken: string | undefined;
  /** Metadata documents as served, to keep the fields the SDK's discovery drops. */
  private readonly served = new ServedMetadata();
  /** DPoP proofs and the stored key, when the servers ask for them. */
  private readonly dpopBinding: DpopBinding;

  constructor(options: WrenOAuthProviderOptions) {
    this.options = options;
    this.server = options.server;
    this.storage = options.storage;
    this.signIn = options.signIn;
    this.now = options.now ?? Date.now;
    const { name, oauth } = options.server;
    this.session = new SignInSession({
      server: name,
      ...(oauth.callbackPort !== undefined && { callbackPort: oauth.callbackPort }),
      ...(options.log && { log: options.log }),
    });
    this.dpopBinding = new DpopBinding({
      server: name,
      storage: options.storage,
      peek: () => this.cached,
      ...(options.log && { log: options.log }),
    });
    // After a 401, tokens a peer stored since our failed request are adopted, not refreshed again.
    this.guard = createRefreshGuard(
      options.fetch ?? fetch,
      options.storage,
      this.now,
      (stored) =>
        this.rejectedAccessToken !== undefined && stored.access_token !== this.rejectedAccessToken,
    );
    this.fetch = async (url, init) => {
      const response = await this.guard.fetch(url, init);
      this.served.note(url, init, response);
      this.stepUp.note(response, this.cached?.tokens?.scope ?? oauth.scope);
      this.dpopBinding.note(response);
      const refused = await refusedClientId(init, response);
      if (refused !== undefined) this.refusedClient = refused;
      return response;
    };
    this.identity = new ClientIdentity({
      server: name,
      settings: oauth,
      fetch: this.fetch,
      save: (client) => this.persistClient(client),
      ...(options.log && { log: options.log }),
    });
    this.silentRefresh = new SilentRefresh({
      server: name,
      storage: options.storage,
      fetch: this.fetch,
      now: this.now,
      skewMs: options.refreshSkewMs ?? DEFAULT_REFRESH_SKEW_MS,
      clientInformation: async () => {
        const client = storedClient(await this.readState(), oauth);
        return client && presentable(client, oauth);
      },
      dpop: () => this.dpop(),
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

  /** Allows (or stops allowing) sign-ins from now on, e.g. once the startup connect is done. */
  setSignIn(signIn: SignInOptions | undefined): void {
    this.signIn = signIn;
  }

  /** Only an https URL with a path: anything else is never offered as a client_id. */
  get clientMetadataUrl(): string | undefined {
    return usableMetadataUrl(this.server.oauth);
  }

  get redirectUrl(): string {
    // The loopback closes once the code arrives; the exchange still names the flow's port.
    const stored = this.cached?.client;
    const port =
      this.session.redirectPort ??
      this.server.oauth.callbackPort ??
      (stored?.kind === "configured" ? undefined : stored?.redirectPort);
    // Without a port (a refresh in the background): RFC 8252 loopback URIs match on any port.
    return port === undefined
      ? `http://${LOOPBACK_HOST}/callback`
      : `http://${LOOPBACK_HOST}:${port}/callback`;
  }

  get clientMetadata(): OAuthClientMetadata {
    return wrenClientMetadata({
      redirectUrl: this.redirectUrl,
      ...(this.options.clientVersion !== undefined && { version: this.options.clientVersion }),
      ...(this.server.oauth.scope !== undefined && { scope: this.server.oauth.scope }),
    });
  }

  state(): string {
    return this.session.newState();
  }

  /** The DPoP session token requests and MCP requests sign with (SDK hook), if any. */
  dpop(): Promise<DpopSession | undefined> {
    return this.dpopBinding.session();
  }

  private async readState(): Promise<OAuthState> {
    // A DPoP-bound token whose key is gone is never handed out (it would go as Bearer).
    this.cached = withoutUnboundTokens(await this.storage.read());
    return this.cached;
  }

  /**
   * The client to present at `ctx.issuer`: the sign-in's during its exchange, else the stored
   * one when it belongs to that issuer (and, registered, to the bound loopback port), else the
   * identity chain's (configured → CIMD → DCR), stored before the SDK uses it.
   */
  async clientInformation(
    ctx?: OAuthClientInformationContext,
  ): Promise<OAuthClientInformationMixed | undefined> {
    const settings = this.server.oauth;
    const exchangeClient = this.session.exchangeClient;
    if (exchangeClient) return presentable(exchangeClient, settings);
    const state = await this.readState();
    const stored = storedClient(state, settings);
    const issuer = ctx?.issuer;
    const port = this.session.listeningPort;
    const information =
      stored && usableAt(stored, issuer, port) ? presentable(stored, settings) : undefined;
    if (information !== undefined || issuer === undefined) return information;
    // No client, and no sign-in starting (discoveryState binds the listener for one): the SDK
    // must not register on its own, with a redirect URI naming no port.
    if (port === undefined) throw this.authRequired();
    const discovery = state.discovery ? toDiscoveryState(state.discovery) : undefined;
    const client = await this.identity.obtain({
      issuer,
      authorizationServerUrl: discovery?.authorizationServerUrl ?? issuer,
      metadata: discovery?.authorizationServerMetadata,
      clientMetadata: this.clientMetadata,
      scope: authorizationScope({
        requested: this.options.requestScope,
        discovered: discovery?.resourceMetadata?.scopes_supported,
        configured: settings.scope,
        offered: discovery?.authorizationServerMetadata?.scopes_supported,
      }),
      redirectPort: port,
    });
    return presentable(client, settings);
  }

  /** The SDK stamps a client with its issuer; wren's clients are stamped when obtained. */
  async saveClientInformation(information: OAuthClientInformationMixed): Promise<void> {
    const stored = storedClient(await this.readState(), this.server.oauth);
    if (stored?.information.client_id !== information.client_id) return;
    const { client_secret: _secret, ...stamped } = information;
    const client = { ...stored, information: stored.kind === "configured" ? stamped : information };
    await this.persistClient(client);
  }

  private async persistClient(client: StoredClient): Promise<void> {
    this.obtained = client;
    this.cached = await this.storage.update((state) => ({
      ...state,
      client,
      ...(client.information.issuer !== undefined && { issuer: client.information.issuer }),
    }));
  }

  /** Whether tokens were handed to the SDK: the connection is signed in with OAuth. */
  get usedTokens(): boolean {
    return this.lastAccessToken !== undefined;
  }

  /** The stored tokens; refreshed first when the access token is known to have expired. */
  async tokens(): Promise<OAuthTokens | undefined> {
    const state = await this.readState();
    let tokens: StoredTokens | undefined = state.tokens;
    if (tokens && this.silentRefresh.due(tokens) && tokens.refresh_token && !this.stepUp.active) {
      tokens = await this.silentRefresh.run();
    }
    if (!tokens) return undefined;
    this.lastAccessToken = tokens.access_token;
    const { expires_at: _expiresAt, ...wire } = tokens;
    return this.stepUp.expose(wire);
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    // A refresh answer the guard already persisted under the lock is not written again.
    if (this.guard.persisted(tokens.access_token)) {
      await this.readState();
    } else {
      // Tokens from a code exchange belong with the client of that sign-in.
      const client = this.session.exchangeClient;
      const now = this.now();
      this.cached = await this.storage.update((state) => withTokens(state, tokens, now, client));
    }
    this.rejectedAccessToken = undefined;
    this.stepUp.end();
    await this.session.completed();
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.session.addVerifier(codeVerifier);
  }

  codeVerifier(): string {
    return this.session.verifier();
  }

  async saveDiscoveryState(found: OAuthDiscoveryState): Promise<void> {
    // auth() saves what it discovered before it registers, authorizes or asks for tokens; the
    // metadata is kept whole (logout needs the revocation endpoint the SDK's schema drops).
    const metadata = found.authorizationServerMetadata;
    const discovery = metadata
      ? { ...found, authorizationServerMetadata: await this.served.full(metadata) }
      : found;
    const insecure = insecureAuthServer(this.server.name, discovery);
    if (insecure) throw insecure;
    this.cached = await this.storage.update((state) => {
      const next = withDiscovery(state, discovery);
      if (next.dropped) this.logMove(next.dropped);
      return next.state;
    });
  }

  private logMove(move: { from: string; to: string }): void {
    this.options.log?.(
      `${this.server.name}: authorization server moved from ${quoteIssuer(move.from)} to ${quoteIssuer(move.to)}; the credentials of ${quoteIssuer(move.from)} are dropped, never sent to the new one`,
    );
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    this.session.forgetFailure(); // a new auth() call: an older failure is nobody's answer
    // auth() starts here, after a 401 for the access token we handed out last.
    this.rejectedAccessToken = this.lastAccessToken;
    let state = await this.readState();
    const busy = this.session.busy;
    if (!busy && state.tokens?.refresh_token !== undefined) {
      state = await this.followMovedAuthorizationServer(state);
    }
    const canRefresh =
      state.tokens?.refresh_token !== undefined &&
      storedClient(state, this.server.oauth) !== undefined &&
      !this.stepUp.active;
    if (!busy && !canRefresh) {
      // auth() is about to start a new authorization: only allowed when someone can answer.
      if (!this.signIn) throw this.authRequired();
      const client = state.client;
      await this.session.listen(
        client?.kind === "configured" ? undefined : client?.redirectPort,
        this.signIn.startLoopback,
      );
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
   * After a 401 with a refresh token in hand: when the protected resource metadata now names
   * another authorization server (a migration), the old server's tokens and client are dropped
   * before anything is refreshed, so they never reach the new one.
   */
  private async followMovedAuthorizationServer(state: OAuthState): Promise<OAuthState> {
    const moved = await movedAuthorizationServer(this.server.url, state, this.fetch);
    if (moved === undefined) return state;
    this.logMove(moved);
    this.cached = await this.storage.update(withoutAuthorizationServer);
    return this.cached;
  }

  /**
   * The SDK's call after the server refused a client (`all`) or a grant (`tokens`). When the
   * refused client is no longer the stored one, a concurrent auth() has already replaced it
   * (or is about to), and what it stored stays.
   */
  async invalidateCredentials(
    scope: "all" | "client" | "tokens" | "verifier" | "discovery",
  ): Promise<void> {
    const refused = this.refusedClient;
    this.cached = await this.storage.update((state) =>
      invalidated(state, scope, refused, this.server.oauth),
    );
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    const signIn = this.signIn;
    if (!signIn) throw this.authRequired();
    const metadata = this.cached?.discovery
      ? toDiscoveryState(this.cached.discovery).authorizationServerMetadata
      : undefined;
    this.session.redirect(authorizationUrl, {
      signIn,
      scope: this.stepUp.scope ?? this.options.requestScope,
      clients: [this.obtained, this.cached && storedClient(this.cached, this.server.oauth)],
      requireIss: metadata?.authorization_response_iss_parameter_supported === true,
      onFailed: () => this.stepUp.end(),
    });
  }

  /**
   * The code of the sign-in in progress (started by the failed request, or by a concurrent
   * one), or undefined when none is. After it resolves, call {@link finishAuth} with the code.
   */
  takePendingCode(): Promise<AuthorizationResponse> | undefined {
    return this.session.takePendingCode();
  }

  /**
   * Ends the sign-in in progress when no caller took its code: the request that started it
   * was already a retry after a sign-in, and one more prompt would wait for an answer nobody
   * uses (and a second flow in parallel could be answered with the other's code).
   */
  abandonPendingSignIn(): void {
    this.session.abandon(
      new McpAuthError(this.server.name, "the server still refused access after signing in"),
    );
  }

  /**
   * Exchanges an authorization code for tokens: the SDK's `auth()` with the code and its `iss`,
   * exactly what a transport's `finishAuth` does. The SDK checks `iss` against the metadata's
   * issuer first (RFC 9207, loopback and pasted alike) and refuses a missing one when the
   * server promises it. Callers sharing one sign-in share one exchange.
   */
  finishAuth(response: AuthorizationResponse): Promise<void> {
    const { code, iss } = response;
    return this.session.exchange(
      code,
      async () => {
        const result = await auth(this, {
          serverUrl: this.server.url,
          authorizationCode: code,
          ...(iss !== undefined && { iss }),
          fetchFn: this.fetch,
        });
        if (result !== "AUTHORIZED") {
          throw new McpAuthError(this.server.name, "sign-in did not complete");
        }
      },
      () => this.stepUp.end(),
    );
  }

  get steppingUp(): boolean {
    return this.stepUp.active;
  }

  /** Nobody can sign in now: says so, with the scope a step-up needs, if that is why. */
  private authRequired(): McpAuthRequiredError {
    return new McpAuthRequiredError(this.server.name, this.stepUp.required());
  }

  /** Forgets any step-up in progress (the call it belonged to is over). */
  endOperation(): void {
    if (!this.session.busy) this.stepUp.end();
  }

  /** Closes the callback listener, if one is open. */
  async close(): Promise<void> {
    await this.session.close();
  }
}
