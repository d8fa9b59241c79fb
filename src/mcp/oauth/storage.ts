// The on-disk OAuth state of one server: one JSON file (0600, in a 0700 directory) read fresh on
// every call so peers' writes are seen, changed under a file lock shared by every wren process,
// a corrupt file set aside. Its secrets stay in the file or go to the keychain
// (keychain-secrets.ts) as the app's vault says, and move there or back at the next read.
import { chmod, mkdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod/v4";
import { writeFileAtomic } from "../../utils/atomic-write.js";
import { createSecretVault, KeychainUnavailableError, type SecretVault } from "./keychain.js";
import {
  DiskStateSchema,
  keychainSecrets,
  type OAuthDiskState,
  type SecretsRef,
  splitSecrets,
  withSecrets,
} from "./keychain-secrets.js";
import { type LockHolder, withFileLock } from "./lock.js";
import { type OAuthState, oauthStateFileName, StateSchema } from "./oauth-state.js";

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

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
  /** Told when another process holds the lock and this one waits (diagnostics). */
  readonly onLockWait?: (holder: LockHolder) => void;
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
  const secrets = keychainSecrets(file, options.serverName, vault);

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
    const bag = await secrets.read(loaded.ref, fresh);
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
      const ref = await secrets.put(state, json, previous);
      if (ref !== undefined) {
        await writeFile({ ...rest, secrets: ref });
        secrets.written(ref, json);
        if (previous && previous.account !== ref.account) await secrets.drop(previous.account);
        return ref;
      }
    }
    await writeFile(state);
    secrets.forget();
    if (previous) await secrets.drop(previous.account);
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
        ...(options.onLockWait && { onWait: options.onLockWait }),
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
      if (loaded?.kind === "keychain") await secrets.drop(loaded.ref.account);
      secrets.forget();
      await rm(file, { force: true });
    },
  };
}
