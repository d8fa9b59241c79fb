/**
 * A successful authorization response: the code, and the issuer that says it sent it
 * (RFC 9207 `iss`), which the exchange checks against the authorization server's metadata.
 */
export interface AuthorizationResponse {
  readonly code: string;
  readonly iss?: string;
}

/** What an authorization redirect carried, or why a paste could not be read. */
export type CallbackResult =
  | {
      readonly kind: "code";
      readonly code: string;
      readonly iss?: string;
      readonly state?: string;
    }
  | {
      readonly kind: "error";
      readonly error: string;
      readonly description?: string;
      readonly state?: string;
    }
  | { readonly kind: "invalid"; readonly message: string };

/** Reads `code` / `state` or `error` / `error_description` from a callback's query. */
export function parseCallbackParams(params: URLSearchParams): CallbackResult {
  const state = params.get("state") ?? undefined;
  const error = params.get("error");
  if (error) {
    const description = params.get("error_description") ?? undefined;
    return {
      kind: "error",
      error: cleanText(error, 64),
      ...(description && { description: cleanText(description, 300) }),
      ...(state !== undefined && { state }),
    };
  }
  const code = params.get("code");
  const iss = params.get("iss") ?? undefined;
  if (code) {
    return {
      kind: "code",
      code,
      ...(iss !== undefined && { iss }),
      ...(state !== undefined && { state }),
    };
  }
  return { kind: "invalid", message: "no code in that URL" };
}

const BARE_CODE = /^[A-Za-z0-9._~+/=-]{8,}$/;

/**
 * Authorization codes are long random strings; a word typed by mistake ("hello", "cancel")
 * is not one, and sending it would only fail the sign-in. Random codes of 8+ characters all
 * but always hold a digit or both cases.
 */
function isPlausibleCode(text: string): boolean {
  return BARE_CODE.test(text) && (/\d/.test(text) || (/[a-z]/.test(text) && /[A-Z]/.test(text)));
}

/**
 * Reads what the user pasted: the full callback URL, its query string (with or without `?`),
 * or the bare authorization code.
 */
export function parsePastedCallback(text: string): CallbackResult {
  const input = text.trim();
  if (input === "")
    return { kind: "invalid", message: "paste the URL from the browser, or the code" };
  if (/^https?:\/\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      return { kind: "invalid", message: "that URL could not be read" };
    }
    return parseCallbackParams(url.searchParams);
  }
  const query = input.startsWith("?") ? input.slice(1) : input;
  if (/(^|&)(code|error)=/.test(query)) return parseCallbackParams(new URLSearchParams(query));
  if (isPlausibleCode(input)) return { kind: "code", code: input };
  return {
    kind: "invalid",
    message: "that is not a callback URL or a code: paste the whole URL the browser ended on",
  };
}

/**
 * Checks a callback against the `state` this flow sent. A bare code has no state and is
 * accepted (PKCE still binds it to this flow); a different state is rejected.
 */
export function checkState(result: CallbackResult, expectedState: string): string | undefined {
  if (result.kind === "invalid") return result.message;
  if (result.state !== undefined && result.state !== expectedState) {
    return "state does not match this sign-in (a link from an older or another sign-in?)";
  }
  return undefined;
}

/** Server-provided text shown to the user: printable, single line, bounded. */
export function cleanText(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal control characters is the point
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
