// `wren mcp debug`, the config step: the server's settings with every secret hidden, and the
// secrets every later step hides (header values, secret settings and env, stored tokens).
import type { McpServerConfig, RemoteServerConfig } from "../../config/schema.js";
import { isSecretName, redactArgs, redactSecrets } from "../../utils/redact.js";
import type { OAuthState } from "../oauth/oauth-state.js";
import type { ConfigSummary } from "./debug-trace.js";

/** Known secret values of a server: header values, secret settings and env, stored tokens. */
export function secretsOf(server: McpServerConfig, state: OAuthState | undefined): string[] {
  const secrets: (string | undefined)[] = [];
  if (server.type === "stdio") {
    for (const [key, value] of Object.entries(server.env))
      if (isSecretName(key)) secrets.push(value);
  } else {
    secrets.push(...Object.values(server.headers));
    if (server.oauth !== false) {
      secrets.push(
        server.oauth.clientSecret,
        server.oauth.privateKey,
        server.oauth.idpClientSecret,
      );
    }
  }
  const tokens = state?.tokens;
  secrets.push(tokens?.access_token, tokens?.refresh_token, tokens?.id_token);
  secrets.push(state?.client?.information.client_secret, state?.dpopKey?.jwk.d);
  return secrets.filter((s): s is string => s !== undefined && s !== "");
}

/** `url` with its password and known secrets hidden. */
export function redactedUrl(url: string, secrets: readonly string[]): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return redactSecrets(parsed.href, secrets);
  } catch {
    return redactSecrets(url, secrets);
  }
}

/** The server's config with every secret hidden. */
export function configSummary(server: McpServerConfig, secrets: readonly string[]): ConfigSummary {
  const common = { transport: server.type, source: server.source, enabled: server.enabled };
  if (server.type === "stdio") {
    return {
      ...common,
      command: redactSecrets(server.command, secrets),
      args: redactArgs(server.args).map((arg) => redactSecrets(arg, secrets)),
      env: Object.keys(server.env),
    };
  }
  const oauth =
    server.oauth === false
      ? false
      : Object.fromEntries(
          Object.entries(server.oauth).map(([key, value]) => [
            key,
            isSecretName(key)
              ? "***"
              : typeof value === "string"
                ? redactSecrets(value, secrets)
                : value,
          ]),
        );
  return {
    ...common,
    url: redactedUrl(server.url, secrets),
    headers: Object.keys(server.headers),
    oauth,
  };
}

/** A remote server with OAuth not off. */
export type RemoteOAuthServer = RemoteServerConfig & {
  readonly oauth: Exclude<RemoteServerConfig["oauth"], false>;
};

/** Whether `server` is remote with OAuth on. */
export function isRemoteOAuth(server: McpServerConfig): server is RemoteOAuthServer {
  return server.type !== "stdio" && server.oauth !== false;
}
