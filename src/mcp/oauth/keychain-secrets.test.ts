// Keychain storage of OAuth secrets, against an in-memory keychain behind the same interface as
// the OS store (the boundary). The real Secret Service is in keychain.integration.test.ts.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createMemoryKeychain,
  createSecretVault,
  KeychainUnavailableError,
  type OAuthStorageSetting,
} from "./keychain.js";
import type { OAuthState } from "./oauth-state.js";
import { createOAuthStorage } from "./storage.js";

const url = "https://mcp.example/mcp";
const ISSUER = "https://as.example";
const ACCESS = "at-SECRET-4f1c2a9e";
const REFRESH = "rt-SECRET-77b0d3e1";
const ID_TOKEN = "idt-SECRET-0a9b8c7d";
const CLIENT_SECRET = "cs-SECRET-5e6f7a8b";
const DPOP_D = "dpop-d-SECRET-1c2d3e4f";
const SECRETS = [ACCESS, REFRESH, ID_TOKEN, CLIENT_SECRET, DPOP_D];

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "wren-oauth-keychain-")), "mcp-oauth");
});
afterEach(async () => {
  await rm(join(dir, ".."), { recursive: true, force: true });
});

function signedIn(state: OAuthState, access = ACCESS, refresh = REFRESH): OAuthState {
  return {
    ...state,
    issuer: ISSUER,
    client: {
      kind: "dcr",
      redirectPort: 43123,
      information: { client_id: "wren-client", client_secret: CLIENT_SECRET, issuer: ISSUER },
    },
    tokens: {
      access_token: access,
      refresh_token: refresh,
      id_token: ID_TOKEN,
      token_type: "DPoP",
      scope: "read",
      issuer: ISSUER,
      expires_at: 1_000,
    },
    discovery: { authorizationServerUrl: ISSUER },
    dpopKey: {
      alg: "ES256",
      jwk: { kty: "EC", crv: "P-256", x: "xx", y: "yy", d: DPOP_D },
    },
  };
}

function setup(
  keychain: ReturnType<typeof createMemoryKeychain>,
  setting?: OAuthStorageSetting,
  serverName = "ex",
) {
  const log: string[] = [];
  const warnings: string[] = [];
  const notices: string[] = [];
  const vault = createSecretVault({
    ...(setting && { setting }),
    openKeychain: async () => keychain,
    log: (line) => log.push(line),
    notice: (line) => notices.push(line),
    warn: (line) => warnings.push(line),
  });
  const storage = createOAuthStorage({ dir, serverName, serverUrl: url, vault });
  return { storage, vault, log, warnings, notices };
}

