import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FetchLike, OAuthTokens } from "@modelcontextprotocol/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WrenOAuthProvider } from "./provider.js";
import { createRefreshGuard, guardRefreshFetch, isExpired } from "./refresh.js";
import { createOAuthStorage, type OAuthStorage } from "./storage.js";

const NOW = 1_000_000;
let dir: string;
let storage: OAuthStorage;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-guard-"));
  storage = createOAuthStorage({ dir, serverName: "s", serverUrl: "https://s/mcp" });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function server(answer: (params: URLSearchParams) => Response): FetchLike & { seen: string[] } {
  const seen: string[] = [];
  const fn = async (_url: string | URL, init?: RequestInit): Promise<Response> => {
    const params = new URLSearchParams(String(init?.body));
    seen.push(params.get("refresh_token") ?? params.get("grant_type") ?? "");
    return answer(params);
  };
  return Object.assign(fn, { seen });
}

const refresh = (token: string): RequestInit => ({
  method: "POST",
  body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }),
});

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("guardRefreshFetch", () => {
  it("passes other requests through untouched", async () => {
    const base = server(() => json(200, {}));
    const guarded = guardRefreshFetch(base, storage, () => NOW);
    await guarded("https://as/token", {
      method: "POST",
      body: new URLSearchParams({ grant_type: "authorization_code" }),
    });
    expect(base.seen).toEqual(["authorization_code"]);
  });

  it("stores the rotated tokens under the lock before answering", async () => {
    await storage.update((s) => ({
      ...s,
      tokens: { access_token: "a1", token_type: "Bearer", refresh_token: "r1" },
    }));
    const base = server(() =>
      json(200, { access_token: "a2", token_type: "Bearer", refresh_token: "r2", expires_in: 60 }),
    );
    const response = await guardRefreshFetch(
      base,
      storage,
      () => NOW,
    )("https://as/token", refresh("r1"));
    expect(((await response.json()) as { access_token: string }).access_token).toBe("a2");
    expect((await storage.read()).tokens).toMatchObject({
      access_token: "a2",
      refresh_token: "r2",
      expires_at: NOW + 60_000,
    });
  });

  it("adopts a peer's fresher tokens instead of presenting an old refresh token", async () => {
    await storage.update((s) => ({
      ...s,
      tokens: {
        access_token: "peer",
        token_type: "Bearer",
        refresh_token: "r2",
        expires_at: NOW + 30_000,
      },
    }));
    const base = server(() => json(500, {}));
    const response = await guardRefreshFetch(
      base,
      storage,
      () => NOW,
    )("https://as/token", refresh("r1"));
    expect(base.seen).toEqual([]);
    expect(await response.json()).toEqual({
      access_token: "peer",
      token_type: "Bearer",
      expires_in: 30,
      refresh_token: "r2",
    });
  });

  it("presents the newest refresh token when the stored tokens are expired too", async () => {
    await storage.update((s) => ({
      ...s,
      tokens: {
        access_token: "old",
        token_type: "Bearer",
        refresh_token: "r2",
        expires_at: NOW - 1,
      },
    }));
    const base = server(() =>
      json(200, { access_token: "a3", token_type: "Bearer", refresh_token: "r3" }),
    );
    await guardRefreshFetch(base, storage, () => NOW)("https://as/token", refresh("r1"));
    expect(base.seen).toEqual(["r2"]);
  });

  it("drops tokens whose refresh token the server calls invalid_grant", async () => {
    await storage.update((s) => ({
      ...s,
      tokens: { access_token: "a1", token_type: "Bearer", refresh_token: "r1" },
    }));
    const base = server(() => json(400, { error: "invalid_grant" }));
    const response = await guardRefreshFetch(
      base,
      storage,
      () => NOW,
    )("https://as/token", refresh("r1"));
    expect(response.status).toBe(400);
    expect((await storage.read()).tokens).toBeUndefined();
  });
});

describe("the refresh transaction persists once, under the lock", () => {
  const rotating = (): FetchLike & { seen: string[] } =>
    server(() =>
      json(200, { access_token: "a2", token_type: "Bearer", refresh_token: "r2", expires_in: 60 }),
    );

  it("the guard remembers what it persisted, once", async () => {
    await storage.update((s) => ({
      ...s,
      tokens: { access_token: "a1", token_type: "Bearer", refresh_token: "r1" },
    }));
    const guard = createRefreshGuard(
      rotating(),
      storage,
      () => NOW,
      () => false,
    );
    await guard.fetch("https://as/token", refresh("r1"));
    expect(guard.persisted("a2")).toBe(true);
    expect(guard.persisted("a2")).toBe(false);
    expect(guard.persisted("a1")).toBe(false);
  });

  it("the SDK's save after the lock never overwrites a peer's newer rotation", async () => {
    await storage.update((s) => ({
      ...s,
      tokens: {
        access_token: "a1",
        token_type: "Bearer",
        refresh_token: "r1",
        expires_at: NOW - 1,
      },
    }));
    const provider = new WrenOAuthProvider({
      server: { name: "s", url: "https://s/mcp", oauth: {} },
      storage,
      fetch: rotating(),
      now: () => NOW,
    });
    const response = await provider.fetch("https://as/token", refresh("r1"));
    const answer = (await response.json()) as OAuthTokens;
    // A peer refreshes after our lock was released (a2 already due for it) and stores a3/r3.
    const peer = { access_token: "a3", token_type: "Bearer", refresh_token: "r3" };
    await storage.update((s) => ({ ...s, tokens: peer }));
    // Only now does the SDK hand us the answer to save, as auth() does after refreshing.
    await provider.saveTokens(answer);
    expect((await storage.read()).tokens).toEqual(peer);
  });
});

describe("isExpired (the clock is injected)", () => {
  const tokens = { access_token: "a", token_type: "Bearer" };

  it("refreshes a minute early, but never earlier than a tenth of a short lifetime", () => {
    const hour = { ...tokens, expires_in: 3600, expires_at: 1_000_000 };
    expect(isExpired(hour, 1_000_000 - 61_000, 60_000)).toBe(false);
    expect(isExpired(hour, 1_000_000 - 59_000, 60_000)).toBe(true);
    const short = { ...tokens, expires_in: 10, expires_at: 1_000_000 };
    expect(isExpired(short, 1_000_000 - 2_000, 60_000)).toBe(false);
    expect(isExpired(short, 1_000_000 - 500, 60_000)).toBe(true);
  });

  it("never refreshes tokens whose expiry is unknown", () => {
    expect(isExpired(tokens, Number.MAX_SAFE_INTEGER, 60_000)).toBe(false);
  });
});
