// RFC 8628, the device authorization grant: the request for a user code and the polling of the
// token endpoint until the user approved, denied, or the code expired. The clock is injected
// (tests never wait real seconds); the token request itself is the SDK's (client
// authentication, resource indicator, DPoP), see provider.ts.
import { type FetchLike, OAuthError, type OAuthTokens } from "@modelcontextprotocol/client";
import * as z from "zod/v4";
import { sleep } from "../../utils/sleep.js";
import { McpAuthError } from "../errors.js";
import { cleanText } from "./callback-input.js";
import { McpAuthCancelledError, McpAuthDeniedError, McpDeviceCodeExpiredError } from "./errors.js";

/** The grant type of RFC 8628 §3.4. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** RFC 8628 §3.2: the interval to poll at when the server names none. */
export const DEFAULT_DEVICE_INTERVAL_MS = 5_000;

/** RFC 8628 §3.5: what `slow_down` adds to the interval, for this and every later request. */
export const SLOW_DOWN_STEP_MS = 5_000;

const OfferSchema = z.looseObject({
  device_authorization_endpoint: z.string(),
  grant_types_supported: z.optional(z.array(z.string())),
});

/**
 * The device authorization endpoint when the authorization server offers the grant: it names
 * the endpoint and, when it lists its grants, lists the device code grant among them.
 */
export function deviceAuthorizationEndpoint(metadata: unknown): string | undefined {
  const parsed = OfferSchema.safeParse(metadata);
  if (!parsed.success) return undefined;
  const grants = parsed.data.grant_types_supported;
  if (grants !== undefined && !grants.includes(DEVICE_CODE_GRANT)) return undefined;
  return parsed.data.device_authorization_endpoint;
}

const DeviceAuthorizationSchema = z.looseObject({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.string().min(1),
  verification_uri_complete: z.optional(z.string()),
  expires_in: z.number().positive(),
  interval: z.optional(z.number().positive()),
});

const ErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.optional(z.string()),
});

/** The authorization server's answer to a device authorization request (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  /** Secret: only ever sent back to the token endpoint. */
  readonly deviceCode: string;
  /** As the server sent them: foreign text, sanitized before display (device-display.ts). */
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete?: string;
  readonly expiresInMs: number;
  readonly intervalMs: number;
}

/** The client a device authorization request names and, when confidential, authenticates. */
export interface DeviceClient {
  readonly clientId: string;
  readonly clientSecret?: string;
  /** `client_secret_basic` sends the secret in the header, anything else in the body. */
  readonly authMethod?: string;
}

/** Options of {@link requestDeviceAuthorization}. */
export interface DeviceAuthorizationRequest {
  readonly server: string;
  readonly endpoint: string;
  readonly client: DeviceClient;
  /** The scope and RFC 8707 resource the code flow would ask for. */
  readonly scope?: string;
  readonly resource?: string;
  readonly fetch: FetchLike;
  readonly signal?: AbortSignal;
}

