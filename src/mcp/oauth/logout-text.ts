import type { LogoutResult } from "./mcp-oauth.js";

/** One line for the user about what logging out of `name` did. */
export function describeLogout(name: string, result: LogoutResult): string {
  if (!result.hadTokens) return `${name}: no stored sign-in`;
  switch (result.revocation.kind) {
    case "revoked": {
      const { count, selfContained = 0 } = result.revocation;
      if (selfContained === 0)
        return `${name}: signed out (revoked at the server; tokens deleted here)`;
      // A self-contained (JWT) access token: the server keeps nothing it could revoke.
      const lasting = "the access token cannot be revoked and stays valid until it expires";
      return count > selfContained
        ? `${name}: signed out (revoked at the server, but ${lasting}; tokens deleted here)`
        : `${name}: signed out (${lasting}; tokens deleted here)`;
    }
    case "unsupported":
      return `${name}: signed out (the server offers no revocation; tokens deleted here)`;
    case "failed":
      return `${name}: signed out (revocation failed: ${result.revocation.reason}; tokens deleted here)`;
    case "nothing":
      return `${name}: signed out`;
  }
}
