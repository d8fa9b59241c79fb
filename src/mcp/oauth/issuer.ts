import {
  AuthorizationServerMismatchError,
  IssuerMismatchError,
} from "@modelcontextprotocol/client";
import { McpAuthIssuerError } from "./errors.js";

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
