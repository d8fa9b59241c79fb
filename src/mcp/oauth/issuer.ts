import {
  AuthorizationServerMismatchError,
  discoverOAuthProtectedResourceMetadata,
  type FetchLike,
  IssuerMismatchError,
  type OAuthDiscoveryState,
} from "@modelcontextprotocol/client";
import { McpAuthIssuerError } from "./errors.js";
import type { OAuthState } from "./oauth-state.js";

/** Whether two URLs are the same, one trailing slash aside. */
export function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href.replace(/\/$/, "") === new URL(b).href.replace(/\/$/, "");
  } catch {
    return a === b;
  }
}

/**
 * The issuer credentials found through `discovery` are keyed by: the metadata's `issuer` (the
 * SDK checked it against the discovery URL, RFC 8414 §3.3), else the URL (no metadata).
 */
export function issuerOf(discovery: OAuthDiscoveryState): string {
  const metadata: unknown = discovery.authorizationServerMetadata;
  const issuer =
    typeof metadata === "object" && metadata !== null && "issuer" in metadata
      ? metadata.issuer
      : undefined;
  return typeof issuer === "string" ? issuer : discovery.authorizationServerUrl;
}

/**
 * The authorization server the resource's protected resource metadata names now, when that is
 * not the one `state`'s credentials belong to (a migration); undefined when it is the same, or
 * the resource publishes no metadata to compare (a 2025-03-26 server).
 */
export async function movedAuthorizationServer(
  serverUrl: string,
  state: OAuthState,
  fetchFn: FetchLike,
): Promise<{ readonly from: string; readonly to: string } | undefined> {
  const stored = state.discovery?.authorizationServerUrl;
  if (stored === undefined) return undefined;
  let named: string | undefined;
  try {
    const resourceMetadataUrl = state.discovery?.resourceMetadataUrl;
    const metadata = await discoverOAuthProtectedResourceMetadata(
      serverUrl,
      resourceMetadataUrl === undefined ? {} : { resourceMetadataUrl },
      fetchFn,
    );
    named = metadata?.authorization_servers?.[0];
  } catch {
    return undefined;
  }
  if (named === undefined || sameUrl(named, stored)) return undefined;
  return { from: stored, to: named };
}

/**
 * An issuer for a one-line message: quoted (JSON escapes control characters, so a hostile
 * value cannot draw on the terminal or forge a log line) and cut to a readable length.
 */
export function quoteIssuer(issuer: string | undefined): string {
  if (issuer === undefined || issuer === "") return "(none)";
  const cut = issuer.length > 120 ? `${issuer.slice(0, 119)}…` : issuer;
  return JSON.stringify(cut);
}

/** The first error in `error`'s cause chain that the SDK raised for an issuer mix-up. */
function mixUpIn(
  error: unknown,
): IssuerMismatchError | AuthorizationServerMismatchError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current instanceof IssuerMismatchError) return current;
    if (current instanceof AuthorizationServerMismatchError) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * The SDK's mix-up refusals (RFC 8414 §3.3 metadata issuer, RFC 9207 `iss`, a code bound to
 * another server) as one line naming both issuers; undefined for any other error.
 */
export function issuerRefusal(server: string, error: unknown): McpAuthIssuerError | undefined {
  const found = mixUpIn(error);
  if (found === undefined) return undefined;
  if (found instanceof AuthorizationServerMismatchError) {
    const issuers = { expected: found.recordedIssuer, received: found.currentIssuer };
    return new McpAuthIssuerError(
      server,
      `sign-in refused: the code came from ${quoteIssuer(issuers.expected)} but the server now names ${quoteIssuer(issuers.received)}; nothing was sent — sign in again`,
      issuers,
      { cause: found },
    );
  }
  const issuers = { expected: found.expected, received: found.received };
  const message =
    found.kind === "metadata"
      ? `authorization server refused: its metadata names issuer ${quoteIssuer(found.received)}, not ${quoteIssuer(found.expected)} where it was found (RFC 8414); nothing was sent to it`
      : found.received === undefined
        ? `sign-in refused: the response carries no issuer, and ${quoteIssuer(found.expected)} always sends one (RFC 9207 mix-up defence); the code was not used`
        : `sign-in refused: the response names issuer ${quoteIssuer(found.received)}, not ${quoteIssuer(found.expected)} (RFC 9207 mix-up defence); the code was not used`;
  return new McpAuthIssuerError(server, message, issuers, { cause: found });
}
