// What wren keeps about one server's OAuth, as data: the state's schema and types, the file
// name it is kept under, and the stored discovery read back for the SDK. The store that reads
// and writes it is storage.ts; where its secrets go is keychain-secrets.ts.
import { createHash } from "node:crypto";
import type { OAuthDiscoveryState } from "@modelcontextprotocol/client";
import {
  OAuthMetadataSchema,
  OAuthProtectedResourceMetadataSchema,
  OpenIdProviderDiscoveryMetadataSchema,
} from "@modelcontextprotocol/core";
// Classic zod/v4, as the SDK uses: this loads with the SDK, never on the startup path, and the
// build gives zod/mini importers only the functions the config code calls.
import * as z from "zod/v4";
import { type StoredDpopKey, StoredDpopKeySchema } from "./dpop-key.js";

/** Tokens as the state holds them. */
export const TokensSchema = z.looseObject({
  access_token: z.string(),
  token_type: z.string(),
  id_token: z.optional(z.string()),
  expires_in: z.optional(z.number()),
  scope: z.optional(z.string()),
  refresh_token: z.optional(z.string()),
  issuer: z.optional(z.string()),
  /** Absolute expiry of the access token (epoch ms), computed when the tokens were saved. */
  expires_at: z.optional(z.number()),
});

const ClientInformationSchema = z.looseObject({
  client_id: z.string(),
  client_secret: z.optional(z.string()),
  client_id_issued_at: z.optional(z.number()),
  client_secret_expires_at: z.optional(z.number()),
  issuer: z.optional(z.string()),
});

/** A stored client identity. */
export const StoredClientSchema = z.object({
  information: ClientInformationSchema,
  /** The loopback port the registration's redirect URI names. */
  redirectPort: z.optional(z.number()),
  /**
   * How the client identity was obtained: dynamic registration, a metadata document URL, or
   * `oauth.clientId` (stored without its secret, which stays in settings).
   */
  kind: z.enum(["dcr", "metadata-url", "configured"]),
});

const DiscoverySchema = z.looseObject({
  authorizationServerUrl: z.string(),
  resourceMetadataUrl: z.optional(z.string()),
  authorizationServerMetadata: z.optional(z.unknown()),
  resourceMetadata: z.optional(z.unknown()),
});

/** The whole state of one server, as a file with its secrets inline holds it. */
export const StateSchema = z.object({
  version: z.literal(1),
  serverUrl: z.string(),
  issuer: z.optional(z.string()),
  client: z.optional(StoredClientSchema),
  tokens: z.optional(TokensSchema),
  // No PKCE verifier: it lives in memory with its sign-in (files from before drop it on write).
  discovery: z.optional(DiscoverySchema),
  /** The DPoP key DPoP-bound tokens are bound to (RFC 9449; ADR 0005). */
  dpopKey: z.optional(StoredDpopKeySchema),
});

/** Tokens as stored: what the SDK saved, plus their absolute expiry. */
export type StoredTokens = z.infer<typeof TokensSchema>;
/** The client identity the stored tokens belong to. */
export type StoredClient = z.infer<typeof StoredClientSchema>;
type StoredDiscovery = z.infer<typeof DiscoverySchema>;

/** Everything wren keeps about one server's OAuth: one JSON file, mode 0600. */
export interface OAuthState {
  readonly version: 1;
  readonly serverUrl: string;
  /** The authorization server the credentials below belong to. */
  readonly issuer?: string;
  readonly client?: StoredClient;
  readonly tokens?: StoredTokens;
  readonly discovery?: StoredDiscovery;
  /** The DPoP key pair of these credentials, when the authorization server binds tokens to one. */
  readonly dpopKey?: StoredDpopKey;
}

/** `notion` + its URL → `notion-1a2b3c4d5e6f.json`: a safe, flat stem plus a short URL hash. */
export function oauthStateFileName(serverName: string, serverUrl: string): string {
  const stem =
    serverName
      .replace(/[^A-Za-z0-9_.-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(0, 48) || "server";
  const hash = createHash("sha256").update(serverUrl).digest("hex").slice(0, 12);
  return `${stem}-${hash}.json`;
}

/** Typed discovery state for the SDK; metadata that no longer parses is dropped (and re-discovered). */
export function toDiscoveryState(stored: StoredDiscovery): OAuthDiscoveryState {
  const asMetadata = parseAuthorizationServerMetadata(stored.authorizationServerMetadata);
  const resource = OAuthProtectedResourceMetadataSchema.safeParse(stored.resourceMetadata);
  return {
    authorizationServerUrl: stored.authorizationServerUrl,
    ...(stored.resourceMetadataUrl !== undefined && {
      resourceMetadataUrl: stored.resourceMetadataUrl,
    }),
    ...(asMetadata && { authorizationServerMetadata: asMetadata }),
    ...(resource.success && { resourceMetadata: resource.data }),
  };
}

/**
 * Stored authorization-server metadata, checked against the OIDC or the OAuth schema and kept
 * whole: the schemas drop fields they do not list, and the OIDC one (tried first, as most
 * servers are both) does not list `revocation_endpoint`, which logout needs.
 */
export function parseAuthorizationServerMetadata(
  value: unknown,
): OAuthDiscoveryState["authorizationServerMetadata"] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const extra: Record<string, unknown> = { ...value };
  const oidc = OpenIdProviderDiscoveryMetadataSchema.safeParse(value);
  if (oidc.success) return { ...extra, ...oidc.data };
  const oauth = OAuthMetadataSchema.safeParse(value);
  return oauth.success ? { ...extra, ...oauth.data } : undefined;
}
