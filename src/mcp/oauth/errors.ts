import { UnauthorizedError } from "@modelcontextprotocol/client";
import { formatDuration } from "../../utils/format.js";
import { McpAuthError } from "../errors.js";

// Every kind of sign-in failure. Their base class, McpAuthError, belongs to the connect
// contract in ../errors.ts (the manager branches on it) and is imported from there.

/** The user pressed Esc (or Ctrl+C) while the authorization prompt was open. */
export class McpAuthCancelledError extends McpAuthError {
  override readonly name = "McpAuthCancelledError";

  constructor(server: string) {
    super(server, "authorization cancelled");
  }
}

/** Nobody answered the authorization prompt in time. */
export class McpAuthTimeoutError extends McpAuthError {
  override readonly name = "McpAuthTimeoutError";
  readonly timeoutMs: number;

  constructor(server: string, timeoutMs: number) {
    super(server, `authorization timed out after ${formatDuration(timeoutMs)}`);
    this.timeoutMs = timeoutMs;
  }
}

/** The authorization server redirected back with `error=...` (for example `access_denied`). */
export class McpAuthDeniedError extends McpAuthError {
  override readonly name = "McpAuthDeniedError";
  /** The OAuth error code, e.g. `access_denied`. */
  readonly code: string;

  constructor(server: string, code: string, description: string | undefined) {
    const reason =
      code === "access_denied" ? "authorization denied" : `authorization failed (${code})`;
    super(server, description ? `${reason}: ${description}` : reason);
    this.code = code;
  }
}

/** RFC 8628: the device code expired (`expired_token`, or `expires_in` passed) before approval. */
export class McpDeviceCodeExpiredError extends McpAuthError {
  override readonly name = "McpDeviceCodeExpiredError";

  constructor(server: string) {
    super(server, "the sign-in code expired before it was approved; run the sign-in again");
  }
}

/** The device authorization grant was asked for, but the authorization server does not offer it. */
export class McpDeviceGrantUnavailableError extends McpAuthError {
  override readonly name = "McpDeviceGrantUnavailableError";

  constructor(server: string, why: string) {
    super(server, `device sign-in is not available: ${why}`);
  }
}

/** The fixed callback port (`oauth.callbackPort`) is taken by another program. */
export class McpAuthPortBusyError extends McpAuthError {
  override readonly name = "McpAuthPortBusyError";
  readonly port: number;

  constructor(server: string, port: number) {
    super(
      server,
      `callback port ${port} on 127.0.0.1 is in use: free it, or change oauth.callbackPort of ${server}`,
    );
    this.port = port;
  }
}

/**
 * An authorization-server mix-up was refused: metadata whose `issuer` is not the URL it was
 * discovered at (RFC 8414 §3.3), an authorization response from another issuer or without the
 * `iss` its server promises (RFC 9207), or a code to be exchanged at another server than the
 * one that issued it. Nothing was sent to the other server.
 */
export class McpAuthIssuerError extends McpAuthError {
  override readonly name = "McpAuthIssuerError";
  /** The issuer wren trusted for this server. */
  readonly expected: string | undefined;
  /** The issuer that was offered instead (attacker-controlled in a mix-up; shown quoted). */
  readonly received: string | undefined;

  constructor(
    server: string,
    message: string,
    issuers: { expected: string | undefined; received: string | undefined },
    options: { cause?: unknown } = {},
  ) {
    super(server, message, options);
    this.expected = issuers.expected;
    this.received = issuers.received;
  }
}

/** One step of the client identity chain that did not give wren a client, and why. */
export interface McpAuthIdentityStep {
  readonly step: "client metadata document" | "dynamic client registration" | "configured client";
  readonly reason: string;
}

/**
 * No client identity: the client ID metadata document, dynamic registration and the configured
 * client were each unavailable or refused; `steps` says which and why (also in the message).
 */
export class McpAuthClientIdentityError extends McpAuthError {
  override readonly name = "McpAuthClientIdentityError";
  readonly steps: readonly McpAuthIdentityStep[];

  constructor(server: string, message: string, steps: readonly McpAuthIdentityStep[]) {
    super(server, message);
    this.steps = steps;
  }
}

/**
 * The server needs a sign-in and nobody is there to do it (startup, print mode). Extends the
 * SDK's UnauthorizedError so the transport and wren's error mapping treat it as a 401.
 */
export class McpAuthRequiredError extends UnauthorizedError {
  override readonly name = "McpAuthRequiredError";
  readonly server: string;
  /**
   * Set when signed in but the request needs more (a 403 `insufficient_scope`): the scope to
   * sign in with (granted and required together) and the scope the server asked for.
   */
  readonly stepUp?: { readonly scope: string; readonly missing?: string };

  constructor(server: string, stepUp: { scope?: string; missing?: string } = {}) {
    super(`${server} needs sign-in: run .mcp auth ${server}`);
    this.server = server;
    if (stepUp.scope !== undefined) {
      this.stepUp = {
        scope: stepUp.scope,
        ...(stepUp.missing !== undefined && { missing: stepUp.missing }),
      };
    }
  }
}

/** The first error of class `type` in an error's cause chain, if any. */
export function errorIn<E extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => E,
): E | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof type) return current;
    current = current.cause;
  }
  return undefined;
}
