// Who wren is at an authorization server: a client ID metadata document, else a dynamic
// registration, else the configured client; and which step failed, in one line, when none is.
import {
  type AuthorizationServerMetadata,
  type FetchLike,
  isHttpsUrl,
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  RegistrationRejectedError,
  registerClient,
} from "@modelcontextprotocol/client";
// Classic zod/v4, as the SDK uses: this loads with the SDK, never on the startup path.
import * as z from "zod/v4";
import type { OAuthSettings } from "../../config/schema.js";
import { errorText } from "../../utils/errors.js";
import { cleanText } from "./callback-input.js";
import { McpAuthClientIdentityError, type McpAuthIdentityStep } from "./errors.js";
import { quoteIssuer } from "./issuer.js";
import type { OAuthState, StoredClient } from "./oauth-state.js";
import { formParams } from "./refresh.js";

/** The settings the chain reads. */
export type ClientSettings = Pick<OAuthSettings, "clientId" | "clientSecret" | "clientMetadataUrl">;

/** What one run of the chain needs to know about the authorization server and the sign-in. */
export interface IdentityRequest {
  /** The issuer the client is for (stamped on it: SEP-2352 keys credentials by issuer). */
  readonly issuer: string;
  readonly authorizationServerUrl: string;
  /** Undefined for a 2025-03-26 server without metadata (registration then goes to /register). */
  readonly metadata: AuthorizationServerMetadata | undefined;
  /** wren's registration document, its redirect URI naming the bound loopback port. */
  readonly clientMetadata: OAuthClientMetadata;
  readonly scope: string | undefined;
  readonly redirectPort: number | undefined;
}

/** Options of {@link ClientIdentity}. */
export interface ClientIdentityOptions {
  readonly server: string;
  readonly settings: ClientSettings;
  readonly fetch: FetchLike;
  /** Stores the client obtained; a concurrent sign-in finds it there once the run is over. */
  readonly save: (client: StoredClient) => Promise<void>;
  readonly log?: (line: string) => void;
}

/** An OAuth error body (RFC 6749 §5.2, RFC 7591 §3.2.2). */
const RegistrationErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.optional(z.string()),
});

/** What wren registers as (RFC 7591): a public native app with a loopback redirect (RFC 8252). */
export function wrenClientMetadata(options: {
  readonly redirectUrl: string;
  readonly version?: string;
  readonly scope?: string;
}): OAuthClientMetadata {
  return {
    client_name: "wren",
    redirect_uris: [options.redirectUrl],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    // A registered client is public; a configured secret belongs to the configured client.
    token_endpoint_auth_method: "none",
    application_type: "native",
    software_id: "wren",
    ...(options.version !== undefined && { software_version: options.version }),
    ...(options.scope !== undefined && { scope: options.scope }),
  };
}

/**
 * The scope auth() will ask for, so a registered client may ask for it (an authorization server
 * limits a client to the scope it registered with): the one asked for, else what the resource
 * names, else `oauth.scope`; plus `offline_access` when the server offers it, as the SDK adds
 * it for a client that refreshes (SEP-2207; its own helper is not exported).
 */
export function authorizationScope(options: {
  readonly requested: string | undefined;
  readonly discovered: readonly string[] | undefined;
  readonly configured: string | undefined;
  readonly offered: readonly string[] | undefined;
}): string | undefined {
  const scope = options.requested || options.discovered?.join(" ") || options.configured;
  if (!scope || !options.offered?.includes("offline_access")) return scope;
  return scope.split(" ").includes("offline_access") ? scope : `${scope} offline_access`;
}

/** `oauth.clientMetadataUrl` when it may be sent as a client_id: https, with a path. */
export function usableMetadataUrl(settings: ClientSettings): string | undefined {
  const url = settings.clientMetadataUrl;
  return url !== undefined && isHttpsUrl(url) ? url : undefined;
}

/** The server's reason for refusing a registration, cleaned for one line. */
function rejectionReason(rejected: RegistrationRejectedError): string {
  let reason = `HTTP ${rejected.status}`;
  try {
    const parsed = z.safeParse(RegistrationErrorSchema, JSON.parse(rejected.body));
    if (parsed.success) {
      const description = parsed.data.error_description;
      reason += ` ${cleanText(parsed.data.error, 64)}`;
      if (description !== undefined) reason += `: ${cleanText(description, 160)}`;
    }
  } catch {
    // not JSON: the status says enough
  }
  return reason;
}

/**
 * The client information to present for a stored client: the configured secret joined to a
 * configured client again (secrets stay in settings), or undefined when the settings no longer
 * name that client (then the chain runs again).
 */
export function presentable(
  client: StoredClient,
  settings: ClientSettings,
): OAuthClientInformationMixed | undefined {
  const { information } = client;
  if (client.kind === "configured") {
    if (settings.clientId !== information.client_id) return undefined;
    return {
      ...information,
      ...(settings.clientSecret !== undefined && { client_secret: settings.clientSecret }),
    };
  }
  if (client.kind === "metadata-url" && information.client_id !== usableMetadataUrl(settings)) {
    return undefined;
  }
  return information;
}

/**
 * The client stored tokens belong to. State from before the chain never stored a configured
 * client: tokens without a stored client were issued to `oauth.clientId`.
 */
