// One refresh transaction, wherever it starts (the SDK's 401 path or wren's silent refresh
// before a request): take the lock, re-read the store, adopt a peer's newer tokens or present
// the newest refresh token, persist the answer before releasing the lock, then expose it.
import {
  type DpopSession,
  discoverAuthorizationServerMetadata,
  type FetchLike,
  type OAuthClientInformationMixed,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokens,
  refreshAuthorization,
} from "@modelcontextprotocol/client";
// Classic zod/v4, as the SDK uses: this loads with the SDK, never on the startup path, and the
// build gives zod/mini importers only the functions the config code calls.
import * as z from "zod/v4";
import { type StoredTokens, toDiscoveryState } from "./oauth-state.js";
import type { OAuthStorage } from "./storage.js";

const TokenResponseSchema = z.looseObject({
  access_token: z.string(),
  token_type: z.string(),
  expires_in: z.optional(z.number()),
  refresh_token: z.optional(z.string()),
  scope: z.optional(z.string()),
  id_token: z.optional(z.string()),
});

const ErrorResponseSchema = z.looseObject({ error: z.string() });

/** The form parameters of a POST (a token request's body), when it has them. */
export function formParams(init: RequestInit | undefined): URLSearchParams | undefined {
  if (init?.method?.toUpperCase() !== "POST") return undefined;
  const body = init.body;
  if (body instanceof URLSearchParams) return body;
  return typeof body === "string" ? new URLSearchParams(body) : undefined;
}

function refreshParams(init: RequestInit | undefined): URLSearchParams | undefined {
  const params = formParams(init);
  return params?.get("grant_type") === "refresh_token" ? params : undefined;
}

/** A token response built from stored tokens, as if the server had just answered. */
function storedTokenResponse(tokens: StoredTokens, now: number): Response {
  const expiresIn =
    tokens.expires_at === undefined
      ? undefined
      : Math.max(0, Math.floor((tokens.expires_at - now) / 1000));
  const body = {
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    ...(expiresIn !== undefined && { expires_in: expiresIn }),
    ...(tokens.refresh_token !== undefined && { refresh_token: tokens.refresh_token }),
    ...(tokens.scope !== undefined && { scope: tokens.scope }),
    ...(tokens.id_token !== undefined && { id_token: tokens.id_token }),
  };
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Serializes refresh-token grants across every process sharing `storage`: under the lock
 * file it re-reads the store, and if a peer already rotated the refresh token it answers with
 * the peer's tokens instead of presenting the old one again (with single-use rotating refresh
 * tokens and reuse detection, a second presentation would revoke the whole family). A new
 * token set is written to the store before the lock is released; an `invalid_grant` for the
 * newest refresh token drops the tokens. Other requests pass through untouched.
 */
