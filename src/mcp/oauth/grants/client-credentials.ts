// Machine-to-machine OAuth (`"grantType": "client_credentials"`): the client authenticates
// itself with a secret (client_secret_basic) or a signed JWT (private_key_jwt, RFC 7523) and
// gets tokens without a person, a browser or a loopback. Tokens stay in memory: a new one is
// one token request away, so nothing is written to disk.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { ClientCredentialsProvider, PrivateKeyJwtProvider } from "@modelcontextprotocol/client";
import type { OAuthSettings } from "../../../config/schema.js";
import type { WrenPaths } from "../../../utils/paths.js";
import { McpConnectionError } from "../../errors.js";

/** Whether `oauth` asks for the client_credentials grant. */
export function usesClientCredentials(oauth: OAuthSettings | false): boolean {
  return oauth !== false && oauth.grantType === "client_credentials";
}

/** The JWS algorithm that fits a private key: RS256, ES256/384/512 by curve, or EdDSA. */
export function signingAlgorithmFor(key: KeyObject): string | undefined {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return "RS256";
    case "rsa-pss":
      return "PS256";
    case "ec": {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === "secp384r1") return "ES384";
      if (curve === "secp521r1") return "ES512";
      return curve === "prime256v1" ? "ES256" : undefined;
    }
    case "ed25519":
      return "EdDSA";
    default:
      return undefined;
  }
}

/** `~/x` and project-relative paths made absolute. */
function keyPath(file: string, paths: Pick<WrenPaths, "project" | "userHome">): string {
  if (file === "~" || file.startsWith("~/")) return resolve(paths.userHome, file.slice(2));
  return isAbsolute(file) ? file : resolve(paths.project, file);
}

/**
 * The SDK provider for a client_credentials server. Throws McpConnectionError (kind `auth`)
 * naming the setting when the key cannot be read or used; the key itself is never quoted.
 */
export async function clientCredentialsProvider(
  name: string,
  oauth: OAuthSettings,
  paths: Pick<WrenPaths, "project" | "userHome">,
): Promise<ClientCredentialsProvider | PrivateKeyJwtProvider> {
  const common = {
    clientId: oauth.clientId ?? "",
    // Validated present by the config; the SDK then never sends the credentials elsewhere.
    expectedIssuer: oauth.issuer ?? "",
    clientName: "wren",
    ...(oauth.scope && { scope: oauth.scope }),
  };
  if (oauth.clientSecret !== undefined) {
    return new ClientCredentialsProvider({ ...common, clientSecret: oauth.clientSecret });
  }
  const fail = (message: string, cause?: unknown): McpConnectionError =>
    new McpConnectionError(name, "auth", message, { cause });
  let pem = oauth.privateKey;
  if (pem === undefined && oauth.privateKeyFile !== undefined) {
    const file = keyPath(oauth.privateKeyFile, paths);
    try {
      pem = await readFile(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      throw fail(`cannot read oauth.privateKeyFile ${file} (${code})`, error);
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem ?? "");
  } catch (error) {
    // OpenSSL asks for a passphrase nobody can type here, and gives up with this code.
    const encrypted =
      (error as NodeJS.ErrnoException).code === "ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED" ||
      /ENCRYPTED/.test(pem ?? "");
    throw fail(
      encrypted
        ? "oauth private key is encrypted: give wren an unencrypted PEM key (keep the file 0600)"
        : "oauth private key is not a PEM private key",
      error,
    );
  }
  const algorithm = oauth.signingAlgorithm ?? signingAlgorithmFor(key);
  if (algorithm === undefined) {
    throw fail(
      `cannot tell the signing algorithm of this ${key.asymmetricKeyType} key: set oauth.signingAlgorithm`,
    );
  }
  // PKCS#8 whatever the file held (PKCS#1 RSA, SEC1 EC): the form the signer imports.
  const privateKey = key.export({ type: "pkcs8", format: "pem" }).toString();
  return new PrivateKeyJwtProvider({ ...common, privateKey, algorithm });
}
