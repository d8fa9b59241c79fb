import type { LogoutResult } from "./mcp-oauth.js";

/** One line for the user about what logging out of `name` did. */
export function describeLogout(name: string, result: LogoutResult): string {
  if (!result.hadTokens) return `${name}: no stored sign-in`;
  switch (result.revocation.kind) {
    case "revoked":
      return `${name}: signed out (tokens revoked at the server and deleted)`;
    case "unsupported":
      return `${name}: signed out (tokens deleted; the server offers no revocation)`;
    case "failed":
      return `${name}: signed out (tokens deleted; revocation failed: ${result.revocation.reason})`;
    case "nothing":
      return `${name}: signed out`;
  }
}
