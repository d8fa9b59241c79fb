// The device authorization grant (RFC 8628) as a sign-in of WrenOAuthProvider: whether a
// sign-in is one (asked for, or headless where the authorization server offers it), the client
// metadata that registers for it, and the run: a user code asked for with the client, scope and
// resource of the authorization URL auth() built, shown, and polled for (device-flow.ts) through
// the SDK's token request, whose body prepareTokenRequest() makes a device-code one meanwhile.
import {
  type AuthorizationServerMetadata,
  type FetchLike,
  fetchToken,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
  selectClientAuthMethod,
} from "@modelcontextprotocol/client";
import type { OAuthSettings } from "../../config/schema.js";
import { McpAuthError } from "../errors.js";
import { presentable } from "./client-identity.js";
import { devicePrompt } from "./device-display.js";
import {
  DEVICE_CODE_GRANT,
  deviceAuthorizationEndpoint,
  pollForDeviceTokens,
  requestDeviceAuthorization,
  systemClock,
} from "./device-flow.js";
import { McpAuthCancelledError, McpDeviceGrantUnavailableError } from "./errors.js";
import {
  clientOf,
  type RedirectContext,
  type SignInOptions,
  type SignInSession,
} from "./sign-in-session.js";

/** How a sign-in goes: a device grant, the browser, or undefined for "whichever fits". */
export type SignInMethod = "device" | "browser" | undefined;

/** `wren mcp auth --device` over `oauth.method`; automatic when neither says. */
export function signInMethod(
  settings: Pick<OAuthSettings, "method">,
  signIn: Pick<SignInOptions, "method"> | undefined,
): SignInMethod {
  const configured = settings.method;
  const method = configured === "device" || configured === "browser" ? configured : undefined;
  return signIn?.method ?? method;
}

/**
 * A registered client may use only the grants it registered: the metadata asks for the device
 * grant too wherever the authorization server offers it (a later sign-in may be headless).
 */
export function withDeviceGrant(
  metadata: OAuthClientMetadata,
  authorizationServer: unknown,
  method: SignInMethod,
): OAuthClientMetadata {
  const offered = deviceAuthorizationEndpoint(authorizationServer);
  if (offered === undefined || method === "browser") return metadata;
  return { ...metadata, grant_types: [...(metadata.grant_types ?? []), DEVICE_CODE_GRANT] };
}

/**
 * The device authorization endpoint when this sign-in is a device grant: asked for
 * (`--device`, `oauth.method: "device"`) or headless, and offered by the authorization
 * server. Asked for but not offered: one line saying so.
 */
export function deviceEndpointFor(
  server: string,
  method: SignInMethod,
  authorizationServer: unknown,
  signIn: Pick<SignInOptions, "openBrowser">,
): string | undefined {
  if (method === "browser") return undefined;
  const endpoint = deviceAuthorizationEndpoint(authorizationServer);
  if (method === "device") {
    if (endpoint !== undefined) return endpoint;
    throw new McpDeviceGrantUnavailableError(
      server,
      "the authorization server does not offer the device authorization grant (RFC 8628)",
    );
  }
  const headless = signIn.openBrowser === undefined;
  return headless ? endpoint : undefined;
}

/** Device-grant tokens, stamped with the issuer of the authorization server that issued them. */
export function issuedTokens(
  tokens: OAuthTokens,
  discovery: OAuthDiscoveryState | undefined,
): OAuthTokens {
  const issuer = discovery?.authorizationServerMetadata?.issuer;
  return issuer !== undefined ? { ...tokens, issuer } : tokens;
}

/** What {@link DeviceGrant.redirect} decides with. */
export interface DeviceRedirect {
  readonly method: SignInMethod;
  /** The stored authorization server metadata, as served. */
  readonly offered: unknown;
  readonly discovery: OAuthDiscoveryState | undefined;
  readonly session: SignInSession;
}

/** One device sign-in to run (see {@link DeviceGrant.run}). */
export interface DeviceGrantRequest {
  readonly endpoint: string;
  readonly authorizationUrl: URL;
  readonly metadata: AuthorizationServerMetadata;
  readonly asUrl: string;
  readonly context: RedirectContext;
  readonly signal: AbortSignal;
}

