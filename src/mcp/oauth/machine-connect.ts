// Connecting to a server with a grant where nobody signs in (client_credentials, jwt_bearer,
// enterprise; grants/): the SDK's provider with tokens in memory, never a prompt, and every
// failure said as one line naming the credentials, never as "needs sign-in".
import { type FetchLike, OAuthError } from "@modelcontextprotocol/client";
import type { RemoteServerConfig } from "../../config/schema.js";
import type { WrenPaths } from "../../utils/paths.js";
import type { ConnectFn, McpConnection } from "../connect.js";
import { McpConnectionError, McpNeedsAuthError } from "../errors.js";
import { guardedConnection } from "../guarded-connection.js";
import { errorIn } from "./errors.js";
import { machineProvider } from "./grants/machine.js";
import { sameUrl } from "./issuer.js";
import { insecureAuthServer } from "./secure-url.js";

/** A remote server with OAuth not disabled. */
export type OAuthServerConfig = RemoteServerConfig & {
  readonly oauth: Exclude<RemoteServerConfig["oauth"], false>;
};

/** What a machine-grant connect needs from the app's OAuth. */
export interface MachineConnectOptions {
  readonly paths: WrenPaths;
  readonly env: NodeJS.ProcessEnv;
  readonly fetch?: FetchLike;
  /** The app's error surfacing (secrets removed), applied to every failure. */
  readonly surface: (server: OAuthServerConfig, thrown: unknown) => unknown;
}

/**
 * A machine-grant failure as one line: the authorization server's refusal, or a 401 for
 * the token it issued. There is nobody to sign in, so never "needs sign-in".
 */
function credentialsRefused(
  name: string,
  error: unknown,
  credentials = "client credentials",
): unknown {
  const oauthError = errorIn(error, OAuthError);
  if (oauthError) {
    const detail = oauthError.message ? `: ${oauthError.message}` : "";
    return new McpConnectionError(
      name,
      "auth",
      `${credentials} refused (${oauthError.code}${detail})`,
      { cause: error },
    );
  }
  if (error instanceof McpNeedsAuthError) {
    return new McpConnectionError(name, "auth", `HTTP 401 with the token from the ${credentials}`, {
      cause: error,
    });
  }
  return error;
}

/** Connects `server` with its machine grant's provider (see the file's header). */
export async function connectWithMachineGrant(
  connect: ConnectFn,
  connectOptions: Parameters<ConnectFn>[0],
  server: OAuthServerConfig,
  options: MachineConnectOptions,
): Promise<McpConnection> {
  // Unreadable or unusable key: already one line of kind `auth`.
  const machine = await machineProvider(
    server.name,
    server.oauth,
    options.paths,
    options.env,
    // A grant (and any client secret) never travels over plain http to another host.
    (state) => insecureAuthServer(server.name, state),
    options.fetch,
  ).catch((error: unknown) => Promise.reject(options.surface(server, error)));
  const failed = (error: unknown): unknown => {
    const advertised = machine.advertisedIssuer();
    const issuer = server.oauth.issuer ?? "";
    if (advertised !== undefined && !sameUrl(advertised, issuer)) {
      return new McpConnectionError(
        server.name,
        "auth",
        `the server sends sign-ins to ${advertised}, not to oauth.issuer ${issuer}: the ${machine.credentials} ${machine.credentials.endsWith("s") ? "were" : "was"} not sent`,
        { cause: error },
      );
    }
    return options.surface(server, credentialsRefused(server.name, error, machine.credentials));
  };
  const connection = await connect({
    ...connectOptions,
    authProvider: machine,
    // jwt_bearer watches its token requests (a refused JWT is not sent again).
    ...(machine.wrapFetch && { fetch: machine.wrapFetch(connectOptions.fetch ?? fetch) }),
  }).catch((error: unknown) => Promise.reject(failed(error)));
  return guardedConnection(connection, {
    run: (request) => request().catch((e: unknown) => Promise.reject(failed(e))),
    auth: () => (machine.tokens() ? "oauth" : undefined),
  });
}
