// The OS credential store (macOS Keychain, Windows Credential Manager, Linux Secret Service)
// behind a small interface, and the one place that decides, once per process, whether OAuth
// secrets go there or stay in the 0600 state file. storage.ts does the splitting; tests give it
// an in-memory keychain (the OS store is the boundary) and the integration test a real one.

import { errorText } from "../../utils/errors.js";

/** Where OAuth secrets are kept: `oauthStorage` in settings; absent = keychain when reachable. */
export type OAuthStorageSetting = "keychain" | "file";

/** The service name every wren entry is filed under (the account names the server + issuer). */
export const KEYCHAIN_SERVICE = "wren-mcp-oauth";

/** One OS credential store: a string per account; rejects when the store cannot be used. */
export interface Keychain {
  /** Names the store in the one line that says where secrets are kept. */
  readonly label: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  /** Resolves false when there was nothing to delete. */
  delete(account: string): Promise<boolean>;
}

/** The store was not reachable or refused (locked, no Secret Service, no D-Bus). */
export class KeychainUnavailableError extends Error {
  override readonly name = "KeychainUnavailableError";
}

function storeLabel(platform: NodeJS.Platform): string {
  if (platform === "darwin") return "macOS Keychain";
  if (platform === "win32") return "Windows Credential Manager";
  return "Secret Service";
}

/**
 * The reason without anything but the binding's own words (it never echoes the secret; the
 * first line is enough to tell "no D-Bus" from "locked").
 */
function reasonOf(error: unknown): string {
  const text = errorText(error);
  return text.split("\n")[0]?.slice(0, 200) ?? "unknown error";
}

/**
 * The OS store through `@napi-rs/keyring` (loaded on first use: a native module, never on the
 * startup path). On Linux the entries are pinned to the Secret Service: the binding would
 * otherwise fall back to the kernel keyring, which forgets everything at logout.
 */
export async function loadOsKeychain(
  platform: NodeJS.Platform = process.platform,
): Promise<Keychain> {
  let binding: typeof import("@napi-rs/keyring");
  try {
    binding = await import("@napi-rs/keyring");
  } catch (error) {
    throw new KeychainUnavailableError(`no keychain binding for ${platform}: ${reasonOf(error)}`, {
      cause: error,
    });
  }
  const { AsyncEntry } = binding;
  const options =
    platform === "linux" ? { linux: { store: "secret-service" as const } } : undefined;
  const entry = (account: string): InstanceType<typeof AsyncEntry> => {
    try {
      return new AsyncEntry(KEYCHAIN_SERVICE, account, options);
    } catch (error) {
      throw new KeychainUnavailableError(reasonOf(error), { cause: error });
    }
  };
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof KeychainUnavailableError) throw error;
      throw new KeychainUnavailableError(reasonOf(error), { cause: error });
    }
  };
  return {
    label: storeLabel(platform),
    get: (account) => guard(async () => (await entry(account).getPassword()) ?? undefined),
    set: (account, secret) => guard(() => entry(account).setPassword(secret)),
    delete: (account) => guard(() => entry(account).deleteCredential()),
  };
}

/** An in-memory keychain (tests; `unreachable` plays a machine without a credential store). */
export function createMemoryKeychain(
  options: { readonly unreachable?: boolean; readonly failWrites?: boolean } = {},
): Keychain & { readonly entries: Map<string, string>; calls: number } {
  const entries = new Map<string, string>();
  const self = {
    label: "memory keychain",
    entries,
    calls: 0,
    async get(account: string): Promise<string | undefined> {
      self.calls++;
      if (options.unreachable) throw new KeychainUnavailableError("no credential store");
      return entries.get(account);
    },
    async set(account: string, secret: string): Promise<void> {
      self.calls++;
      if (options.unreachable || options.failWrites) {
        throw new KeychainUnavailableError("the credential store refused the write");
      }
      entries.set(account, secret);
    },
    async delete(account: string): Promise<boolean> {
      self.calls++;
      if (options.unreachable) throw new KeychainUnavailableError("no credential store");
      return entries.delete(account);
    },
  };
  return self;
}

/** Options of {@link createSecretVault}. */
export interface SecretVaultOptions {
  /** `oauthStorage` from settings; undefined = automatic. */
  readonly setting?: OAuthStorageSetting;
  /** Opens the OS store (tests pass an in-memory one). */
  readonly openKeychain?: () => Promise<Keychain>;
  /** Diagnostics (the log): the store in use, and why a keychain was not used. */
  readonly log?: (line: string) => void;
  /** The one line naming the store in use, once per process (a dim line in the REPL). */
  readonly notice?: (line: string) => void;
  /** Told when secrets cannot go where settings say (the file is used instead). */
  readonly warn?: (line: string) => void;
}

/** Secrets last read or written for one state file, under the revision the file names. */
export interface CachedSecrets {
  readonly account: string;
  readonly rev: string;
  /** The secrets as JSON (compared to skip a write that changes nothing). */
  readonly json: string;
}

/** Where OAuth secrets go for this process; one per McpOAuth, shared by its storages. */
export interface SecretVault {
  /** Where new secrets are written: decided (and said) on the first call only. */
  target(): Promise<OAuthStorageSetting>;
  /** The OS store, opened on first need (also in file mode, to move secrets out of it). */
  keychain(): Promise<Keychain | undefined>;
  /** A keychain call failed: the rest of this process writes to the file (said once). */
  fellBack(error: unknown): void;
  /** A one-line warning for the user (no secrets). */
  warn(line: string): void;
  /** By state file: saves a keychain call per read on the hot path (tokens() per request). */
  readonly cache: Map<string, CachedSecrets>;
}

/** The probe account: reading it proves the store answers (nothing is ever written there). */
const PROBE_ACCOUNT = "wren-probe";

/**
 * Creates the vault. The keychain is probed with one read; when it does not answer (headless
 * Linux without a Secret Service, CI) the 0600 file is used. Either way it says so once.
 */
export function createSecretVault(options: SecretVaultOptions = {}): SecretVault {
  let decided: Promise<OAuthStorageSetting> | undefined;
  let opened: Promise<Keychain | undefined> | undefined;
  let fallen = false;
  const warn = (line: string): void => {
    options.log?.(line);
    options.warn?.(line);
  };
  const say = (line: string): void => {
    options.log?.(line);
    options.notice?.(line);
  };

  function keychain(): Promise<Keychain | undefined> {
    opened ??= (options.openKeychain ?? loadOsKeychain)().catch((error: unknown) => {
      options.log?.(`keychain: ${reasonOf(error)}`);
      return undefined;
    });
    return opened;
  }

  async function decide(): Promise<OAuthStorageSetting> {
    if (options.setting === "file") {
      say("OAuth secrets: state file (0600), as oauthStorage says");
      return "file";
    }
    try {
      const store = await (options.openKeychain ?? loadOsKeychain)();
      opened ??= Promise.resolve(store);
      await store.get(PROBE_ACCOUNT);
      say(`OAuth secrets: ${store.label}`);
      return "keychain";
    } catch (error) {
      const line = `OAuth secrets: state file (0600) — no keychain reachable (${reasonOf(error)})`;
      if (options.setting === "keychain") warn(line);
      else say(line);
      return "file";
    }
  }

  return {
    async target() {
      if (fallen) return "file";
      decided ??= decide();
      return decided;
    },
    keychain,
    fellBack(error) {
      if (fallen) return;
      fallen = true;
      warn(`OAuth secrets: state file (0600) — the keychain failed (${reasonOf(error)})`);
    },
    warn,
    cache: new Map(),
  };
}
