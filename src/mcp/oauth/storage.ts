import { createHash } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { OAuthDiscoveryState } from "@modelcontextprotocol/client";
import {
  OAuthMetadataSchema,
  OAuthProtectedResourceMetadataSchema,
  OpenIdProviderDiscoveryMetadataSchema,
} from "@modelcontextprotocol/core";
// Classic zod/v4, as the SDK uses: this loads with the SDK, never on the startup path, and the
// build gives zod/mini importers only the functions the config code calls.
import * as z from "zod/v4";
import { writeFileAtomic } from "../../utils/atomic-write.js";
import { type StoredDpopKey, StoredDpopKeySchema } from "./dpop-key.js";
import { withFileLock } from "./lock.js";

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

const TokensSchema = z.looseObject({
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

const StoredClientSchema = z.object({
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

const StateSchema = z.object({
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

/** Options of {@link createOAuthStorage}. */
export interface OAuthStorageOptions {
  /** `paths.mcpOAuthDir`. */
  readonly dir: string;
  readonly serverName: string;
  readonly serverUrl: string;
  /** Told about a corrupt state file that was set aside (one line, no secrets). */
  readonly onWarning?: (message: string) => void;
  /** Lock waits; tests shorten them. */
  readonly lockTimeoutMs?: number;
  /** The clock (names a corrupt file set aside). */
  readonly now?: () => number;
}

/** The on-disk OAuth state of one server, read fresh on every call so peers' writes are seen. */
export interface OAuthStorage {
  readonly file: string;
  /** Beside the state file; serializes read-modify-write and refresh across processes. */
  readonly lockFile: string;
  /** The current state; an empty one when there is no file (or it was corrupt). */
  read(): Promise<OAuthState>;
  /** Read-modify-write under the lock. */
  update(change: (state: OAuthState) => OAuthState): Promise<OAuthState>;
  /** Runs `fn` holding the lock; `write` inside it must be used instead of `update`. */
  withLock<T>(fn: (locked: LockedOAuthStorage) => Promise<T>): Promise<T>;
  /** Deletes the state file. */
  clear(): Promise<void>;
}

/** What a lock holder may do. */
export interface LockedOAuthStorage {
  read(): Promise<OAuthState>;
  write(state: OAuthState): Promise<void>;
}

/** Creates the storage of one server under `dir` (nothing is touched until used). */
export function createOAuthStorage(options: OAuthStorageOptions): OAuthStorage {
  const file = join(options.dir, oauthStateFileName(options.serverName, options.serverUrl));
  const lockFile = `${file}.lock`;
  const empty: OAuthState = { version: 1, serverUrl: options.serverUrl };

  async function ensureDir(): Promise<void> {
    await mkdir(options.dir, { recursive: true, mode: DIR_MODE });
    // An existing directory keeps its mode on mkdir; this one is ours and holds secrets.
    await chmod(options.dir, DIR_MODE).catch(() => {});
  }

  async function setAside(reason: string): Promise<void> {
    const aside = `${file}.corrupt-${(options.now ?? Date.now)()}`;
    await rename(file, aside).catch(() => {});
    options.onWarning?.(
      `OAuth state of ${options.serverName} was unreadable (${reason}); moved it to ${aside} — sign in again`,
    );
  }

  async function read(): Promise<OAuthState> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if (
        error !== null &&
        typeof error === "object" &&
        "code" in error &&
        error.code === "ENOENT"
      ) {
        return empty;
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      await setAside("not valid JSON");
      return empty;
    }
    const parsed = z.safeParse(StateSchema, json);
    if (!parsed.success) {
      await setAside("unexpected content");
      return empty;
    }
    // A file for another URL (a hash collision or a hand copy) is not ours to use.
    if (parsed.data.serverUrl !== options.serverUrl) return empty;
    return parsed.data;
  }

  async function write(state: OAuthState): Promise<void> {
    await ensureDir();
    await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, {
      mode: FILE_MODE,
      dirMode: DIR_MODE,
    });
  }

  const locked: LockedOAuthStorage = { read, write };

  async function withLock<T>(fn: (l: LockedOAuthStorage) => Promise<T>): Promise<T> {
    await ensureDir();
    return withFileLock(lockFile, () => fn(locked), {
      dirMode: DIR_MODE,
      ...(options.lockTimeoutMs !== undefined && { timeoutMs: options.lockTimeoutMs }),
    });
  }

  return {
    file,
    lockFile,
    read,
    update: (change) =>
      withLock(async (l) => {
        const next = change(await l.read());
        await l.write(next);
        return next;
      }),
    withLock,
    async clear() {
      await rm(file, { force: true });
    },
  };
}
