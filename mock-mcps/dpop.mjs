// DPoP (RFC 9449) proof checking for the OAuth mock (`--dpop`, `--dpop-nonce`): what an
// authorization server checks at /token (§4.3) and a resource server on each request (§7.1).
// ES256/384/512 proofs only, verified with node:crypto. Never logs proofs or keys.
import { createHash, createPublicKey, verify } from "node:crypto";

const HASHES = { ES256: "sha256", ES384: "sha384", ES512: "sha512" };
const MAX_AGE_SECONDS = 300;

const sha256 = (text) => createHash("sha256").update(text).digest("base64url");

/** RFC 7638 thumbprint of an EC public JWK. */
export function thumbprint(jwk) {
  return sha256(`{"crv":"${jwk.crv}","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`);
}

function decodePart(part) {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/** `https://h/p?q#f` → `https://h/p` (htu compares without query and fragment). */
function withoutQuery(url) {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/**
 * Checks one proof. `expect`: { htm, htu, accessToken?, nonce?, seenJtis: Set, now? } (`now`:
 * the clock `iat` is judged by, Date.now by default).
 * Returns { ok: true, jkt } or { ok: false, error, nonceNeeded? }.
 */
export function checkProof(proof, expect) {
  if (typeof proof !== "string" || proof.includes(",")) {
    return { ok: false, error: "exactly one DPoP proof header is required" };
  }
  const parts = proof.split(".");
  if (parts.length !== 3) return { ok: false, error: "proof is not a JWS" };
  let header;
  let payload;
  try {
    header = decodePart(parts[0]);
    payload = decodePart(parts[1]);
  } catch {
    return { ok: false, error: "proof is not a JWS" };
  }
  const hash = HASHES[header.alg];
  if (header.typ !== "dpop+jwt" || !hash) return { ok: false, error: "typ or alg not accepted" };
  const jwk = header.jwk;
  if (jwk?.kty !== "EC" || jwk.d !== undefined) return { ok: false, error: "bad jwk" };
  let valid = false;
  try {
    const key = createPublicKey({ key: jwk, format: "jwk" });
    valid = verify(
      hash,
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key, dsaEncoding: "ieee-p1363" },
      Buffer.from(parts[2], "base64url"),
    );
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, error: "proof signature does not verify" };
  if (typeof payload.jti !== "string" || expect.seenJtis.has(payload.jti)) {
    return { ok: false, error: "jti missing or replayed" };
  }
  if (payload.htm !== expect.htm) return { ok: false, error: "htm does not match" };
  if (typeof payload.htu !== "string" || withoutQuery(payload.htu) !== withoutQuery(expect.htu)) {
    return { ok: false, error: "htu does not match" };
  }
  if (
    typeof payload.iat !== "number" ||
    Math.abs((expect.now ?? Date.now)() / 1000 - payload.iat) > MAX_AGE_SECONDS
  ) {
    return { ok: false, error: "iat outside the window" };
  }
  if (expect.accessToken !== undefined && payload.ath !== sha256(expect.accessToken)) {
    return { ok: false, error: "ath does not match the access token" };
  }
  if (expect.nonce !== undefined && payload.nonce !== expect.nonce) {
    return { ok: false, error: "a fresh nonce is required", nonceNeeded: true };
  }
  expect.seenJtis.add(payload.jti);
  return { ok: true, jkt: thumbprint(jwk) };
}
