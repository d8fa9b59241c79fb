/** Names of fields, parameters and headers whose values are credentials. */
const SECRET_KEYS =
  "access_token|refresh_token|id_token|subject_token|actor_token|client_secret|code_verifier|code|token|assertion|password|api_key|apikey|secret";

/** Headers that carry credentials. */
const SECRET_HEADERS =
  "authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|dpop";

/** A name (flag, variable, setting) whose value is likely a credential. */
const SECRET_NAME = /token|secret|passw|pwd|api[-_]?key|credential|cookie|private[-_]?key|auth/i;

const FLAG_CHARS = "[A-Za-z0-9_-]*";
const SECRET_FLAG = `--?${FLAG_CHARS}(?:token|secret|passw(?:or)?d|pwd|api[-_]?key|apikey|credential|private[-_]?key|auth)${FLAG_CHARS}`;

const PATTERNS: readonly [RegExp, string][] = [
  // The private members of a JSON Web Key (a stored DPoP key's `d`, RSA's primes, a secret `k`).
  [/("(?:d|p|q|dp|dq|qi|k)"\s*:\s*)"[^"]*"/g, '$1"***"'],
  // JSON fields first, so the header rule below does not eat the rest of a JSON line.
  [new RegExp(`("(?:${SECRET_KEYS}|${SECRET_HEADERS})"\\s*:\\s*)"[^"]*"`, "gi"), '$1"***"'],
  // `Authorization: Bearer x`, `Cookie: a=1; b=2`: the scheme and value, up to a space or quote.
  [
    new RegExp(
      `(^|[\\s{,;'"])(${SECRET_HEADERS})(\\s*:\\s*)(?:(?:Bearer|Basic|DPoP|Token|Digest|Negotiate)\\s+)?[^\\s"',;]+(?:;\\s*[^\\s"',;]+)*`,
      "gi",
    ),
    "$1$2$3***",
  ],
  [/\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 ***"],
  [new RegExp(`\\b((?:${SECRET_KEYS})=)[^&\\s"'<>]+`, "gi"), "$1***"],
  // Command lines: `--token=abc`, `--api-key abc`, `-password "a b"`.
  [new RegExp(`(^|\\s)(${SECRET_FLAG})(=|\\s+)("[^"]*"|'[^']*'|[^\\s"']+)`, "gi"), "$1$2$3***"],
  // Environment assignments: `GITHUB_TOKEN=abc`.
  [/\b([A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|API_KEY|APIKEY|CREDENTIALS?)[A-Z0-9_]*=)\S+/g, "$1***"],
  // Well-known key shapes: OpenAI/Anthropic, GitHub, GitLab, Slack, JWTs.
  [/\b(sk|rk|pk)-[A-Za-z0-9_-]{8,}/g, "$1-***"],
  [/\b(gh[pousr]_|github_pat_|glpat-|xox[abpr]-)[A-Za-z0-9_-]{8,}/g, "$1***"],
  [/\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g, "***"],
  // Keys quoted by model providers and SDKs: `apiKey: 'abcd'`, `api_key=abcd`,
  // `authorization="Basic abcd"` (unquoted names the rules above do not take).
  [
    /\b(x-api-key|api[_-]?key|authorization)(["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic)\s+)?[^\s"',}]{4,}/gi,
    "$1$2***",
  ],
];

/**
 * Removes anything that looks like a credential from text meant for people or logs:
 * credential headers, `Bearer`/`Basic` values, token-like JSON fields and query parameters,
 * secret-looking command-line flags and environment assignments, well-known key shapes, and
 * each of `secrets` (actual token, header and client-secret values, when known) wherever it is.
 */
export function redactSecrets(
  text: string,
  secrets: readonly (string | undefined)[] = [],
  options: {
    /**
     * Known values shorter than this stay: they would blank out ordinary words. 8 by default;
     * a provider's API key, known to be one, counts from 4.
     */
    readonly minSecretLength?: number;
  } = {},
): string {
  const min = options.minSecretLength ?? 8;
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= min) out = out.split(secret).join("***");
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Whether a variable, flag or setting named `name` likely holds a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** `***` for a value that may be a secret by its name or its shape; the value otherwise. */
export function redactNamedValue(name: string, value: string): string {
  // Long unbroken runs of letters and digits look like keys even under innocent names.
  return isSecretName(name) || /[A-Za-z0-9_\-+/=]{32,}/.test(value) ? "***" : value;
}

const SECRET_FLAG_ONLY = new RegExp(`^${SECRET_FLAG}$`, "i");

/**
 * A command's arguments with secret-looking values replaced by `***`: `--token=abc`,
 * `--api-key abc` (the next argument), `API_KEY=abc`, bearer values, and bare key-shaped words.
 */
export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let valueOfSecretFlag = false;
  for (const arg of args) {
    if (valueOfSecretFlag && !arg.startsWith("-")) {
      out.push("***");
      valueOfSecretFlag = false;
      continue;
    }
    valueOfSecretFlag = SECRET_FLAG_ONLY.test(arg);
    const assignment = /^(-{0,2}[A-Za-z0-9_.-]+)=(.*)$/s.exec(arg);
    if (assignment?.[1] !== undefined && isSecretName(assignment[1])) {
      out.push(`${assignment[1]}=***`);
    } else if (/^[A-Za-z0-9_-]{32,}$/.test(arg)) {
      out.push("***");
    } else {
      out.push(redactSecrets(arg));
    }
  }
  return out;
}

/**
 * A URL with its credentials replaced by `***`: the password of `user:pass@`, and query
 * parameters that are secret by name or shape. Text that is not a URL comes back unchanged.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    for (const [key, value] of parsed.searchParams) {
      parsed.searchParams.set(key, redactNamedValue(key, value));
    }
    return parsed.toString().replace(/%2A%2A%2A/g, "***");
  } catch {
    return url;
  }
}

/** What `redactSettings` shows instead of a secret. */
const REDACTED_SETTING = "‹redacted›";
/** Settings keys whose string values are secrets (`apiKey`, `clientSecret`, `privateKey`...). */
const SECRET_SETTING = /key|secret|token|password|passphrase|authorization|credential/i;

/**
 * A copy of a settings value fit to show (`/config`): values under secret-looking keys, and
 * every value of `headers` and `env` (they carry API keys and bearer tokens), are replaced.
 */
export function redactSettings(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => redactSettings(item));
  if (typeof value === "object" && value !== null) {
    const all = key === "headers" || key === "env";
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        all && typeof v === "string" ? REDACTED_SETTING : redactSettings(v, k),
      ]),
    );
  }
  if (typeof value === "string" && SECRET_SETTING.test(key) && value !== "") {
    return REDACTED_SETTING;
  }
  return value;
}
