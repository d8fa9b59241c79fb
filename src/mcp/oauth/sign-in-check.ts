import type { McpServerConfig } from "../../config/schema.js";

/**
 * Why nobody signs in to (or out of) `server`, or undefined when someone can: stdio servers,
 * `"oauth": false`, and client_credentials servers, which get their tokens themselves.
 * Light on purpose: the REPL's `.mcp` command imports it at startup.
 */
export function whyNoSignIn(
  server: McpServerConfig,
  surface: "repl" | "cli" = "repl",
): string | undefined {
  const name = server.name;
  if (server.type === "stdio") return `${name} is a stdio server; only remote servers sign in`;
  if (server.oauth === false) return `OAuth is disabled for ${name} ("oauth": false)`;
  const grant = server.oauth.grantType;
  if (grant === "client_credentials" || grant === "jwt_bearer" || grant === "enterprise") {
    const renew =
      surface === "repl"
        ? `.mcp reconnect ${name} gets a new token`
        : "wren gets a new token each time it connects";
    const how =
      grant === "client_credentials"
        ? "client credentials"
        : grant === "jwt_bearer"
          ? "a workload identity token"
          : "the enterprise identity provider";
    return `${name} uses ${how}: nobody signs in; ${renew}`;
  }
  return undefined;
}
