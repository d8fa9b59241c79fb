import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientCredentialsProvider, PrivateKeyJwtProvider } from "@modelcontextprotocol/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { McpConnectionError } from "../../errors.js";
import { clientCredentialsProvider, signingAlgorithmFor } from "./client-credentials.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-cc-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const settings = {
  grantType: "client_credentials",
  clientId: "bot",
  issuer: "https://as",
} as const;

describe("signingAlgorithmFor", () => {
  it("picks the JWS algorithm from the key type and curve", () => {
    const key = (type: "rsa" | "ec" | "ed25519", options: object): KeyObject =>
      // biome-ignore lint/suspicious/noExplicitAny: the overloads do not take a union
      (generateKeyPairSync as any)(type, options).privateKey;
    expect(signingAlgorithmFor(key("rsa", { modulusLength: 2048 }))).toBe("RS256");
    expect(signingAlgorithmFor(key("ec", { namedCurve: "P-256" }))).toBe("ES256");
    expect(signingAlgorithmFor(key("ec", { namedCurve: "P-384" }))).toBe("ES384");
    expect(signingAlgorithmFor(key("ed25519", {}))).toBe("EdDSA");
    expect(signingAlgorithmFor(key("ec", { namedCurve: "secp256k1" }))).toBeUndefined();
  });
});

describe("clientCredentialsProvider", () => {
  it("uses client_secret_basic with a secret", async () => {
    const provider = await clientCredentialsProvider(
      "m",
      { ...settings, clientSecret: "s" },
      { project: dir, userHome: dir },
    );
    expect(provider).toBeInstanceOf(ClientCredentialsProvider);
    expect(provider.redirectUrl).toBeUndefined();
    expect(provider.prepareTokenRequest().get("grant_type")).toBe("client_credentials");
  });

  it("signs with a project-relative key file in SEC1 form, the algorithm inferred", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    await writeFile(
      join(dir, "bot.pem"),
      privateKey.export({ type: "sec1", format: "pem" }).toString(),
    );
    const provider = await clientCredentialsProvider(
      "m",
      { ...settings, privateKeyFile: "bot.pem" },
      { project: dir, userHome: dir },
    );
    expect(provider).toBeInstanceOf(PrivateKeyJwtProvider);
    const params = new URLSearchParams();
    await (provider as PrivateKeyJwtProvider).addClientAuthentication(
      new Headers(),
      params,
      "https://as/token",
    );
    expect(params.get("client_assertion_type")).toBe(
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    const [header] = (params.get("client_assertion") ?? "").split(".");
    expect(JSON.parse(Buffer.from(header ?? "", "base64url").toString())).toMatchObject({
      alg: "ES256",
    });
  });

  it("names the setting, never the key, when the key cannot be used", async () => {
    const missing = await clientCredentialsProvider(
      "m",
      { ...settings, privateKeyFile: "~/nope.pem" },
      { project: dir, userHome: dir },
    ).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(McpConnectionError);
    expect(missing).toMatchObject({
      kind: "auth",
      message: `cannot read oauth.privateKeyFile ${join(dir, "nope.pem")} (ENOENT)`,
    });
    const garbage = await clientCredentialsProvider(
      "m",
      {
        ...settings,
        privateKey: "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWlzaA==\n-----END PRIVATE KEY-----",
      },
      { project: dir, userHome: dir },
    ).catch((e: unknown) => e);
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const locked = privateKey
      .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" })
      .toString();
    await expect(
      clientCredentialsProvider(
        "m",
        { ...settings, privateKey: locked },
        { project: dir, userHome: dir },
      ),
    ).rejects.toMatchObject({
      message:
        "oauth private key is encrypted: give wren an unencrypted PEM key (keep the file 0600)",
    });
    expect(garbage).toMatchObject({
      kind: "auth",
      message: "oauth private key is not a PEM private key",
    });
  });
});
