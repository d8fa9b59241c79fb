import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm } from "node:fs/promises";
import { basename, join } from "node:path";
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
import {
  createSecretVault,
  KEYCHAIN_SERVICE,
  KeychainUnavailableError,
  type SecretVault,
} from "./keychain.js";
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

/**
 * Where the secrets of a state file live when they are not in it: one keychain entry per server
 * (state-file stem) and issuer; `rev` changes with every write of the secrets, so a reader that
 * has the entry cached knows, from the file alone, whether the cache is still current.
 */
const SecretsRefSchema = z.object({
  store: z.literal("keychain"),
  service: z.string(),
  account: z.string(),
  rev: z.string(),
});
type SecretsRef = z.infer<typeof SecretsRefSchema>;

/**
 * The state file as written with keychain storage: the same shape without the secret values.
 * Parsed loosely here; the state rebuilt with the keychain's secrets is checked by StateSchema.
 */
const DiskStateSchema = z.object({
  ...StateSchema.shape,
  client: z.optional(z.unknown()),
  tokens: z.optional(z.unknown()),
  dpopKey: z.optional(z.unknown()),
  secrets: z.optional(SecretsRefSchema),
});

/** The secret values of a state, as one keychain entry holds them. */
const SecretBagSchema = z.object({
  rev: z.optional(z.string()),
  access_token: z.optional(z.string()),
  refresh_token: z.optional(z.string()),
  id_token: z.optional(z.string()),
  client_secret: z.optional(z.string()),
  dpop_d: z.optional(z.string()),
});
type SecretBag = Omit<z.infer<typeof SecretBagSchema>, "rev">;

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

/** Splits a state into what the file may hold and the secret values. */
function splitSecrets(state: OAuthState): {
  readonly rest: OAuthDiskState;
  readonly bag: SecretBag;
} {
  let bag: SecretBag = {};
  let rest: OAuthDiskState = { ...state };
  if (state.tokens) {
    const { access_token, refresh_token, id_token, ...tokens } = state.tokens;
    bag = { ...bag, access_token, refresh_token, id_token };
    rest = { ...rest, tokens };
  }
  if (state.client?.information.client_secret !== undefined) {
    const { client_secret, ...information } = state.client.information;
    bag = { ...bag, client_secret };
    rest = { ...rest, client: { ...state.client, information } };
  }
  if (state.dpopKey) {
    const { d, ...jwk } = state.dpopKey.jwk;
    bag = { ...bag, dpop_d: d };
    rest = { ...rest, dpopKey: { ...state.dpopKey, jwk } };
  }
  // Absent values stay undefined here; JSON.stringify (the entry, the cache key) drops them.
  return { rest, bag };
}

