// Enterprise-managed authorization (`"grantType": "enterprise"`, SEP-990): the user's ID token
// from the company's identity provider is exchanged there for an ID-JAG (RFC 8693 token
// exchange, audience = the MCP server's authorization server, resource = the MCP server), and
// the ID-JAG is then the JWT-bearer grant at the MCP server's authorization server. The SDK's
// CrossAppAccessProvider runs the second step inside auth(); requestJwtAuthorizationGrant the
// first. wren supplies the settings, the ID token (read fresh for each exchange) and errors in
// its own words, with every secret removed.
import {
  buildDiscoveryUrls,
  CrossAppAccessProvider,
  type FetchLike,
  type OAuthClientMetadata,
  requestJwtAuthorizationGrant,
} from "@modelcontextprotocol/client";
// Classic zod/v4, as the SDK uses: loaded with the SDK, never on the startup path.
import * as z from "zod/v4";
import { errorText } from "../../../utils/errors.js";
import { redactSecrets } from "../../../utils/redact.js";
import { McpConnectionError } from "../../errors.js";
import { readToken, type TokenSource } from "./token-source.js";

/** Options of {@link enterpriseProvider}. */
export interface EnterpriseOptions {
  readonly server: string;
  /** wren's client at the MCP server's authorization server. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** That authorization server's issuer: the client secret and the ID-JAG go there only. */
  readonly issuer: string;
  readonly scope?: string;
  readonly idpIssuer: string;
  readonly idpClientId: string;
  readonly idpClientSecret?: string;
  readonly idToken: TokenSource;
  readonly env: NodeJS.ProcessEnv;
  readonly fetch?: FetchLike;
}

/** The two fields of the identity provider's metadata a token exchange needs. */
const IdpMetadataSchema = z.looseObject({ issuer: z.string(), token_endpoint: z.string() });

/** Whether two issuer URLs are the same, one trailing slash aside. */
function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/**
 * The identity provider's token endpoint, from its RFC 8414 or OIDC discovery document. Only the
 * issuer and token endpoint are read: identity providers publish OIDC documents that the SDK's
 * full metadata schemas (which discoverAndRequestJwtAuthGrant applies) often reject for fields a
 * token exchange never uses. The document must name `idpIssuer` as its issuer (RFC 8414 §3.3).
 */
export async function idpTokenEndpoint(idpIssuer: string, fetchFn: FetchLike): Promise<string> {
  const problems: string[] = [];
  for (const { url } of buildDiscoveryUrls(idpIssuer)) {
    let response: Response;
    try {
      response = await fetchFn(url, { headers: { Accept: "application/json" } });
    } catch (error) {
      problems.push(`${url.href}: ${errorText(error)}`);
      continue;
    }
    if (!response.ok) {
      problems.push(`${url.href}: HTTP ${response.status}`);
      continue;
    }
    const parsed = IdpMetadataSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      problems.push(`${url.href}: no issuer and token_endpoint`);
      continue;
    }
    if (!sameIssuer(parsed.data.issuer, idpIssuer)) {
      throw new Error(`its metadata names issuer ${parsed.data.issuer}, not ${idpIssuer}`);
    }
    return parsed.data.token_endpoint;
  }
  throw new Error(`no discovery document (${problems.join("; ")})`);
}

/** The SDK's provider with the configured scope in its client metadata. */
class ScopedCrossAppAccessProvider extends CrossAppAccessProvider {
  private readonly scope: string | undefined;

  constructor(options: ConstructorParameters<typeof CrossAppAccessProvider>[0], scope?: string) {
    super(options);
    this.scope = scope;
  }

  override get clientMetadata(): OAuthClientMetadata {
    const metadata = super.clientMetadata;
    return this.scope === undefined ? metadata : { ...metadata, scope: this.scope };
  }
}

/** A provider that signs in with the ID token through the identity provider; tokens in memory. */
export function enterpriseProvider(options: EnterpriseOptions): CrossAppAccessProvider {
  return new ScopedCrossAppAccessProvider(
    {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      clientName: "wren",
      expectedIssuer: options.issuer,
      ...(options.fetch && { fetchFn: options.fetch }),
      assertion: async (context) => {
        const idToken = await readToken(options.server, options.idToken, options.env);
        try {
          const grant = await requestJwtAuthorizationGrant({
            tokenEndpoint: await idpTokenEndpoint(options.idpIssuer, context.fetchFn),
            audience: context.authorizationServerUrl,
            resource: context.resourceUrl,
            idToken,
            clientId: options.idpClientId,
            ...(options.idpClientSecret !== undefined && {
              clientSecret: options.idpClientSecret,
            }),
            ...(context.scope !== undefined && { scope: context.scope }),
            fetchFn: context.fetchFn,
          });
          return grant.jwtAuthGrant;
        } catch (error) {
          const detail = errorText(error);
          const secrets = [idToken, options.idpClientSecret, options.clientSecret];
          throw new McpConnectionError(
            options.server,
            "auth",
            `the identity provider ${options.idpIssuer} gave no ID-JAG for ${context.authorizationServerUrl}: ${redactSecrets(detail, secrets)}`,
            { cause: error },
          );
        }
      },
    },
    options.scope,
  );
}
