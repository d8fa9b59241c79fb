// What a device sign-in shows, made safe once for every surface (the REPL's modal, the CLI's
// terminal): the user code and the verification URIs come from the authorization server, so a
// hostile one must not reach the terminal with escape sequences, nor offer a link or a QR code
// to anything but https (http on loopback).
import { unsafeUrlReason } from "../../utils/open-url.js";
import { safeLine } from "../../utils/terminal-text.js";
import { McpAuthError } from "../errors.js";
import { cleanText } from "./callback-input.js";
import type { DeviceAuthorization } from "./device-flow.js";

/** A device sign-in prompt: every field already safe to print. */
export interface DevicePromptInit {
  readonly server: string;
  /** The code the user types at the verification URI; printable, one line. */
  readonly userCode: string;
  /** https (or http on loopback), normalised by the URL parser. */
  readonly verificationUri: string;
  /** The URI with the code in it, when the server sent a safe one (the link and the QR code). */
  readonly verificationUriComplete?: string;
  /** The QR code of the complete URI (else of the verification URI), one string per row. */
  readonly qr: readonly string[];
  /** How long the code is good for, from when it was issued. */
  readonly expiresInMs: number;
}

/** The URL as the parser normalised it (controls percent-encoded), or undefined when unsafe. */
function safeUrl(url: string): string | undefined {
  if (unsafeUrlReason(url) !== undefined) return undefined;
  return new URL(url).href;
}

/** Renders `text` as a QR code of Unicode half blocks (loaded on first use). */
async function qrRows(text: string): Promise<string[]> {
  const { renderUnicodeCompact } = await import("uqr");
  return renderUnicodeCompact(text, { border: 1 }).split("\n");
}

/**
 * The prompt for `authorization`. Refuses (McpAuthError) a verification URI that is not https
 * or http on loopback: the user would be sent to a page nobody can vouch for. An unsafe
 * `verification_uri_complete` is only dropped (the code is typed by hand then).
 */
export async function devicePrompt(
  server: string,
  authorization: DeviceAuthorization,
): Promise<DevicePromptInit> {
  const verificationUri = safeUrl(authorization.verificationUri);
  if (verificationUri === undefined) {
    const why = unsafeUrlReason(authorization.verificationUri) ?? "not a valid URL";
    throw new McpAuthError(
      server,
      `the authorization server's verification URI is refused: ${why}`,
    );
  }
  const complete =
    authorization.verificationUriComplete === undefined
      ? undefined
      : safeUrl(authorization.verificationUriComplete);
  const userCode = safeLine(cleanText(authorization.userCode, 64));
  if (userCode === "")
    throw new McpAuthError(server, "the authorization server sent an empty user code");
  return {
    server,
    userCode,
    verificationUri,
    ...(complete !== undefined && { verificationUriComplete: complete }),
    qr: await qrRows(complete ?? verificationUri),
    expiresInMs: authorization.expiresInMs,
  };
}
