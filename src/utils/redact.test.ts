import { describe, expect, it } from "vitest";
import { redactArgs, redactNamedValue, redactSecrets } from "./redact.js";

describe("redactSecrets", () => {
  it("hides credential headers, tokens, secret flags and key shapes, and keeps the rest", () => {
    const text = [
      "> Authorization: Bearer abc.def-123",
      "Cookie: session=s3ss10n; theme=dark",
      '{"access_token":"at_1","refresh_token": "rt_2","client_secret":"cs_3","scope":"read"}',
      "GET /cb?code=c0de&state=ok",
      "started: server --token=flagtok1 --api-key apikey22 --port 8080",
      "env GITHUB_TOKEN=ghtok333 and ghp_abcdefghijklmnop",
      "key sk-ant-abcdefghijkl jwt eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl",
    ].join("\n");
    const out = redactSecrets(text, ["known-secret-value"]);
    for (const secret of [
      "abc.def-123",
      "s3ss10n",
      "at_1",
      "rt_2",
      "cs_3",
      "c0de",
      "flagtok1",
      "apikey22",
      "ghtok333",
      "abcdefghijklmnop",
      "ant-abcdefghijkl",
      "c2lnbmF0dXJl",
    ]) {
      expect(out, secret).not.toContain(secret);
    }
    for (const kept of ['"scope":"read"', "state=ok", "--port 8080", "Authorization:"]) {
      expect(out).toContain(kept);
    }
    expect(redactSecrets("x known-secret-value y", ["known-secret-value"])).toBe("x *** y");
  });

  it("hides DPoP proofs, a stored DPoP key's private part and exchanged subject tokens", () => {
    const text = [
      "DPoP: proofHeader.proofPayload.proofSig",
      '{"dpopKey":{"alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"pubX","y":"pubY","d":"privD123"}}}',
      "grant_type=token-exchange&subject_token=idtok999&audience=https://as",
    ].join("\n");
    const out = redactSecrets(text);
    for (const secret of ["proofSig", "privD123", "idtok999"]) expect(out).not.toContain(secret);
    for (const kept of ['"x":"pubX"', '"alg":"ES256"', "audience=https://as"]) {
      expect(out).toContain(kept);
    }
  });
});

describe("redactArgs", () => {
  it("redacts --flag=value, the value after a secret flag, NAME=value and key-shaped words", () => {
    expect(
      redactArgs([
        "-y",
        "@acme/server",
        "--token=abc123",
        "--api-key",
        "k-456",
        "--client-secret",
        "cs",
        "API_KEY=zzz",
        "--header",
        "Authorization: Bearer tok789",
        "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        "--port",
        "8080",
        "/home/me/project",
      ]),
    ).toEqual([
      "-y",
      "@acme/server",
      "--token=***",
      "--api-key",
      "***",
      "--client-secret",
      "***",
      "API_KEY=***",
      "--header",
      "Authorization: ***",
      "***",
      "--port",
      "8080",
      "/home/me/project",
    ]);
  });

  it("judges named values by name and by shape", () => {
    expect(redactNamedValue("GITHUB_TOKEN", "x")).toBe("***");
    expect(redactNamedValue("REGION", "eu-west-1")).toBe("eu-west-1");
    expect(redactNamedValue("X", "a".repeat(40))).toBe("***");
  });
});
