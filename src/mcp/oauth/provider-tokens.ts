// The tokens WrenOAuthProvider hands out: refreshed first when known to be expired (refresh.ts's
// SilentRefresh), adopted from a peer process after a 401 instead of refreshed again (the
// refresh guard), and saved with the client of the sign-in that got them.
import type { FetchLike, OAuthTokens } from "@modelcontextprotocol/client";
import type { StoredClient } from "./oauth-state.js";
import {
  createRefreshGuard,
  DEFAULT_REFRESH_SKEW_MS,
  type RefreshGuard,
  SilentRefresh,
  type SilentRefreshOptions,
} from "./refresh.js";
import type { OAuthStateCache } from "./state-cache.js";
import type { OAuthStorage } from "./storage.js";

/** Options of {@link ProviderTokens}. */
export interface ProviderTokensOptions
  extends Pick<SilentRefreshOptions, "clientInformation" | "dpop" | "resource" | "save" | "log"> {
  readonly server: string;
  readonly storage: OAuthStorage;
  readonly stored: OAuthStateCache;
  /** The network: every request goes through the refresh guard built on it. */
  readonly base: FetchLike;
  /** The provider's fetch (on top of {@link ProviderTokens.fetch}): a refresh is sent with it. */
  readonly fetch: FetchLike;
  readonly now: () => number;
  /** Refresh this long before the access token's known expiry; default 60 s. */
  readonly skewMs?: number;
}

/** The tokens of one provider (see the file's header). */
export class ProviderTokens {
  private readonly options: ProviderTokensOptions;
  private readonly guard: RefreshGuard;
  private readonly silentRefresh: SilentRefresh;
  /** The access token last handed to a transport, and the one in use when auth() last began. */
  private lastAccessToken: string | undefined;
  private rejectedAccessToken: string | undefined;

  constructor(options: ProviderTokensOptions) {
    this.options = options;
    const { stored: _stored, base, skewMs, ...refresh } = options;
    // After a 401, tokens a peer stored since our failed request are adopted, not refreshed again.
    this.guard = createRefreshGuard(
      base,
      options.storage,
      options.now,
      (stored) =>
        this.rejectedAccessToken !== undefined && stored.access_token !== this.rejectedAccessToken,
    );
    this.silentRefresh = new SilentRefresh({
      ...refresh,
      skewMs: skewMs ?? DEFAULT_REFRESH_SKEW_MS,
    });
  }

  /** The refresh-guarded fetch (see refresh.ts's guardRefreshFetch). */
  get fetch(): FetchLike {
    return this.guard.fetch;
  }

  /** Whether tokens were handed out: the connection is signed in with OAuth. */
  get used(): boolean {
    return this.lastAccessToken !== undefined;
  }

  /**
   * The stored tokens as the SDK sees them; refreshed first when the access token is known to
   * have expired, unless `holdRefresh` (a step-up needs a new grant, not a refresh).
   */
  async current(holdRefresh: boolean): Promise<OAuthTokens | undefined> {
    const state = await this.options.stored.read();
    let tokens = state.tokens;
    if (tokens && this.silentRefresh.due(tokens) && tokens.refresh_token && !holdRefresh) {
      tokens = await this.silentRefresh.run();
    }
    if (!tokens) return undefined;
    this.lastAccessToken = tokens.access_token;
    const { expires_at: _expiresAt, ...wire } = tokens;
    return wire;
  }

  /** auth() begins, after a 401 for the access token handed out last. */
  authBegan(): void {
    this.rejectedAccessToken = this.lastAccessToken;
  }

  /** Stores new tokens, with the client they were issued to when known (a code exchange). */
  async save(tokens: OAuthTokens, client: StoredClient | undefined): Promise<void> {
    // A refresh answer the guard already persisted under the lock is not written again.
    if (this.guard.persisted(tokens.access_token)) {
      await this.options.stored.read();
    } else {
      await this.options.stored.saveTokens(tokens, this.options.now(), client);
    }
    this.rejectedAccessToken = undefined;
  }
}