/** A state as written with its secrets in the keychain. */
type OAuthDiskState = Omit<z.infer<typeof DiskStateSchema>, "secrets"> & {
  readonly secrets?: SecretsRef;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The state a file with a keychain reference describes, with the keychain's secrets put back.
 * A part whose secret is missing (the entry was deleted by hand) is dropped, not the whole file.
 */
function withSecrets(disk: z.infer<typeof DiskStateSchema>, bag: SecretBag): OAuthState {
  const { secrets: _ref, client, tokens, dpopKey, ...base } = disk;
  const parsedTokens = isRecord(tokens)
    ? TokensSchema.safeParse({
        ...tokens,
        ...(bag.access_token !== undefined && { access_token: bag.access_token }),
        ...(bag.refresh_token !== undefined && { refresh_token: bag.refresh_token }),
        ...(bag.id_token !== undefined && { id_token: bag.id_token }),
      })
    : undefined;
  const parsedClient =
    isRecord(client) && isRecord(client.information)
      ? StoredClientSchema.safeParse({
          ...client,
          information: {
            ...client.information,
            ...(bag.client_secret !== undefined && { client_secret: bag.client_secret }),
          },
        })
      : undefined;
  const parsedKey =
    isRecord(dpopKey) && isRecord(dpopKey.jwk)
      ? StoredDpopKeySchema.safeParse({
          ...dpopKey,
          jwk: { ...dpopKey.jwk, ...(bag.dpop_d !== undefined && { d: bag.dpop_d }) },
        })
      : undefined;
  return {
    ...base,
    ...(parsedClient?.success && { client: parsedClient.data }),
    ...(parsedTokens?.success && { tokens: parsedTokens.data }),
    ...(parsedKey?.success && { dpopKey: parsedKey.data }),
  };
}

/** `notion-1a2b3c4d5e6f` + issuer: one entry per server and authorization server. */
function accountFor(file: string, state: OAuthState): string {
  const stem = basename(file).replace(/\.json$/, "");
  const issuer = state.issuer ?? state.tokens?.issuer ?? state.client?.information.issuer;
  return issuer === undefined ? stem : `${stem} ${issuer}`;
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
  /**
   * Where secrets go (the OS keychain or this file): one per McpOAuth. Absent: secrets stay
   * where they are (a file naming a keychain entry keeps using it; nothing moves), so a reader
   * built without the app's settings never undoes them.
   */
  readonly vault?: SecretVault;
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
  /** Deletes the state file and its keychain entry. */
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
  const vault = options.vault ?? createSecretVault({ setting: "file" });
  const passive = options.vault === undefined;

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

  /** The file as it is: a whole state, or one whose secrets are in the keychain. */
  type Loaded =
    | { readonly kind: "inline"; readonly state: OAuthState }
    | {
        readonly kind: "keychain";
        readonly disk: z.infer<typeof DiskStateSchema>;
        readonly ref: SecretsRef;
      };

  async function load(): Promise<Loaded | undefined> {
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
        return undefined;
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      await setAside("not valid JSON");
      return undefined;
    }
    const disk = z.safeParse(DiskStateSchema, json);
    if (disk.success && disk.data.secrets) {
      if (disk.data.serverUrl !== options.serverUrl) return undefined;
      return { kind: "keychain", disk: disk.data, ref: disk.data.secrets };
    }
    const parsed = z.safeParse(StateSchema, json);
    if (!parsed.success) {
      await setAside("unexpected content");
      return undefined;
    }
    // A file for another URL (a hash collision or a hand copy) is not ours to use.
    if (parsed.data.serverUrl !== options.serverUrl) return undefined;
    return { kind: "inline", state: parsed.data };
  }

  /**
   * The keychain's secrets for `ref`. Unlocked reads trust the cache when the file still names
   * the revision it holds (no keychain call per request); locked reads, which precede a write,
   * always ask the store.
   */
  async function secretsFor(
    ref: SecretsRef,
    fresh: boolean,
  ): Promise<SecretBag | "unreadable" | undefined> {
    const cached = vault.cache.get(file);
    if (!fresh && cached?.account === ref.account && cached.rev === ref.rev) {
      return SecretBagSchema.parse(JSON.parse(cached.json));
    }
    const keychain = await vault.keychain();
    if (!keychain) return "unreadable";
    let text: string | undefined;
    try {
      text = await keychain.get(ref.account);
    } catch (error) {
      vault.warn(
        `OAuth secrets of ${options.serverName} are in the keychain, which did not answer (${error instanceof Error ? error.name : "error"}); sign-in may be needed`,
      );
      return "unreadable";
    }
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    const bag = SecretBagSchema.safeParse(json);
    if (!bag.success) return undefined;
    const { rev: _rev, ...secrets } = bag.data;
    vault.cache.set(file, { account: ref.account, rev: ref.rev, json: JSON.stringify(secrets) });
    return secrets;
  }

  interface ReadResult {
    readonly state: OAuthState;
    readonly loaded?: Loaded;
    /** The keychain holds this file's secrets but did not answer. */
    readonly unreadable?: boolean;
  }

  async function readWith(fresh: boolean): Promise<ReadResult> {
    const loaded = await load();
    if (!loaded) return { state: empty };
    if (loaded.kind === "inline") return { state: loaded.state, loaded };
    const bag = await secretsFor(loaded.ref, fresh);
    if (bag === "unreadable")
      return { state: withSecrets(loaded.disk, {}), loaded, unreadable: true };
    return { state: withSecrets(loaded.disk, bag ?? {}), loaded };
  }

  async function writeFile(content: OAuthDiskState | OAuthState): Promise<void> {
    await ensureDir();
    await writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`, {
      mode: FILE_MODE,
      dirMode: DIR_MODE,
    });
  }

  /** Drops an entry the file no longer names; a failure leaves an orphan, never lost tokens. */
  async function dropEntry(account: string): Promise<void> {
    const keychain = await vault.keychain();
    try {
      await keychain?.delete(account);
    } catch {
      vault.warn(`could not delete the keychain entry ${KEYCHAIN_SERVICE}/${account}`);
    }
  }

  /**
   * Writes `state` where the vault says: with keychain storage the secrets go to the entry
   * first and the file naming their revision after, so the file never points at secrets that
   * were not written; an entry the file stopped naming is deleted last. When the keychain
   * write fails the whole state goes to the file instead.
   */
  async function write(
    state: OAuthState,
    previous: SecretsRef | undefined,
  ): Promise<SecretsRef | undefined> {
    const { rest, bag } = splitSecrets(state);
    const json = JSON.stringify(bag);
    const target = passive ? (previous ? "keychain" : "file") : await vault.target();
    if (json !== "{}" && target === "keychain") {
      const account = accountFor(file, state);
      const cached = vault.cache.get(file);
      let rev: string | undefined;
      if (
        previous?.account === account &&
        cached?.account === account &&
        cached.rev === previous.rev &&
        cached.json === json
      ) {
        rev = previous.rev; // the secrets did not change: no keychain call
      } else {
        const keychain = await vault.keychain();
        rev = randomBytes(8).toString("hex");
        try {
          if (!keychain) throw new Error("keychain binding not loaded");
          await keychain.set(account, JSON.stringify({ rev, ...bag }));
        } catch (error) {
          vault.fellBack(error);
          rev = undefined;
        }
      }
      if (rev !== undefined) {
        const ref: SecretsRef = { store: "keychain", service: KEYCHAIN_SERVICE, account, rev };
        await writeFile({ ...rest, secrets: ref });
        vault.cache.set(file, { account, rev, json });
        if (previous && previous.account !== account) await dropEntry(previous.account);
        return ref;
      }
    }
    await writeFile(state);
    vault.cache.delete(file);
    if (previous) await dropEntry(previous.account);
    return undefined;
  }

  async function withLock<T>(fn: (l: LockedOAuthStorage) => Promise<T>): Promise<T> {
    await ensureDir();
    return withFileLock(
      lockFile,
      () => {
        // What the file named when read under this lock: the entry a write replaces.
        let previous: SecretsRef | undefined;
        let known = false;
        // The file names keychain secrets this lock holder could not read.
        let unread = false;
        const locked: LockedOAuthStorage = {
          async read() {
            const { state, loaded, unreadable } = await readWith(true);
            previous = loaded?.kind === "keychain" ? loaded.ref : undefined;
            unread = unreadable === true;
            known = true;
            return state;
          },
          async write(state) {
            if (!known) {
              const loaded = await load();
              previous = loaded?.kind === "keychain" ? loaded.ref : undefined;
            }
            // Writing a state built without the secrets we could not read would lose them;
            // new tokens (a sign-in, a refresh) supersede them and may be written.
            if (unread && !state.tokens) {
              throw new KeychainUnavailableError(
                `the keychain holding the OAuth secrets of ${options.serverName} did not answer; nothing was changed`,
              );
            }
            previous = await write(state, previous);
            unread = false;
            known = true;
          },
        };
        return fn(locked);
      },
      {
        dirMode: DIR_MODE,
        ...(options.lockTimeoutMs !== undefined && { timeoutMs: options.lockTimeoutMs }),
      },
    );
  }

  async function update(change: (state: OAuthState) => OAuthState): Promise<OAuthState> {
    return withLock(async (l) => {
      const next = change(await l.read());
      await l.write(next);
      return next;
    });
  }

  /** Secrets not where settings want them move at this read (under the lock, as any write). */
  async function needsMove({ loaded, state, unreadable }: ReadResult): Promise<boolean> {
    // Secrets the keychain would not give are not moved (nor dropped) now.
    if (!loaded || unreadable || passive) return false;
    const target = await vault.target();
    if (loaded.kind === "keychain") return target === "file";
    return target === "keychain" && JSON.stringify(splitSecrets(state).bag) !== "{}";
  }

  return {
    file,
    lockFile,
    async read() {
      const result = await readWith(false);
      if (await needsMove(result)) return update((current) => current);
      return result.state;
    },
    update,
    withLock,
    async clear() {
      const loaded = await load();
      if (loaded?.kind === "keychain") await dropEntry(loaded.ref.account);
      vault.cache.delete(file);
      await rm(file, { force: true });
    },
  };
}
