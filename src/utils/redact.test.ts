import { describe, expect, it } from "vitest";
import {
  redactArgs,
  redactNamedValue,
  redactSecrets,
  redactSettings,
  redactUrl,
} from "./redact.js";

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

describe("redactSecrets: the cases of the redactors it replaced", () => {
  // Formerly mcp/oauth/redact.ts (OAuth error messages).
  it("hides bearer values, token fields, token query parameters and known secrets", () => {
    const text =
      'HTTP 400: Authorization: Bearer abc.def-123 {"access_token":"at_1","refresh_token": "rt_2","scope":"read"} ' +
      "https://x/cb?code=c0de&state=ok&client_secret=s3 my-secret-value";
    const out = redactSecrets(text, ["my-secret-value"]);
    for (const secret of ["abc.def-123", "at_1", "rt_2", "c0de", "s3", "my-secret-value"]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('"scope":"read"');
    expect(out).toContain("state=ok");
  });

  // Formerly provider/errors.ts's redact (text quoted from model providers).
  it("scrubs a provider's key and anything shaped like a key or token", () => {
    const key = "sk-ant-api03-SECRETSECRETSECRET";
    expect(redactSecrets(`key ${key} rejected`, [key])).toBe("key *** rejected");
    expect(redactSecrets("Incorrect API key provided: sk-proj-abcdefghijkl.")).toBe(
      "Incorrect API key provided: sk-***.",
    );
    expect(redactSecrets("Authorization: Bearer abc.def.ghi-jkl")).toBe("Authorization: ***");
    expect(redactSecrets('{"x-api-key":"whatever-value"}')).toBe('{"x-api-key":"***"}');
  });

  it("hides keys quoted as apiKey: 'x', api_key=x, api-key: x and authorization=x", () => {
    for (const [text, shown] of [
      ["config apiKey: 'abcd1234' set", "config apiKey: '***' set"],
      ["api_key: abcd", "api_key: ***"],
      ["api-key=abcd", "api-key=***"],
      ["authorization=dXNlcjpwYXNz next", "authorization=*** next"],
    ]) {
      expect(redactSecrets(text ?? "")).toBe(shown);
    }
    // Short words after such a name are not keys.
    expect(redactSecrets("apiKey: no")).toBe("apiKey: no");
  });

  it("hides known values from 8 characters, or from minSecretLength", () => {
    expect(redactSecrets("pin abcd here", ["abcd"])).toBe("pin abcd here");
    expect(redactSecrets("pin abcd here", ["abcd"], { minSecretLength: 4 })).toBe("pin *** here");
    expect(redactSecrets("pin abc here", ["abc"], { minSecretLength: 4 })).toBe("pin abc here");
  });
});

describe("redactUrl", () => {
  it("hides the password and secret query parameters, keeps the rest", () => {
    expect(redactUrl("https://u:p@x.example/mcp")).toBe("https://u:***@x.example/mcp");
    expect(redactUrl("https://x.example/mcp?token=abc&region=eu")).toBe(
      "https://x.example/mcp?token=***&region=eu",
    );
    expect(redactUrl(`https://x.example/?id=${"k".repeat(40)}`)).toBe("https://x.example/?id=***");
    expect(redactUrl("not a url")).toBe("not a url");
  });
});

// Formerly commands/info.ts's redactSecrets (`/config`).
describe("redactSettings", () => {
  it("hides keys, secrets, tokens and every header and env value, and keeps the rest", () => {
    const redacted = redactSettings({
      providers: { p: { apiKey: "sk-1", baseURL: "http://x" } },
      servers: [
        {
          url: "https://mcp.example/mcp",
          headers: { "X-Custom": "bearer-ish" },
          env: { SOME_VAR: "hunter2" },
          oauth: { clientId: "public", clientSecret: "s3cret", keyPassphrase: "pp" },
        },
      ],
    });
    const text = JSON.stringify(redacted);
    for (const secret of ["sk-1", "bearer-ish", "hunter2", "s3cret", '"pp"']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("‹redacted›");
    expect(text).toContain("http://x");
    expect(text).toContain("public");
    expect(text).toContain("https://mcp.example/mcp");
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