/** Asks the authorization server for a device code and a user code (RFC 8628 §3.1). */
export async function requestDeviceAuthorization(
  request: DeviceAuthorizationRequest,
): Promise<DeviceAuthorization> {
  const { client, server } = request;
  const body = new URLSearchParams({ client_id: client.clientId });
  if (request.scope !== undefined) body.set("scope", request.scope);
  if (request.resource !== undefined) body.set("resource", request.resource);
  const headers = new Headers({
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  });
  if (client.clientSecret !== undefined) {
    if (client.authMethod === "client_secret_basic") {
      const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
      headers.set("authorization", `Basic ${Buffer.from(pair).toString("base64")}`);
    } else {
      body.set("client_secret", client.clientSecret);
    }
  }
  const response = await request.fetch(request.endpoint, {
    method: "POST",
    headers,
    body,
    ...(request.signal && { signal: request.signal }),
  });
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const refused = ErrorSchema.safeParse(json);
    // The server's words are foreign text: one printable, bounded line.
    const why = refused.success
      ? cleanText(
          `${refused.data.error}${refused.data.error_description ? `: ${refused.data.error_description}` : ""}`,
          200,
        )
      : `HTTP ${response.status}`;
    throw new McpAuthError(server, `the device authorization request was refused (${why})`);
  }
  const parsed = DeviceAuthorizationSchema.safeParse(json);
  if (!parsed.success) {
    throw new McpAuthError(server, "the device authorization answer is not RFC 8628 JSON");
  }
  const answer = parsed.data;
  return {
    deviceCode: answer.device_code,
    userCode: answer.user_code,
    verificationUri: answer.verification_uri,
    ...(answer.verification_uri_complete !== undefined && {
      verificationUriComplete: answer.verification_uri_complete,
    }),
    expiresInMs: answer.expires_in * 1000,
    intervalMs: answer.interval !== undefined ? answer.interval * 1000 : DEFAULT_DEVICE_INTERVAL_MS,
  };
}

/** The clock the polling waits on: tests pass one that moves instantly. */
export interface DeviceClock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Real time. */
export const systemClock: DeviceClock = {
  now: () => Date.now(),
  sleep,
};

/** What the polling reports to the prompt. */
export type DevicePollEvent =
  | { readonly kind: "pending" }
  | { readonly kind: "slow-down"; readonly intervalMs: number };

/** Options of {@link pollForDeviceTokens}. */
export interface DevicePollOptions {
  readonly server: string;
  readonly intervalMs: number;
  readonly expiresInMs: number;
  /** One token request with the device code; rejects with the SDK's OAuthError when refused. */
  readonly requestTokens: () => Promise<OAuthTokens>;
  readonly clock?: DeviceClock;
  /** Esc / Ctrl+C: ends the polling with McpAuthCancelledError (or the signal's reason). */
  readonly signal: AbortSignal;
  readonly onEvent?: (event: DevicePollEvent) => void;
}

/** A promise that rejects with the signal's reason once it aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/**
 * Polls the token endpoint at the server's interval until it issues tokens (RFC 8628 §3.4-3.5):
 * `authorization_pending` waits another interval, `slow_down` adds 5 s for good,
 * `access_denied` rejects with McpAuthDeniedError, `expired_token` (or `expires_in` passing)
 * with McpDeviceCodeExpiredError; any other refusal is rethrown as it came.
 */
export async function pollForDeviceTokens(options: DevicePollOptions): Promise<OAuthTokens> {
  const { server, signal } = options;
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + options.expiresInMs;
  const stop = aborted(signal);
  stop.catch(() => {});
  let intervalMs = options.intervalMs;
  for (;;) {
    if (signal.aborted) throw signal.reason ?? new McpAuthCancelledError(server);
    const left = deadline - clock.now();
    if (left <= 0) throw new McpDeviceCodeExpiredError(server);
    // The last wait ends at the deadline: one more request there is answered `expired_token`.
    await clock.sleep(Math.min(intervalMs, left), signal);
    if (clock.now() >= deadline) throw new McpDeviceCodeExpiredError(server);
    try {
      return await Promise.race([options.requestTokens(), stop]);
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? new McpAuthCancelledError(server);
      if (!(error instanceof OAuthError)) throw error;
      switch (error.code) {
        case "authorization_pending":
          options.onEvent?.({ kind: "pending" });
          continue;
        case "slow_down":
          intervalMs += SLOW_DOWN_STEP_MS;
          options.onEvent?.({ kind: "slow-down", intervalMs });
          continue;
        case "access_denied":
          throw new McpAuthDeniedError(
            server,
            "access_denied",
            error.message === error.code ? undefined : cleanText(error.message, 200),
          );
        case "expired_token":
          throw new McpDeviceCodeExpiredError(server);
        default:
          throw error;
      }
    }
  }
}