describe("keychain storage", () => {
  it("keeps no token or secret in the state file, only a reference (attacker reads the file)", async () => {
    const keychain = createMemoryKeychain();
    const { storage } = setup(keychain);
    const expected = signedIn({ version: 1, serverUrl: url });
    await storage.update(signedIn);

    const text = await readFile(storage.file, "utf8");
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const onDisk = JSON.parse(text);
    expect(onDisk.secrets).toMatchObject({ store: "keychain", service: "wren-mcp-oauth" });
    expect(onDisk.secrets.account).toContain(ISSUER);
    // Non-secret state stays in the file.
    expect(onDisk.tokens).toMatchObject({ scope: "read", expires_at: 1_000, token_type: "DPoP" });
    expect(onDisk.client.information.client_id).toBe("wren-client");
    expect(onDisk.dpopKey.jwk.x).toBe("xx");

    const [entry] = [...keychain.entries.values()];
    for (const secret of SECRETS) expect(entry).toContain(secret);
    // A fresh process (new vault) reads the whole state back.
    expect(await setup(keychain).storage.read()).toEqual(expected);
  });

  it("says once per process which store holds the secrets", async () => {
    const keychain = createMemoryKeychain();
    const { storage, vault, notices, warnings } = setup(keychain);
    const other = createOAuthStorage({ dir, serverName: "other", serverUrl: url, vault });
    await storage.update(signedIn);
    await other.update(signedIn);
    for (let i = 0; i < 5; i++) await storage.read();
    expect(notices).toEqual(["OAuth secrets: memory keychain"]);
    expect(warnings).toEqual([]);
  });

  it("reads from its cache while the file names the same revision: no keychain call per request", async () => {
    const keychain = createMemoryKeychain();
    const { storage } = setup(keychain);
    await storage.update(signedIn);
    const reader = setup(keychain).storage;
    await reader.read();
    const calls = keychain.calls;
    for (let i = 0; i < 20; i++) expect((await reader.read()).tokens?.access_token).toBe(ACCESS);
    expect(keychain.calls).toBe(calls);

    // A peer's write changes the revision: the next read asks the keychain once.
    await storage.update((s) => signedIn(s, "at-2", "rt-2"));
    expect((await reader.read()).tokens?.refresh_token).toBe("rt-2");
    expect(keychain.calls).toBeGreaterThan(calls);
  });

  it("does not rewrite the keychain entry when only non-secret state changes", async () => {
    const keychain = createMemoryKeychain();
    const { storage } = setup(keychain);
    await storage.update(signedIn);
    const before = [...keychain.entries.values()];
    const calls = keychain.calls;
    await storage.update((s) => ({ ...s, discovery: { authorizationServerUrl: `${ISSUER}/` } }));
    expect([...keychain.entries.values()]).toEqual(before);
    // The locked re-read asks the store (it precedes a write); nothing is written.
    expect(keychain.calls - calls).toBe(1);
  });

  it("keys entries by state-file stem and issuer: two servers never collide", async () => {
    const keychain = createMemoryKeychain();
    const one = setup(keychain, undefined, "one").storage;
    const two = setup(keychain, undefined, "two").storage;
    await one.update((s) => signedIn(s, "at-one"));
    await two.update((s) => signedIn(s, "at-two"));
    expect(keychain.entries.size).toBe(2);
    expect((await one.read()).tokens?.access_token).toBe("at-one");
    expect((await two.read()).tokens?.access_token).toBe("at-two");
  });

  it("writes the new issuer's entry before deleting the old one", async () => {
    const keychain = createMemoryKeychain();
    const { storage } = setup(keychain);
    await storage.update(signedIn);
    const [oldAccount] = [...keychain.entries.keys()];
    await storage.update((s) => ({
      ...s,
      issuer: "https://other-as.example",
      tokens: {
        access_token: "at-other",
        token_type: "Bearer",
        issuer: "https://other-as.example",
      },
      client: undefined,
      dpopKey: undefined,
    }));
    const accounts = [...keychain.entries.keys()];
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).not.toBe(oldAccount);
    expect(accounts[0]).toContain("https://other-as.example");
  });

  it("logout (tokens and key dropped) leaves only the client secret; clear deletes the entry", async () => {
    const keychain = createMemoryKeychain();
    const { storage } = setup(keychain);
    await storage.update(signedIn);
    await storage.update(({ tokens: _t, dpopKey: _k, ...rest }) => rest);
    const [entry] = [...keychain.entries.values()];
    expect(entry).toContain(CLIENT_SECRET);
    expect(entry).not.toContain(REFRESH);
    expect(entry).not.toContain(DPOP_D);
    await storage.update(({ client: _c, ...rest }) => rest);
    expect(keychain.entries.size).toBe(0);

    await storage.update(signedIn);
    expect(keychain.entries.size).toBe(1);
    await storage.clear();
    expect(keychain.entries.size).toBe(0);
  });

  it("drops only the parts whose secrets the keychain lost", async () => {
    const keychain = createMemoryKeychain();
    const { storage } = setup(keychain);
    await storage.update(signedIn);
    keychain.entries.clear();
    const state = await setup(keychain).storage.read();
    expect(state.tokens).toBeUndefined();
    expect(state.dpopKey).toBeUndefined();
    expect(state.client?.information.client_id).toBe("wren-client");
    expect(state.discovery).toEqual({ authorizationServerUrl: ISSUER });
  });
});

