const SECRET_KEYS =
  "access_token|refresh_token|id_token|client_secret|code_verifier|code|token|assertion|password";

const PATTERNS: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 ***"],
  [new RegExp(`("(?:${SECRET_KEYS})"\\s*:\\s*)"[^"]*"`, "gi"), '$1"***"'],
  [new RegExp(`\\b((?:${SECRET_KEYS})=)[^&\\s"'<>]+`, "gi"), "$1***"],
];

/**
 * Removes anything that looks like a credential from text meant for people or logs:
 * `Bearer`/`Basic` values, token-like JSON fields and query parameters, and each of
 * `secrets` (the actual token and client secret values, when known) wherever it appears.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Short values would blank out ordinary words.
    if (secret && secret.length >= 8) out = out.split(secret).join("***");
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
