// What the store keeps for one server, keyed by issuer (SEP-2352): pure transitions of the
// state, so the adapter only says when they happen.
import type { OAuthDiscoveryState, OAuthTokens } from "@modelcontextprotocol/client";
import { type ClientSettings, storedClient } from "./client-identity.js";
import { issuerOf, sameUrl } from "./issuer.js";
import type { OAuthState, StoredClient, StoredTokens } from "./oauth-state.js";

/**
 * `state` with `tokens` saved at `now` (their absolute expiry computed), with the client they
 * were issued to when that is known (a code exchange), and the issuer they are stamped with.
 */
export function withTokens(
  state: OAuthState,
  tokens: OAuthTokens,
  now: number,
  client: StoredClient | undefined,
): OAuthState {
  const stored: StoredTokens = {
    ...tokens,
    ...(tokens.expires_in !== undefined && { expires_at: now + tokens.expires_in * 1000 }),
  };
  return {
    ...state,
    ...(client && { client }),
    tokens: stored,
    ...(tokens.issuer !== undefined && { issuer: tokens.issuer }),
  };
}

/**
 * `state` after auth() discovered `discovery`. When its issuer is not the one the stored client
 * and tokens belong to (an authorization-server migration), they are dropped, so they are never
 * sent to the new issuer; `dropped` names the old one.
 */
export function withDiscovery(
  state: OAuthState,
  discovery: OAuthDiscoveryState,
): { readonly state: OAuthState; readonly dropped?: { from: string; to: string } } {
  const issuer = issuerOf(discovery);
  const previous = state.issuer;
  const moved = previous !== undefined && !sameUrl(previous, issuer);
  const { client, tokens, dpopKey, ...rest } = state;
  return {
    state: {
      ...rest,
      issuer,
      discovery: { ...discovery },
      ...(!moved && dpopKey && { dpopKey }),
      ...(!moved && client && { client }),
      ...(!moved && tokens && { tokens }),
    },
    ...(moved && { dropped: { from: previous, to: issuer } }),
  };
}

/** `state` without anything of its authorization server (the resource names another now). */
export function withoutAuthorizationServer(state: OAuthState): OAuthState {
  const { tokens: _t, client: _c, discovery: _d, issuer: _i, dpopKey: _k, ...rest } = state;
  return rest;
}

/**
 * `state` after the SDK's `invalidateCredentials(scope)`. When the client the server refused is
 * no longer the stored one, a concurrent auth() has already replaced it (or is about to), and
 * what it stored stays.
 */
export function invalidated(
  state: OAuthState,
  scope: "all" | "client" | "tokens" | "verifier" | "discovery",
  refusedClientId: string | undefined,
  settings: ClientSettings,
): OAuthState {
  const { client, tokens, discovery, ...rest } = state;
  if (scope === "all" || scope === "client") {
    const stored = storedClient(state, settings)?.information.client_id;
    if (refusedClientId !== undefined && stored !== refusedClientId) return state;
  }
  const keep = {
    client: scope !== "all" && scope !== "client",
    tokens: scope !== "all" && scope !== "tokens",
    discovery: scope !== "all" && scope !== "discovery",
  };
  return {
    ...rest,
    ...(keep.client && client && { client }),
    ...(keep.tokens && tokens && { tokens }),
    ...(keep.discovery && discovery && { discovery }),
  };
}

/**
 * Whether a stored client may be presented at `issuer` (absent: no issuer check asked) by a
 * sign-in listening on `port`: it belongs to that issuer, and a registration names that port
 * (the remembered port was busy, or a peer registered for its own: this one needs its own).
 */
export function usableAt(
  client: StoredClient,
  issuer: string | undefined,
  port: number | undefined,
): boolean {
  const stamp = client.information.issuer;
  if (issuer !== undefined && stamp !== undefined && !sameUrl(stamp, issuer)) return false;
  return !(client.kind === "dcr" && port !== undefined && client.redirectPort !== port);
}