describe("fallback to the file", () => {
  it("uses the 0600 file when no keychain is reachable and says so once, in the log", async () => {
    const keychain = createMemoryKeychain({ unreachable: true });
    const { storage, log, warnings, notices } = setup(keychain);
    await storage.update(signedIn);
    await storage.read();
    await storage.update((s) => signedIn(s, "at-2"));
    const text = await readFile(storage.file, "utf8");
    expect(text).toContain("at-2");
    expect(JSON.parse(text).secrets).toBeUndefined();
    expect(log.filter((l) => l.startsWith("OAuth secrets:"))).toEqual([
      expect.stringContaining("state file (0600) — no keychain reachable"),
    ]);
    expect(notices).toEqual(log.filter((l) => l.startsWith("OAuth secrets:")));
    expect(warnings).toEqual([]);
  });

  it("warns (once) when oauthStorage asks for the keychain and none is reachable", async () => {
    const keychain = createMemoryKeychain({ unreachable: true });
    const { storage, warnings } = setup(keychain, "keychain");
    await storage.update(signedIn);
    await storage.update(signedIn);
    expect(warnings).toEqual([expect.stringContaining("no keychain reachable")]);
    expect((await storage.read()).tokens?.access_token).toBe(ACCESS);
  });

  it("never loses tokens when the keychain write fails: they go to the file", async () => {
    const keychain = createMemoryKeychain({ failWrites: true });
    const { storage, warnings } = setup(keychain);
    await storage.update(signedIn);
    expect(keychain.entries.size).toBe(0);
    expect((await storage.read()).tokens?.refresh_token).toBe(REFRESH);
    expect(await readFile(storage.file, "utf8")).toContain(REFRESH);
    expect(warnings).toEqual([expect.stringContaining("the keychain failed")]);
  });

  it("a keychain that starts refusing writes: rotated tokens go to the file, the old entry goes", async () => {
    const good = createMemoryKeychain();
    const { storage } = setup(good);
    await storage.update(signedIn);
    // The same entries, but this process's keychain now refuses writes.
    const failing = createMemoryKeychain({ failWrites: true });
    for (const [k, v] of good.entries) failing.entries.set(k, v);
    const other = setup(failing).storage;
    await other.update((s) => signedIn(s, "at-new", "rt-new"));
    // The new tokens are in the file; the old entry, no longer named by it, is deleted after.
    const state = await setup(failing).storage.read();
    expect(state.tokens?.refresh_token).toBe("rt-new");
    expect(failing.entries.size).toBe(0);
  });
});

describe("migration without signing in again", () => {
  it("file -> keychain: the next use moves the secrets out of the file", async () => {
    const keychain = createMemoryKeychain();
    const before = setup(keychain, "file").storage;
    await before.update(signedIn);
    expect(await readFile(before.file, "utf8")).toContain(REFRESH);
    expect(keychain.entries.size).toBe(0);

    const after = setup(keychain, "keychain").storage;
    expect(await after.read()).toEqual(signedIn({ version: 1, serverUrl: url }));
    const text = await readFile(after.file, "utf8");
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(keychain.entries.size).toBe(1);
  });

  it("keychain -> file: the next use moves the secrets into the file and deletes the entry", async () => {
    const keychain = createMemoryKeychain();
    await setup(keychain, "keychain").storage.update(signedIn);
    expect(keychain.entries.size).toBe(1);

    const after = setup(keychain, "file").storage;
    expect(await after.read()).toEqual(signedIn({ version: 1, serverUrl: url }));
    expect(await readFile(after.file, "utf8")).toContain(REFRESH);
    expect(keychain.entries.size).toBe(0);
  });

  it("never writes over secrets it could not read (the keychain stopped answering)", async () => {
    const keychain = createMemoryKeychain();
    const { storage } = setup(keychain, "keychain");
    await storage.update(signedIn);
    const before = await readFile(storage.file, "utf8");
    const locked = createMemoryKeychain({ unreachable: true });
    for (const [k, v] of keychain.entries) locked.entries.set(k, v);
    const blind = setup(locked).storage;
    await expect(
      blind.update((s) => ({ ...s, discovery: { authorizationServerUrl: `${ISSUER}/x` } })),
    ).rejects.toBeInstanceOf(KeychainUnavailableError);
    expect(await readFile(storage.file, "utf8")).toBe(before);
    // New tokens (a fresh sign-in) supersede what could not be read.
    await blind.update((s) => signedIn(s, "at-new", "rt-new"));
    expect((await blind.read()).tokens?.refresh_token).toBe("rt-new");
  });

  it("does not move (or drop) secrets the keychain will not give", async () => {
    const keychain = createMemoryKeychain();
    const { storage } = setup(keychain, "keychain");
    await storage.update(signedIn);
    const before = await readFile(storage.file, "utf8");
    const locked = createMemoryKeychain({ unreachable: true });
    for (const [k, v] of keychain.entries) locked.entries.set(k, v);
    const { storage: reader, warnings } = setup(locked, "file");
    expect((await reader.read()).tokens).toBeUndefined();
    expect(await readFile(storage.file, "utf8")).toBe(before);
    expect(warnings.join("\n")).toContain("did not answer");
    for (const secret of SECRETS) expect(warnings.join("\n")).not.toContain(secret);
  });
});
