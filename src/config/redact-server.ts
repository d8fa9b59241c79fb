import { redactArgs, redactNamedValue, redactUrl } from "../utils/redact.js";
import type { McpServerConfig } from "./schema.js";

/**
 * The resolved config of a server with secrets redacted (by the one redactor's rules): header
 * values, secret-looking env and args (`--token=...`, `--api-key X`), clientSecret,
 * idpClientSecret, privateKey, credentials in the URL.
 */
export function redactServer(server: McpServerConfig): Record<string, unknown> {
  const common = {
    name: server.name,
    type: server.type,
    enabled: server.enabled,
    source: server.source,
    ...(server.timeout !== undefined && { timeout: server.timeout }),
    ...(server.includeTools && { includeTools: server.includeTools }),
    ...(server.excludeTools && { excludeTools: server.excludeTools }),
  };
  if (server.type === "stdio") {
    return {
      ...common,
      command: server.command,
      args: redactArgs(server.args),
      env: Object.fromEntries(
        Object.entries(server.env).map(([k, v]) => [k, redactNamedValue(k, v)]),
      ),
      ...(server.cwd !== undefined && { cwd: server.cwd }),
    };
  }
  return {
    ...common,
    url: redactUrl(server.url),
    headers: Object.fromEntries(Object.keys(server.headers).map((k) => [k, "***"])),
    oauth:
      server.oauth === false
        ? false
        : {
            ...server.oauth,
            ...(server.oauth.clientSecret !== undefined && { clientSecret: "***" }),
            // The identity provider's secret and an inline PEM key are secrets too.
            ...(server.oauth.idpClientSecret !== undefined && { idpClientSecret: "***" }),
            ...(server.oauth.privateKey !== undefined && { privateKey: "***" }),
          },
  };
}