export function storedClient(
  state: OAuthState,
  settings: ClientSettings,
): StoredClient | undefined {
  if (state.client) return state.client;
  if (state.tokens && settings.clientId !== undefined) {
    return {
      kind: "configured",
      information: {
        client_id: settings.clientId,
        ...(state.issuer !== undefined && { issuer: state.issuer }),
      },
    };
  }
  return undefined;
}

/**
 * The client identity chain: the configured client (`oauth.clientId`) when there is one, else
 * a Client ID Metadata Document, else Dynamic Client Registration; a failure names each step. Concurrent sign-ins of one provider
 * (a POST and the GET stream refused at once) share one run, so the server sees one
 * registration and the one prompt names the client the exchange uses.
 */
export class ClientIdentity {
  private readonly options: ClientIdentityOptions;
  private running: { readonly key: string; readonly client: Promise<StoredClient> } | undefined;

  constructor(options: ClientIdentityOptions) {
    this.options = options;
  }

  /**
   * A client for `request`, stored before it is returned; or McpAuthClientIdentityError naming
   * each step and why it failed.
   */
  obtain(request: IdentityRequest): Promise<StoredClient> {
    const key = `${request.issuer} ${request.redirectPort ?? ""}`;
    if (this.running?.key === key) return this.running.client;
    const run = {
      key,
      client: this.chain(request).then(async (client) => {
        await this.options.save(client);
        return client;
      }),
    };
    this.running = run;
    const done = (): void => {
      if (this.running === run) this.running = undefined;
    };
    run.client.then(done, done);
    return run.client;
  }

  private async chain(request: IdentityRequest): Promise<StoredClient> {
    const { settings, server, log } = this.options;
    const steps: McpAuthIdentityStep[] = [];
    const stamp = { issuer: request.issuer };
    const port = request.redirectPort === undefined ? {} : { redirectPort: request.redirectPort };

    // A client registered for wren by hand is what the user chose: it goes first, as the MCP
    // specification orders it (pre-registered, then a metadata document, then registration).
    if (settings.clientId !== undefined) {
      log?.(`${server}: signing in as the configured client (oauth.clientId)`);
      return { kind: "configured", information: { client_id: settings.clientId, ...stamp } };
    }

    if (settings.clientMetadataUrl !== undefined) {
      const url = usableMetadataUrl(settings);
      if (url === undefined) {
        // A project's .mcp.json may set this: a URL that is not https is never sent anywhere.
        steps.push({
          step: "client metadata document",
          reason: "oauth.clientMetadataUrl is not an https URL with a path (not sent)",
        });
      } else if (request.metadata?.client_id_metadata_document_supported !== true) {
        steps.push({ step: "client metadata document", reason: "the server does not take them" });
      } else {
        return { kind: "metadata-url", information: { client_id: url, ...stamp }, ...port };
      }
    }

    if (request.metadata !== undefined && request.metadata.registration_endpoint === undefined) {
      steps.push({ step: "dynamic client registration", reason: "the server offers none" });
    } else {
      try {
        const information = await registerClient(request.authorizationServerUrl, {
          metadata: request.metadata,
          clientMetadata: request.clientMetadata,
          ...(request.scope !== undefined && { scope: request.scope }),
          fetchFn: this.options.fetch,
        });
        return { kind: "dcr", information: { ...information, ...stamp }, ...port };
      } catch (error) {
        const reason =
          error instanceof RegistrationRejectedError
            ? `refused (${rejectionReason(error)})`
            : `failed (${cleanText(errorText(error), 120)})`;
        steps.push({ step: "dynamic client registration", reason });
      }
    }

    steps.push({ step: "configured client", reason: "oauth.clientId is not set" });
    const detail = steps.map((s) => `${s.step}: ${s.reason}`).join("; ");
    throw new McpAuthClientIdentityError(
      server,
      `sign-in failed: no client identity at ${quoteIssuer(request.issuer)} — ${detail}; set oauth.clientId to a client registered for wren`,
      steps,
    );
  }
}

/** The client_id a token request presented: in its form body, or in a Basic Authorization header. */
function presentedClientId(init: RequestInit | undefined): string | undefined {
  const headers = new Headers(init?.headers);
  const authorization = headers.get("authorization");
  if (authorization?.startsWith("Basic ")) {
    const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) return decodeURIComponent(decoded.slice(0, colon));
  }
  return formParams(init)?.get("client_id") ?? undefined;
}

/**
 * The client_id the server refused (`invalid_client` or `unauthorized_client`, RFC 6749 §5.2)
 * in answer to the POST `init`, if that is what `response` says.
 */
export async function refusedClientId(
  init: RequestInit | undefined,
  response: Response,
): Promise<string | undefined> {
  if (init?.method !== "POST" || (response.status !== 400 && response.status !== 401)) {
    return undefined;
  }
  // Token endpoints answer errors in JSON (RFC 6749 §5.2); anything else is not read here.
  if (!response.headers.get("content-type")?.includes("json")) return undefined;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return undefined;
  }
  const parsed = z.safeParse(RegistrationErrorSchema, body);
  const error = parsed.success ? parsed.data.error : undefined;
  if (error !== "invalid_client" && error !== "unauthorized_client") return undefined;
  return presentedClientId(init);
}