/** Options of {@link DeviceGrant}. */
export interface DeviceGrantOptions {
  readonly server: string;
  readonly settings: OAuthSettings;
  /** The provider's fetch (refresh guard, DPoP nonce, step-up watching). */
  readonly fetch: FetchLike;
  /** The provider the SDK's token request asks for client authentication, resource and DPoP. */
  readonly provider: OAuthClientProvider;
}

/** The device grant of one provider: runs a sign-in and shapes its token requests. */
export class DeviceGrant {
  private readonly options: DeviceGrantOptions;
  /** The device code being polled for; the token request sends it. */
  private deviceCode: string | undefined;

  constructor(options: DeviceGrantOptions) {
    this.options = options;
  }

  /**
   * Starts the sign-in of `authorizationUrl` as a device grant when it is one (see
   * {@link deviceEndpointFor}); false when it is a browser sign-in.
   */
  redirect(authorizationUrl: URL, context: RedirectContext, device: DeviceRedirect): boolean {
    const { discovery, session } = device;
    const metadata = discovery?.authorizationServerMetadata;
    const signIn = context.signIn;
    const endpoint = deviceEndpointFor(this.options.server, device.method, device.offered, signIn);
    if (endpoint === undefined || metadata === undefined || discovery === undefined) return false;
    if (context.scope !== undefined) authorizationUrl.searchParams.set("scope", context.scope);
    const asUrl = discovery.authorizationServerUrl;
    session.redirectDevice(authorizationUrl, context, (signal) =>
      this.run({ endpoint, authorizationUrl, metadata, asUrl, context, signal }),
    );
    return true;
  }

  /**
   * Asks for a user code with the client, scope and resource of the authorization URL (the
   * code flow would have sent the same), shows it, and polls the token endpoint.
   */
  async run(request: DeviceGrantRequest): Promise<OAuthTokens> {
    const { authorizationUrl, metadata, context } = request;
    const { server: name, settings, fetch } = this.options;
    const signIn = context.signIn;
    const client = clientOf(authorizationUrl, context);
    const information = client && presentable(client, settings);
    if (!information) throw new McpAuthError(name, "could not start the sign-in (no client)");
    const secret = information.client_secret;
    const resource = authorizationUrl.searchParams.get("resource") ?? undefined;
    const scope = authorizationUrl.searchParams.get("scope") ?? undefined;
    const authorization = await requestDeviceAuthorization({
      server: name,
      endpoint: request.endpoint,
      client: {
        clientId: information.client_id,
        ...(secret !== undefined && {
          clientSecret: secret,
          authMethod: selectClientAuthMethod(
            information,
            metadata.token_endpoint_auth_methods_supported ?? [],
          ),
        }),
      },
      ...(scope !== undefined && { scope }),
      ...(resource !== undefined && { resource }),
      fetch,
      signal: request.signal,
    });
    const prompt = await devicePrompt(name, authorization);
    const cancel = new AbortController();
    const handle = signIn.interaction.openDevice(prompt, {
      onCancel: () => cancel.abort(new McpAuthCancelledError(name)),
    });
    try {
      return await pollForDeviceTokens({
        server: name,
        intervalMs: authorization.intervalMs,
        expiresInMs: authorization.expiresInMs,
        clock: signIn.deviceClock ?? systemClock,
        signal: AbortSignal.any([request.signal, cancel.signal]),
        requestTokens: () => {
          this.deviceCode = authorization.deviceCode;
          return fetchToken(this.options.provider, request.asUrl, {
            metadata,
            ...(resource !== undefined && { resource }),
            fetchFn: fetch,
          });
        },
        onEvent: (event) => {
          if (event.kind === "slow-down") {
            handle.update({
              note: `The server asked wren to check less often (every ${event.intervalMs / 1000} s).`,
            });
          }
        },
      });
    } finally {
      this.deviceCode = undefined;
      handle.close();
    }
  }

  /** The token request of a device sign-in; undefined for the code flow's exchange. */
  tokenRequest(): URLSearchParams | undefined {
    const deviceCode = this.deviceCode;
    if (deviceCode === undefined) return undefined;
    return new URLSearchParams({ grant_type: DEVICE_CODE_GRANT, device_code: deviceCode });
  }
}
