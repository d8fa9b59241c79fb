// The keychain backend of the OAuth store: a state's secret values (tokens, client secret, the
// DPoP private key) in one OS keychain entry per server and issuer, and the state file naming
// that entry by revision instead of holding them. Splitting a state into file and secrets,
// putting them back, and the entry's reads (cached per revision), writes and deletes.
import { randomBytes } from "node:crypto";
import { basename } from "node:path";
import * as z from "zod/v4";
import { StoredDpopKeySchema } from "./dpop-key.js";
import { KEYCHAIN_SERVICE, type SecretVault } from "./keychain.js";
import { type OAuthState, StateSchema, StoredClientSchema, TokensSchema } from "./oauth-state.js";

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
/** The keychain entry a state file names. */
export type SecretsRef = z.infer<typeof SecretsRefSchema>;

/**
 * The state file as written with keychain storage: the same shape without the secret values.
 * Parsed loosely here; the state rebuilt with the keychain's secrets is checked by StateSchema.
 */
export const DiskStateSchema = z.object({
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
/** The secret values of a state. */
export type SecretBag = Omit<z.infer<typeof SecretBagSchema>, "rev">;

/** Splits a state into what the file may hold and the secret values. */
export function splitSecrets(state: OAuthState): {
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
export type OAuthDiskState = Omit<z.infer<typeof DiskStateSchema>, "secrets"> & {
  readonly secrets?: SecretsRef;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The state a file with a keychain reference describes, with the keychain's secrets put back.
 * A part whose secret is missing (the entry was deleted by hand) is dropped, not the whole file.
 */
export function withSecrets(disk: z.infer<typeof DiskStateSchema>, bag: SecretBag): OAuthState {
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

/** One state file's keychain entry (see the file's header). */
export interface KeychainSecrets {
  /**
   * The secrets `ref` names. Unlocked reads trust the cache when the file still names the
   * revision it holds (no keychain call per request); `fresh` reads, which precede a write,
   * always ask the store. "unreadable": the keychain did not answer.
   */
  read(ref: SecretsRef, fresh: boolean): Promise<SecretBag | "unreadable" | undefined>;
  /**
   * Puts the secrets of `state` (`json`, the bag as JSON) in its entry, unless the cache shows
   * that `previous` already holds them; the reference for the file, or undefined when the
   * keychain write failed (the vault says so, and the file takes the secrets).
   */
  put(
    state: OAuthState,
    json: string,
    previous: SecretsRef | undefined,
  ): Promise<SecretsRef | undefined>;
  /** Remembers what the entry holds once the file naming `ref` is written. */
  written(ref: SecretsRef, json: string): void;
  /** Forgets the cache (the file holds the secrets, or is gone). */
  forget(): void;
  /** Deletes an entry the file no longer names; a failure leaves an orphan, never lost tokens. */
  drop(account: string): Promise<void>;
}

/** The keychain entry of the state file `file`, through the app's vault. */
export function keychainSecrets(
  file: string,
  serverName: string,
  vault: SecretVault,
): KeychainSecrets {
  return {
    async read(ref, fresh) {
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
          `OAuth secrets of ${serverName} are in the keychain, which did not answer (${error instanceof Error ? error.name : "error"}); sign-in may be needed`,
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
    },

    async put(state, json, previous) {
      const account = accountFor(file, state);
      const cached = vault.cache.get(file);
      if (
        previous?.account === account &&
        cached?.account === account &&
        cached.rev === previous.rev &&
        cached.json === json
      ) {
        return previous; // the secrets did not change: no keychain call
      }
      const keychain = await vault.keychain();
      const rev = randomBytes(8).toString("hex");
      try {
        if (!keychain) throw new Error("keychain binding not loaded");
        await keychain.set(account, JSON.stringify({ rev, ...JSON.parse(json) }));
      } catch (error) {
        vault.fellBack(error);
        return undefined;
      }
      return { store: "keychain", service: KEYCHAIN_SERVICE, account, rev };
    },

    written(ref, json) {
      vault.cache.set(file, { account: ref.account, rev: ref.rev, json });
    },

    forget() {
      vault.cache.delete(file);
    },

    async drop(account) {
      const keychain = await vault.keychain();
      try {
        await keychain?.delete(account);
      } catch {
        vault.warn(`could not delete the keychain entry ${KEYCHAIN_SERVICE}/${account}`);
      }
    },
  };
}
