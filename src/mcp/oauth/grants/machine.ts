// The grants where no person signs in: client_credentials (client-credentials.ts), workload
// identity (jwt-bearer.ts) and enterprise-managed authorization (enterprise.ts). One entry
// point for machine-connect.ts, which connects them all the same way: the SDK's auth() with the
// provider, tokens in memory, credentials sent only to the configured issuer.
import type {
  FetchLike,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import type { OAuthSettings } from "../../../config/schema.js";
import type { WrenPaths } from "../../../utils/paths.js";
import { clientCredentialsProvider } from "./client-credentials.js";
import { enterpriseProvider } from "./enterprise.js";
import { JwtBearerProvider } from "./jwt-bearer.js";
import { readToken, tokenSource } from "./token-source.js";

/** A provider for a grant without a person, plus what machine-connect.ts says about it. */
export type MachineProvider = OAuthClientProvider & {
  tokens(): StoredOAuthTokens | undefined;
  saveDiscoveryState(state: OAuthDiscoveryState): void;
  /** The authorization server the MCP server named, once discovered. */
  advertisedIssuer(): string | undefined;
  /** What the grant presents, for messages: "client credentials", "workload identity token". */
  readonly credentials: string;
  /** The fetch its connection should use, when the grant watches its token requests. */
  wrapFetch?: (base: FetchLike) => FetchLike;
};

/** Whether `oauth` uses a grant where nobody signs in. */
export function usesMachineGrant(oauth: OAuthSettings | false): boolean {
  if (oauth === false) return false;
  const grant = oauth.grantType;
  return grant === "client_credentials" || grant === "jwt_bearer" || grant === "enterprise";
}

/**
 * The caller's rule for a discovered authorization server (the https rule of secure-url.ts),
 * as an error to throw before any grant is sent there; undefined when it may be used.
 */
export type DiscoveryRule = (state: OAuthDiscoveryState) => Error | undefined;

/**
 * The provider for a machine grant. Throws McpConnectionError (kind `auth`) naming the setting
 * when a key or token cannot be read; neither is ever quoted.
 */
export async function machineProvider(
  name: string,
  oauth: OAuthSettings,
  paths: Pick<WrenPaths, "project" | "userHome">,
  env: NodeJS.ProcessEnv,
  refuse: DiscoveryRule,
  fetch?: FetchLike,
): Promise<MachineProvider> {
  const issuer = oauth.issuer ?? "";
  let base: OAuthClientProvider & { tokens(): StoredOAuthTokens | undefined };
  let credentials: string;
  let wrapFetch: ((fetchFn: FetchLike) => FetchLike) | undefined;
  if (oauth.grantType === "client_credentials") {
    base = await clientCredentialsProvider(name, oauth, paths);
    credentials = "client credentials";
  } else if (oauth.grantType === "jwt_bearer") {
    const source = tokenSource(
      { file: "assertionFile", env: "assertionEnv" },
      { file: oauth.assertionFile, env: oauth.assertionEnv },
      paths,
    );
    // Read once now so a missing token fails the connect in one clear line, before any request.
    await readToken(name, source, env);
    const provider = new JwtBearerProvider({
      server: name,
      clientId: oauth.clientId ?? "",
      issuer,
      ...(oauth.scope !== undefined && { scope: oauth.scope }),
      source,
      env,
    });
    wrapFetch = (fetchFn) => provider.guardFetch(fetchFn);
    base = provider;
    credentials = "workload identity token";
  } else {
    const idToken = tokenSource(
      { file: "idTokenFile", env: "idTokenEnv" },
      { file: oauth.idTokenFile, env: oauth.idTokenEnv },
      paths,
    );
    await readToken(name, idToken, env);
    base = enterpriseProvider({
      server: name,
      clientId: oauth.clientId ?? "",
      clientSecret: oauth.clientSecret ?? "",
      issuer,
      ...(oauth.scope !== undefined && { scope: oauth.scope }),
      idpIssuer: oauth.idpIssuer ?? "",
      idpClientId: oauth.idpClientId ?? "",
      ...(oauth.idpClientSecret !== undefined && { idpClientSecret: oauth.idpClientSecret }),
      idToken,
      env,
      ...(fetch && { fetch }),
    });
    credentials = "ID-JAG";
  }
  let advertised: string | undefined;
  return Object.assign(base, {
    saveDiscoveryState(state: OAuthDiscoveryState): void {
      // A grant (a client secret, a signed assertion, an ID-JAG) goes to the token endpoint next.
      const refused = refuse(state);
      if (refused) throw refused;
      advertised = state.authorizationServerUrl;
    },
    advertisedIssuer: () => advertised,
    credentials,
    ...(wrapFetch && { wrapFetch }),
  });
}
