// How a server's URL is shown before the user decides: a module of its own, because the
// REPL's URL-elicitation store loads at startup and url-elicitation.ts needs the MCP SDK.
import { unsafeUrlReason } from "../utils/open-url.js";

/** How a URL may be shown: its domain, and why it will not be opened (if it will not). */
export interface UrlView {
  /** Host as the URL parser reads it: lookalike (IDN) hosts show in their `xn--` form. */
  readonly domain: string;
  /** Set when wren refuses to open it: a scheme other than https, http off loopback... */
  readonly refused?: string;
}

/** Parses a server's URL for display and decides whether it may be opened at all. */
export function viewUrl(url: string): UrlView {
  const refused = unsafeUrlReason(url);
  let domain = "";
  try {
    const parsed = new URL(url);
    domain = parsed.host || parsed.protocol;
  } catch {
    domain = "(not a valid URL)";
  }
  return { domain, ...(refused !== undefined && { refused }) };
}
