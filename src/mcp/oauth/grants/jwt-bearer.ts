// Workload identity (`"grantType": "jwt_bearer"`, RFC 7523 §2.1, SEP-1933): the workload's own
// JWT (a projected service-account token, a CI job's OIDC token) is the authorization grant.
// The SDK's auth() runs discovery and the token request; this provider only says which grant
// to ask for and hands over the JWT, read fresh each time. A refusal (invalid_grant,
// invalid_scope, unauthorized_client) ends the connect as is: no retry, no other grant.
import type {
  FetchLike,
  OAuthClientMetadata,
  OAuthClientProvider,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import { readToken, type TokenSource } from "./token-source.js";

/** RFC 7523 §2.1. */
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** Options of {@link JwtBearerProvider}. */
export interface JwtBearerOptions {
  readonly server: string;
  readonly clientId: string;
  /** The authorization server the JWT is for: the SDK refuses to send it anywhere else. */
  readonly issuer: string;
  readonly scope?: string;
  readonly source: TokenSource;
  readonly env: NodeJS.ProcessEnv;
}

/** An OAuthClientProvider for the JWT-bearer grant; tokens stay in memory. */
export class JwtBearerProvider implements OAuthClientProvider {
  private readonly options: JwtBearerOptions;
  private saved: StoredOAuthTokens | undefined;
  /** The server's refusal of a JWT, by the JWT: the same JWT is never sent again. */
  private readonly refusals = new Map<string, { status: number; body: string }>();

  constructor(options: JwtBearerOptions) {
    this.options = options;
  }

  get redirectUrl(): undefined {
    return undefined;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "wren",
      redirect_uris: [],
      grant_types: [JWT_BEARER_GRANT],
      // The JWT authenticates the workload; the client itself has no secret (RFC 7523 §3.1).
      token_endpoint_auth_method: "none",
      ...(this.options.scope !== undefined && { scope: this.options.scope }),
    };
  }

  clientInformation(): StoredOAuthClientInformation {
    // The issuer stamp makes the SDK refuse any other authorization server (SEP-2352).
    return { client_id: this.options.clientId, issuer: this.options.issuer };
  }

  tokens(): StoredOAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.saved = tokens;
  }

  redirectToAuthorization(): void {
    throw new Error("the jwt_bearer grant never redirects to a browser");
  }

  saveCodeVerifier(): void {}

  codeVerifier(): string {
    throw new Error("the jwt_bearer grant has no PKCE verifier");
  }

  /**
   * Wraps the transport's fetch: a JWT-bearer token request whose JWT the server already
   * refused is answered with that refusal instead of being sent again (the SDK's auth() retries
   * once after invalid_grant; a workload token does not get better by resending it, SEP-1933).
   * A new JWT in the file is sent as usual.
   */
  guardFetch(base: FetchLike): FetchLike {
    return async (url, init) => {
      const params =
        init?.method === "POST" && typeof init.body === "string"
          ? new URLSearchParams(init.body)
          : init?.body instanceof URLSearchParams
            ? init.body
            : undefined;
      const assertion =
        params?.get("grant_type") === JWT_BEARER_GRANT ? params.get("assertion") : null;
      if (assertion === null) return base(url, init);
      const refused = this.refusals.get(assertion);
      if (refused) {
        return new Response(refused.body, {
          status: refused.status,
          headers: { "content-type": "application/json" },
        });
      }
      const response = await base(url, init);
      if (response.status >= 400 && response.status < 500) {
        this.refusals.set(assertion, {
          status: response.status,
          body: await response.clone().text(),
        });
      }
      return response;
    };
  }

  async prepareTokenRequest(scope?: string): Promise<URLSearchParams> {
    const assertion = await readToken(this.options.server, this.options.source, this.options.env);
    const params = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
    if (scope) params.set("scope", scope);
    return params;
  }
}
