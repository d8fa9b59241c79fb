// `wren mcp debug`, the sign-in state: the client a sign-in would present (by the chain of
// client-identity.ts, nothing is registered) and the stored tokens by their properties.
import { presentable, storedClient, usableMetadataUrl } from "../oauth/client-identity.js";
import { usableAt } from "../oauth/credentials.js";
import { isDpopBound } from "../oauth/dpop.js";
import { usesMachineGrant } from "../oauth/grants/machine.js";
import type { OAuthState } from "../oauth/oauth-state.js";
import type { RemoteOAuthServer } from "./debug-config.js";
import type { ClientTrace, MetadataSummary, TokensTrace } from "./debug-trace.js";

const LOOPBACK = "http://127.0.0.1";

function redirectUri(port: number | undefined): string {
  return port === undefined
    ? `${LOOPBACK}:<free port>/callback (the port is chosen when a sign-in starts)`
    : `${LOOPBACK}:${port}/callback`;
}

/** The client a sign-in would present, by the chain of client-identity.ts, without registering. */
export function describeClient(
  server: RemoteOAuthServer,
  state: OAuthState,
  metadata: MetadataSummary | undefined,
  issuer: string | undefined,
): ClientTrace {
  const settings = server.oauth;
  if (usesMachineGrant(settings)) {
    return {
      status: "ok",
      kind: "machine",
      ...(settings.clientId !== undefined && { clientId: settings.clientId }),
      clientSecret: settings.clientSecret !== undefined,
      note: `oauth.grantType ${settings.grantType ?? ""}: no person signs in; tokens stay in memory`,
    };
  }
  const stored = storedClient(state, settings);
  if (stored && usableAt(stored, issuer, undefined) && presentable(stored, settings)) {
    const port =
      settings.callbackPort ?? (stored.kind === "configured" ? undefined : stored.redirectPort);
    return {
      status: "ok",
      kind: "stored",
      obtainedBy: stored.kind,
      clientId: stored.information.client_id,
      clientSecret:
        stored.information.client_secret !== undefined ||
        (stored.kind === "configured" && settings.clientSecret !== undefined),
      redirectUri: redirectUri(port),
      note: `stored for ${stored.information.issuer ?? "this server"}, obtained by ${stored.kind === "dcr" ? "dynamic client registration" : stored.kind === "metadata-url" ? "a client ID metadata document" : "oauth.clientId"}`,
    };
  }
  const redirect = redirectUri(settings.callbackPort);
  if (settings.clientId !== undefined) {
    return {
      status: "ok",
      kind: "configured",
      clientId: settings.clientId,
      clientSecret: settings.clientSecret !== undefined,
      redirectUri: redirect,
      note: "oauth.clientId: a sign-in presents it",
    };
  }
  const skipped: string[] = [];
  const cimd = usableMetadataUrl(settings);
  if (settings.clientMetadataUrl !== undefined) {
    if (cimd === undefined) skipped.push("oauth.clientMetadataUrl is not an https URL with a path");
    else if (metadata?.client_id_metadata_document_supported !== true) {
      skipped.push("the server does not take client ID metadata documents");
    } else {
      return {
        status: "ok",
        kind: "metadata-url",
        clientId: cimd,
        clientSecret: false,
        redirectUri: redirect,
        note: "a client ID metadata document: a sign-in presents its URL as client_id",
      };
    }
  }
  const why = skipped.length > 0 ? ` (${skipped.join("; ")})` : "";
  if (metadata === undefined || metadata.registration_endpoint !== undefined) {
    const where = metadata?.registration_endpoint ?? "the server's /register";
    return {
      status: "ok",
      kind: "dcr",
      clientSecret: false,
      redirectUri: redirect,
      note: `none stored: a sign-in would register one at ${where} (dynamic client registration; not done by debug)${why}`,
    };
  }
  return {
    status: "failed",
    kind: "none",
    clientSecret: false,
    redirectUri: redirect,
    note: `no client identity: no oauth.clientId, no registration endpoint${why}; set oauth.clientId to a client registered for wren`,
  };
}

function relativeSeconds(expiresAt: number, now: number): number {
  return Math.round((expiresAt - now) / 1000);
}

/** The stored tokens by their properties: expiry, scope, refresh token, DPoP binding. */
export function describeTokens(state: OAuthState, now: number, machine: boolean): TokensTrace {
  const tokens = state.tokens;
  if (!tokens) {
    return {
      status: machine ? "ok" : "warn",
      present: false,
      refreshToken: false,
      dpopBound: false,
      dpopKey: state.dpopKey !== undefined,
      note: machine ? "none stored (client credentials are exchanged in memory)" : "not signed in",
    };
  }
  const refresh = tokens.refresh_token !== undefined;
  const expiresIn =
    tokens.expires_at === undefined ? undefined : relativeSeconds(tokens.expires_at, now);
  const expired = expiresIn !== undefined && expiresIn <= 0;
  const bound = isDpopBound(tokens);
  const keyMissing = bound && state.dpopKey === undefined;
  const issuer = tokens.issuer ?? state.issuer;
  return {
    status: keyMissing || (expired && !refresh) ? "warn" : "ok",
    present: true,
    ...(issuer !== undefined && { issuer }),
    ...(tokens.expires_at !== undefined && {
      expiresAt: new Date(tokens.expires_at).toISOString(),
    }),
    ...(expiresIn !== undefined && { expiresInSeconds: expiresIn }),
    ...(tokens.scope !== undefined && { scope: tokens.scope }),
    refreshToken: refresh,
    dpopBound: bound,
    dpopKey: state.dpopKey !== undefined,
    note: keyMissing
      ? "DPoP-bound, but the key is gone: the tokens are not used; sign in again"
      : expired
        ? refresh
          ? "expired: a connect refreshes it"
          : "expired, and no refresh token: sign in again"
        : "usable",
  };
}
