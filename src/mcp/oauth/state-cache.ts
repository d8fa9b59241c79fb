// The provider's view of its server's stored OAuth state: the state as last read (the SDK's
// synchronous hooks answer from it) and each change auth() makes, written under the store's
// lock with the pure transitions of credentials.ts. A DPoP-bound token whose key is gone is
// never read out (it would go as Bearer), and a move to another authorization server is said.
import type { FetchLike, OAuthDiscoveryState, OAuthTokens } from "@modelcontextprotocol/client";
import type { ClientSettings } from "./client-identity.js";
import {
  invalidated,
  withDiscovery,
  withoutAuthorizationServer,
  withTokens,
} from "./credentials.js";
import { withoutUnboundTokens } from "./dpop.js";
import { movedAuthorizationServer, quoteIssuer } from "./issuer.js";
import { type OAuthState, type StoredClient, toDiscoveryState } from "./oauth-state.js";
import { insecureAuthServer } from "./secure-url.js";
import type { OAuthStorage } from "./storage.js";

/** Options of {@link OAuthStateCache}. */
export interface OAuthStateCacheOptions {
  readonly server: string;
  readonly storage: OAuthStorage;
  /** Diagnostics (never secrets). */
  readonly log?: (line: string) => void;
}

/** One server's stored OAuth state as a provider reads and changes it (see the file's header). */
export class OAuthStateCache {
  private readonly options: OAuthStateCacheOptions;
  private cached: OAuthState | undefined;

  constructor(options: OAuthStateCacheOptions) {
    this.options = options;
  }

  /** The state as last read or written; undefined before the first read. */
  get current(): OAuthState | undefined {
    return this.cached;
  }

  /** The typed discovery of {@link current}. */
  get discovery(): OAuthDiscoveryState | undefined {
    return this.cached?.discovery && toDiscoveryState(this.cached.discovery);
  }

  /** The stored state, read fresh (peers' writes are seen). */
  async read(): Promise<OAuthState> {
    this.cached = withoutUnboundTokens(await this.options.storage.read());
    return this.cached;
  }

  /** Stores `client`, stamping the state with its issuer. */
  async saveClient(client: StoredClient): Promise<void> {
    await this.update((state) => ({
      ...state,
      client,
      ...(client.information.issuer !== undefined && { issuer: client.information.issuer }),
    }));
  }

  /** Stores tokens saved at `now`, with the client they were issued to when known. */
  async saveTokens(
    tokens: OAuthTokens,
    now: number,
    client: StoredClient | undefined,
  ): Promise<void> {
    await this.update((state) => withTokens(state, tokens, now, client));
  }

  /**
   * Stores what auth() discovered; another issuer's credentials are dropped, and said so. An
   * authorization server breaking the https rule (secure-url.ts) is refused, never stored.
   */
  async saveDiscovery(discovery: OAuthDiscoveryState): Promise<void> {
    const insecure = insecureAuthServer(this.options.server, discovery);
    if (insecure) throw insecure;
    await this.update((state) => {
      const next = withDiscovery(state, discovery);
      if (next.dropped) this.logMove(next.dropped);
      return next.state;
    });
  }

  /** The discovery of `state` for auth() to reuse, once checked against the https rule. */
  reusableDiscovery(state: OAuthState): OAuthDiscoveryState | undefined {
    const discovery = state.discovery ? toDiscoveryState(state.discovery) : undefined;
    // State saved before the https rule existed is checked as well before auth() reuses it.
    const insecure = discovery && insecureAuthServer(this.options.server, discovery);
    if (insecure) throw insecure;
    return discovery;
  }

  /**
   * After a 401 with a refresh token in hand: when the protected resource metadata now names
   * another authorization server (a migration), the old server's tokens and client are dropped
   * before anything is refreshed, so they never reach the new one.
   */
  async followMovedAuthorizationServer(
    serverUrl: string,
    state: OAuthState,
    fetchFn: FetchLike,
  ): Promise<OAuthState> {
    const moved = await movedAuthorizationServer(serverUrl, state, fetchFn);
    if (moved === undefined) return state;
    this.logMove(moved);
    return this.update(withoutAuthorizationServer);
  }

  /** The SDK's `invalidateCredentials(scope)`; see credentials.ts's `invalidated`. */
  async invalidate(
    scope: "all" | "client" | "tokens" | "verifier" | "discovery",
    refusedClientId: string | undefined,
    settings: ClientSettings,
  ): Promise<void> {
    await this.update((state) => invalidated(state, scope, refusedClientId, settings));
  }

  private async update(change: (state: OAuthState) => OAuthState): Promise<OAuthState> {
    this.cached = await this.options.storage.update(change);
    return this.cached;
  }

  private logMove(move: { from: string; to: string }): void {
    this.options.log?.(
      `${this.options.server}: authorization server moved from ${quoteIssuer(move.from)} to ${quoteIssuer(move.to)}; the credentials of ${quoteIssuer(move.from)} are dropped, never sent to the new one`,
    );
  }
}