export function guardRefreshFetch(
  base: FetchLike,
  storage: OAuthStorage,
  now: () => number = Date.now,
  /**
   * Also adopt stored tokens whose refresh token is the presented one, e.g. when the caller
   * knows the request that failed used an older access token than the one stored.
   */
  adoptAnyway: (stored: StoredTokens) => boolean = () => false,
  /** Told the access token of each answer that is already in the store (written or adopted). */
  onStored: (accessToken: string) => void = () => {},
): FetchLike {
  return async (url, init) => {
    const params = refreshParams(init);
    if (!params) return base(url, init);
    const presented = params.get("refresh_token");
    return storage.withLock(async (locked) => {
      const state = await locked.read();
      const current = state.tokens;
      const fresh =
        current !== undefined && (current.expires_at === undefined || current.expires_at > now());
      if (current && fresh && current.refresh_token === presented && adoptAnyway(current)) {
        onStored(current.access_token);
        return storedTokenResponse(current, now());
      }
      if (current?.refresh_token !== undefined && current.refresh_token !== presented) {
        if (fresh) {
          onStored(current.access_token);
          return storedTokenResponse(current, now());
        }
        // Still expired: present the newest refresh token (never used) instead of ours.
        params.set("refresh_token", current.refresh_token);
      }
      const sent = params.get("refresh_token") ?? undefined;
      const response = await base(url, { ...init, body: params });
      const text = await response.text();
      const json = parseJson(text);
      if (response.ok) {
        const parsed = z.safeParse(TokenResponseSchema, json);
        if (parsed.success) {
          const tokens = parsed.data;
          const expiresAt =
            tokens.expires_in === undefined ? undefined : now() + tokens.expires_in * 1000;
          const stored: StoredTokens = {
            ...tokens,
            // RFC 6749 §6: no new refresh token means the old one stays valid.
            ...(tokens.refresh_token === undefined &&
              sent !== undefined && { refresh_token: sent }),
            ...(expiresAt !== undefined && { expires_at: expiresAt }),
            ...((current?.issuer ?? state.issuer) !== undefined && {
              issuer: current?.issuer ?? state.issuer,
            }),
          };
          await locked.write({ ...state, tokens: stored });
          onStored(stored.access_token);
        }
      } else {
        const error = z.safeParse(ErrorResponseSchema, json);
        if (error.success && error.data.error === "invalid_grant" && state.tokens) {
          // We hold the lock and presented the newest refresh token: it is dead for everyone.
          const { tokens: _dead, ...rest } = state;
          await locked.write(rest);
        }
      }
      return new Response(text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    });
  };
}

/** A refresh-guarded fetch, and what it already persisted under the lock. */
export interface RefreshGuard {
  readonly fetch: FetchLike;
  /**
   * Whether `accessToken` is from an answer the guard persisted (or adopted) under the lock; asked
   * once, when the SDK saves it. Saving it again outside the lock could overwrite a peer's
   * newer rotation with a refresh token already spent.
   */
  persisted(accessToken: string): boolean;
}

/** {@link guardRefreshFetch}, remembering what it persisted so nobody writes it twice. */
export function createRefreshGuard(
  base: FetchLike,
  storage: OAuthStorage,
  now: () => number,
  adoptAnyway: (stored: StoredTokens) => boolean,
): RefreshGuard {
  const stored = new Set<string>();
  return {
    fetch: guardRefreshFetch(base, storage, now, adoptAnyway, (token) => stored.add(token)),
    persisted: (accessToken) => stored.delete(accessToken),
  };
}

/** Default head start of a refresh before the access token's known expiry. */
export const DEFAULT_REFRESH_SKEW_MS = 60_000;

/**
 * Whether `tokens` should be refreshed at `now`: a little before their known expiry, but never
 * so early that short-lived tokens refresh on every request. Unknown expiry: never.
 */
export function isExpired(tokens: StoredTokens, now: number, skewMs: number): boolean {
  if (tokens.expires_at === undefined) return false;
  const lifetime = (tokens.expires_in ?? Number.POSITIVE_INFINITY) * 1000;
  const skew = Math.min(skewMs, lifetime / 10);
  return tokens.expires_at - skew <= now;
}

/** What {@link SilentRefresh} needs from its provider. */
export interface SilentRefreshOptions {
  readonly server: string;
  readonly storage: OAuthStorage;
  /** The refresh-guarded fetch, so the grant goes through {@link guardRefreshFetch}. */
  readonly fetch: FetchLike;
  readonly now: () => number;
  readonly skewMs: number;
  /** The client to refresh as (configured, or the stored registration). */
  readonly clientInformation: () => Promise<OAuthClientInformationMixed | undefined>;
  /** The DPoP session that signs the refresh request, when tokens are DPoP-bound. */
  readonly dpop?: () => Promise<DpopSession | undefined>;
  /** The RFC 8707 resource indicator `auth()` would send. */
  readonly resource: (
    discovery: ReturnType<typeof toDiscoveryState>,
  ) => Promise<string | URL | undefined>;
  /** Stores the new tokens and returns them as stored. */
  readonly save: (tokens: OAuthTokens) => Promise<StoredTokens | undefined>;
  readonly log?: (line: string) => void;
}

/**
 * Refreshes expired tokens before a request, when their expiry is known (deduplicated within
 * the process; across processes the guarded fetch serializes the grant). Resolves with the
 * tokens to use: fresh ones, a peer's, the old ones when the refresh failed for a passing
 * reason, or undefined when the refresh token is dead (sign-in needed).
 */
export class SilentRefresh {
  private readonly options: SilentRefreshOptions;
  private running: Promise<StoredTokens | undefined> | undefined;

  constructor(options: SilentRefreshOptions) {
    this.options = options;
  }

  /** Whether `tokens` are due for a refresh now. */
  due(tokens: StoredTokens): boolean {
    return isExpired(tokens, this.options.now(), this.options.skewMs);
  }

  run(): Promise<StoredTokens | undefined> {
    this.running ??= this.refresh().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async refresh(): Promise<StoredTokens | undefined> {
    const { storage, server, log } = this.options;
    const state = await storage.read();
    const tokens = state.tokens;
    // A peer may have refreshed since we looked: use its tokens rather than rotate again.
    if (!tokens?.refresh_token || !state.discovery || !this.due(tokens)) return tokens;
    const discovery = toDiscoveryState(state.discovery);
    const clientInformation = await this.options.clientInformation();
    if (!clientInformation) return tokens;
    const asUrl = discovery.authorizationServerUrl;
    try {
      const metadata =
        discovery.authorizationServerMetadata ??
        (await discoverAuthorizationServerMetadata(asUrl, { fetchFn: this.options.fetch }));
      const resource = await this.options.resource(discovery);
      const dpop = await this.options.dpop?.();
      const fresh = await refreshAuthorization(asUrl, {
        ...(dpop && { dpop }),
        metadata,
        clientInformation,
        refreshToken: tokens.refresh_token,
        ...(resource !== undefined && { resource }),
        fetchFn: this.options.fetch,
      });
      return await this.options.save({ ...fresh, issuer: tokens.issuer ?? asUrl });
    } catch (error) {
      if (error instanceof OAuthError && error.code === OAuthErrorCode.InvalidGrant) {
        // The guard re-read the store under the lock: the refresh token is dead for everyone.
        log?.(`${server}: refresh token rejected; sign-in needed`);
        return undefined;
      }
      log?.(`${server}: silent refresh failed: ${error instanceof Error ? error.name : "error"}`);
      return tokens;
    }
  }
}
