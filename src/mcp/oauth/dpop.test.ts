import { createHash, createPublicKey, verify } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  challengesDpop,
  chooseDpopAlg,
  DpopBinding,
  ecThumbprint,
  keyPairOf,
  newStoredDpopKey,
  withoutUnboundTokens,
} from "./dpop.js";
import type { OAuthState } from "./oauth-state.js";
import { createOAuthStorage, type OAuthStorage } from "./storage.js";

let dir: string;
let storage: OAuthStorage;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-dpop-"));
  storage = createOAuthStorage({ dir, serverName: "s", serverUrl: "https://mcp.example/mcp" });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The header and payload of a JWS, after checking its signature with the embedded JWK. */
function verifiedProof(proof: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [h = "", p = "", s = ""] = proof.split(".");
  const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
  const payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  const key = createPublicKey({ key: header.jwk, format: "jwk" });
  const ok = verify(
    "sha256",
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(s, "base64url"),
  );
  expect(ok).toBe(true);
  return { header, payload };
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("base64url");

describe("chooseDpopAlg", () => {
  it("takes the first EC algorithm the server lists, nothing it cannot sign with", () => {
    expect(chooseDpopAlg(["RS256", "ES384", "ES256"])).toBe("ES256");
    expect(chooseDpopAlg(["ES512"])).toBe("ES512");
    expect(chooseDpopAlg(["RS256", "none"])).toBeUndefined();
    expect(chooseDpopAlg(undefined)).toBeUndefined();
    expect(chooseDpopAlg("ES256")).toBeUndefined();
  });
});

describe("challengesDpop", () => {
  const response = (status: number, header: string): Response =>
    new Response(null, { status, headers: { "www-authenticate": header } });
  it("sees the DPoP scheme in a 401, alone or beside Bearer", () => {
    expect(challengesDpop(response(401, 'DPoP error="use_dpop_nonce"'))).toBe(true);
    expect(challengesDpop(response(401, 'Bearer realm="x", DPoP algs="ES256"'))).toBe(true);
    expect(challengesDpop(response(401, 'Bearer error="invalid_token"'))).toBe(false);
    expect(challengesDpop(response(403, "DPoP"))).toBe(false);
  });
});

describe("withoutUnboundTokens", () => {
  const base: OAuthState = { version: 1, serverUrl: "https://mcp.example/mcp" };
  it("drops DPoP-bound tokens whose key is not stored, keeps everything else", async () => {
    const bound = { access_token: "at_secret", token_type: "DPoP", refresh_token: "rt" };
    expect(withoutUnboundTokens({ ...base, tokens: bound })).toEqual(base);
    const dpopKey = await newStoredDpopKey("ES256");
    expect(withoutUnboundTokens({ ...base, tokens: bound, dpopKey }).tokens).toEqual(bound);
    const bearer = { access_token: "at", token_type: "Bearer" };
    expect(withoutUnboundTokens({ ...base, tokens: bearer }).tokens).toEqual(bearer);
  });
});

describe("stored DPoP keys", () => {
  it("round-trip through storage into an SDK session whose proofs bind htm, htu and ath", async () => {
    const stored = await newStoredDpopKey("ES256");
    expect(stored.jwk.d.length).toBeGreaterThan(20);
    const pair = await keyPairOf(stored);
    expect(pair.thumbprint).toBe(ecThumbprint(stored.jwk));
    // Imported for signing only: the private key cannot be exported again from memory.
    expect(pair.privateKey.extractable).toBe(false);
    await storage.update((s) => ({ ...s, dpopKey: stored }));
    const session = await new DpopBinding({ server: "s", storage }).session();
    if (!session) throw new Error("no session for a stored key");
    expect(session.thumbprint).toBe(pair.thumbprint);
    const proof = await session.buildProof({
      htm: "post",
      htu: "https://mcp.example/mcp?x=1#f",
      accessToken: "at_value",
    });
    const { header, payload } = verifiedProof(proof);
    expect(header.typ).toBe("dpop+jwt");
    expect(header.alg).toBe("ES256");
    expect(header.jwk).not.toHaveProperty("d");
    expect(payload.htm).toBe("POST");
    expect(payload.htu).toBe("https://mcp.example/mcp");
    expect(payload.ath).toBe(sha256("at_value"));
    // A fresh jti each time (RFC 9449 §4.2: a proof is used once).
    const again = verifiedProof(await session.buildProof({ htm: "POST", htu: "https://a/b" }));
    expect(again.payload.jti).not.toBe(payload.jti);
    expect(again.payload).not.toHaveProperty("ath");
  });
});

describe("DpopBinding", () => {
  const advertising = (algs: unknown): OAuthState => ({
    version: 1,
    serverUrl: "https://mcp.example/mcp",
    discovery: {
      authorizationServerUrl: "https://as.example",
      authorizationServerMetadata: {
        issuer: "https://as.example",
        dpop_signing_alg_values_supported: algs,
      },
    },
  });

  it("uses Bearer when neither server asks for DPoP", async () => {
    await storage.update(() => advertising(undefined));
    expect(await new DpopBinding({ server: "s", storage }).session()).toBeUndefined();
    expect((await storage.read()).dpopKey).toBeUndefined();
  });

  it("creates one key when the authorization server advertises DPoP, shared by every binding", async () => {
    await storage.update(() => advertising(["ES256"]));
    const first = new DpopBinding({ server: "s", storage });
    const second = new DpopBinding({ server: "s", storage });
    const [a, b] = await Promise.all([first.session(), second.session()]);
    expect(a?.thumbprint).toBeDefined();
    expect(b?.thumbprint).toBe(a?.thumbprint);
    const stored = (await storage.read()).dpopKey;
    expect(stored && ecThumbprint(stored.jwk)).toBe(a?.thumbprint);
    // The same session (and so the same remembered nonces) on every call.
    expect(await first.session()).toBe(a);
  });

  it("follows a resource server's DPoP challenge when the metadata says nothing", async () => {
    await storage.update(() => advertising(undefined));
    const binding = new DpopBinding({ server: "s", storage });
    binding.note(
      new Response(null, { status: 401, headers: { "www-authenticate": 'DPoP algs="ES256"' } }),
    );
    expect((await binding.session())?.alg).toBe("ES256");
  });
});
