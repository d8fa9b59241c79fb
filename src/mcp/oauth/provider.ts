// The SDK's OAuthClientProvider for wren: a thin adapter. The SDK's `auth()` does the protocol
// (discovery, PKCE, exchange, refresh, RFC 9207 and RFC 8414 issuer checks); each question it
// asks is answered by the part of wren that owns the answer: the stored state (state-cache.ts
// over storage.ts), the client presented (provider-client.ts over client-identity.ts), the
// tokens handed out (provider-tokens.ts over refresh.ts), the sign-in (sign-in-session.ts, and
// device-sign-in.ts for RFC 8628), DPoP (dpop.ts) and the step-up (step-up.ts).
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
import { McpAuthError } from "../errors.js";
import { storedClient, usableMetadataUrl } from "./client-identity.js";
// RFC 8628: the device authorization grant, a sign-in without a browser on this machine.
import { DeviceGrant, issuedTokens, type SignInMethod, signInMethod } from "./device-sign-in.js";
// DPoP (RFC 9449): when to sign proofs, and the key stored beside the tokens.
import { DpopBinding } from "./dpop.js";
import { McpAuthRequiredError } from "./errors.js";
import { ProviderClient } from "./provider-client.js";
import { ProviderTokens } from "./provider-tokens.js";
import { ServedMetadata } from "./served-metadata.js";
import { type SignInOptions, type SignInResult, SignInSession } from "./sign-in-session.js";
import { OAuthStateCache } from "./state-cache.js";
import { StepUp } from "./step-up.js";
import type { OAuthStorage } from "./storage.js";

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

/** wren's disk-backed OAuthClientProvider (see the file's header). */
export class WrenOAuthProvider implements OAuthClientProvider {
  readonly server: OAuthServer;
  readonly storage: OAuthStorage;
  /** The fetch to give the transport: refresh-guarded, and watching for insufficient_scope. */
  readonly fetch: FetchLike;
  private readonly options: WrenOAuthProviderOptions;
  private readonly now: () => number;
  private signIn: SignInOptions | undefined;
  /** The stored state as last read, and the changes auth() makes to it. */
  private readonly stored: OAuthStateCache;
  private readonly session: SignInSession;
  /** The client presented, and the redirect and metadata registered with. */
  private readonly client: ProviderClient;
  /** The tokens handed out: refreshed when due, adopted from a peer after a 401, saved. */
  private readonly handed: ProviderTokens;
  private readonly stepUp = new StepUp();
  /** How many times saveTokens() ran: a refused call retries when another caller's tokens came. */
  private saved = 0;
  /** Metadata documents as served, to keep the fields the SDK's discovery drops. */
  private readonly served = new ServedMetadata();
  /** DPoP proofs and the stored key, when the servers ask for them. */
  private readonly dpopBinding: DpopBinding;
  /** Device sign-ins (RFC 8628) and their token requests. */
  private readonly deviceGrant: DeviceGrant;

