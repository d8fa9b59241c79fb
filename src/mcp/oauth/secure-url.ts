import { unsafeUrlReason } from "../../utils/open-url.js";
import { McpAuthError } from "../errors.js";

/** Discovery found an authorization server, or one of its endpoints, that is not https. */
export class McpInsecureAuthServerError extends McpAuthError {
  override readonly name = "McpInsecureAuthServerError";
  /** The refused URL (metadata URLs and endpoints carry no secrets). */
  readonly url: string;

  constructor(server: string, url: string, what: string) {
    super(
      server,
      `refusing ${what} ${url}: authorization servers must use https (http only on loopback)`,
    );
    this.url = url;
  }
}

/** The part of the SDK's discovery state this check reads. */
export interface DiscoveredAuthServer {
  readonly authorizationServerUrl: string;
  readonly authorizationServerMetadata?: object | undefined;
}

const ENDPOINTS = [
  ["issuer", "authorization server"],
  ["authorization_endpoint", "authorization endpoint"],
  ["token_endpoint", "token endpoint"],
  ["registration_endpoint", "registration endpoint"],
  ["revocation_endpoint", "revocation endpoint"],
] as const;

/**
 * The first URL of a discovered authorization server that tokens, codes or secrets would travel
 * over without TLS to another host (or that is no http URL at all), as an error to throw; undefined
 * when every one is https, or http on a loopback host. Pure: callers decide where it applies.
 */
export function insecureAuthServer(
  server: string,
  discovery: DiscoveredAuthServer,
): McpInsecureAuthServerError | undefined {
  const candidates: [string, string][] = [
    [discovery.authorizationServerUrl, "authorization server"],
  ];
  const metadata: Record<string, unknown> = { ...discovery.authorizationServerMetadata };
  for (const [key, what] of ENDPOINTS) {
    const value = metadata[key];
    if (typeof value === "string") candidates.push([value, what]);
  }
  for (const [url, what] of candidates) {
    if (unsafeUrlReason(url) !== undefined)
      return new McpInsecureAuthServerError(server, url, what);
  }
  return undefined;
}