  constructor(options: WrenOAuthProviderOptions) {
    this.options = options;
    this.server = options.server;
    this.storage = options.storage;
    this.signIn = options.signIn;
    this.now = options.now ?? Date.now;
    const { name, oauth } = options.server;
    this.stored = new OAuthStateCache({
      server: name,
      storage: options.storage,
      ...(options.log && { log: options.log }),
    });
    this.session = new SignInSession({
      server: name,
      ...(oauth.callbackPort !== undefined && { callbackPort: oauth.callbackPort }),
      ...(options.log && { log: options.log }),
    });
    this.dpopBinding = new DpopBinding({
      server: name,
      storage: options.storage,
      peek: () => this.stored.current,
      ...(options.log && { log: options.log }),
    });
    this.handed = new ProviderTokens({
      server: name,
      storage: options.storage,
      stored: this.stored,
      base: options.fetch ?? fetch,
      fetch: (url, init) => this.fetch(url, init),
      now: this.now,
      ...(options.refreshSkewMs !== undefined && { skewMs: options.refreshSkewMs }),
      clientInformation: () => this.client.storedInformation(),
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
        return this.stored.current?.tokens;
      },
      ...(options.log && { log: options.log }),
    });
    this.fetch = async (url, init) => {
      const response = await this.handed.fetch(url, init);
      this.served.note(url, init, response);
      this.stepUp.note(response, this.stored.current?.tokens?.scope ?? oauth.scope);
      this.dpopBinding.note(response);
      await this.client.note(init, response);
      return response;
    };
    this.client = new ProviderClient({
      server: name,
      settings: oauth,
      session: this.session,
      stored: this.stored,
      fetch: this.fetch,
      method: () => this.method,
      authRequired: () => this.authRequired(),
      ...(options.clientVersion !== undefined && { clientVersion: options.clientVersion }),
      ...(options.requestScope !== undefined && { requestScope: options.requestScope }),
      ...(options.log && { log: options.log }),
    });
    this.deviceGrant = new DeviceGrant({
      server: name,
      settings: oauth,
      fetch: this.fetch,
      provider: this,
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
    return this.client.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return this.client.metadata;
  }

  /** How this sign-in goes (`--device`, `oauth.method`), or undefined: whichever fits. */
  private get method(): SignInMethod {
    return signInMethod(this.server.oauth, this.signIn);
  }

  state(): string {
    return this.session.newState();
  }

  /** The DPoP session token requests and MCP requests sign with (SDK hook), if any. */
  dpop(): Promise<DpopSession | undefined> {
    return this.dpopBinding.session();
  }

  /** The client to present at `ctx.issuer` (provider-client.ts). */
  clientInformation(
    ctx?: OAuthClientInformationContext,
  ): Promise<OAuthClientInformationMixed | undefined> {
    return this.client.information(ctx?.issuer);
  }

  /** The SDK stamps a client with its issuer; wren's clients are stamped when obtained. */
  saveClientInformation(information: OAuthClientInformationMixed): Promise<void> {
    return this.client.saveInformation(information);
  }

  /** Whether tokens were handed to the SDK: the connection is signed in with OAuth. */
  get usedTokens(): boolean {
    return this.handed.used;
  }

  /** The stored tokens; refreshed first when the access token is known to have expired. */
  async tokens(): Promise<OAuthTokens | undefined> {
    const tokens = await this.handed.current(this.stepUp.active);
    return tokens && this.stepUp.expose(tokens);
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    // Tokens from a code exchange belong with the client of that sign-in.
    await this.handed.save(tokens, this.session.exchangeClient);
    this.saved += 1;
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
    await this.stored.saveDiscovery(await this.served.complete(found));
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    this.session.forgetFailure(); // a new auth() call: an older failure is nobody's answer
    // auth() starts here, after a 401 for the access token we handed out last.
    this.handed.authBegan();
    let state = await this.stored.read();
    const busy = this.session.busy;
    if (!busy && state.tokens?.refresh_token !== undefined) {
      state = await this.stored.followMovedAuthorizationServer(this.server.url, state, this.fetch);
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
    return this.stored.reusableDiscovery(state);
  }

  /**
   * The SDK's call after the server refused a client (`all`) or a grant (`tokens`). When the
   * refused client is no longer the stored one, a concurrent auth() has already replaced it
   * (or is about to), and what it stored stays.
   */
  async invalidateCredentials(
    scope: "all" | "client" | "tokens" | "verifier" | "discovery",
  ): Promise<void> {
    await this.stored.invalidate(scope, this.client.refusedClientId, this.server.oauth);
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    const signIn = this.signIn;
    if (!signIn) throw this.authRequired();
    const discovery = this.stored.discovery;
    const metadata = discovery?.authorizationServerMetadata;
    const context = {
      signIn,
      scope: this.stepUp.scope ?? this.options.requestScope,
      clients: this.client.candidates,
      requireIss: metadata?.authorization_response_iss_parameter_supported === true,
      onFailed: () => this.stepUp.end(),
    };
    const offered = this.stored.current?.discovery?.authorizationServerMetadata;
    const device = { method: this.method, offered, discovery, session: this.session };
    if (!this.deviceGrant.redirect(authorizationUrl, context, device)) {
      this.session.redirect(authorizationUrl, context);
    }
  }

  /** SDK hook: the token request of a device sign-in; undefined for the code flow's exchange. */
  prepareTokenRequest(): URLSearchParams | undefined {
    return this.deviceGrant.tokenRequest();
  }

  /**
   * The code of the sign-in in progress (started by the failed request, or by a concurrent
   * one), or undefined when none is. After it resolves, call {@link finishAuth} with the code.
   */
  /** How many times tokens were saved (sign-ins and refreshes, by any caller) so far. */
  get tokensSaved(): number {
    return this.saved;
  }

  takePendingCode(): Promise<SignInResult> | undefined {
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
  finishAuth(response: SignInResult): Promise<void> {
    if ("kind" in response) {
      // A device grant's tokens were issued to the client of its sign-in: stored with it.
      const tokens = issuedTokens(response.tokens, this.stored.discovery);
      return this.session.exchange(
        "device",
        () => this.saveTokens(tokens),
        () => this.stepUp.end(),
      );
    }
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
