import { hostname as osHostname } from "node:os";
import type { FetchLike } from "@modelcontextprotocol/client";
import type { McpServerConfig, RemoteServerConfig } from "../../config/schema.js";
import {
  headlessReason,
  type OpenUrlOptions,
  type OpenUrlResult,
  openUrl,
} from "../../utils/open-url.js";
import type { WrenPaths } from "../../utils/paths.js";
import { redactSecrets } from "../../utils/redact.js";
import type { ConnectFn, McpConnection } from "../connect.js";
import { McpAuthError, McpConnectionError, McpNeedsAuthError } from "../errors.js";
import { guardedConnection } from "../guarded-connection.js";
import { withAuthRetry } from "./auth-retry.js";
import type { AuthInteraction } from "./auth-store.js";
import { presentable, storedClient } from "./client-identity.js";
import { withOAuthDebugLog } from "./debug-log.js";
import type { DeviceClock } from "./device-flow.js";
import { errorIn } from "./errors.js";
import { sshForwardHint } from "./flow.js";
import { usesMachineGrant } from "./grants/machine.js";
import { issuerRefusal } from "./issuer.js";
import { createSecretVault, type Keychain, type OAuthStorageSetting } from "./keychain.js";
import type { LockHolder } from "./lock.js";
import type { Loopback } from "./loopback.js";
// Machine grants (client_credentials, jwt_bearer, enterprise) share one connect path.
import { connectWithMachineGrant, type OAuthServerConfig } from "./machine-connect.js";
import { type SignInOptions, WrenOAuthProvider } from "./provider.js";
import { type RevocationResult, revokeTokens } from "./revoke.js";
import { createOAuthStorage, type OAuthStorage } from "./storage.js";

/** What wren's OAuth needs from the app. */
export interface McpOAuthOptions {
  readonly paths: WrenPaths;
  /** Shows sign-in prompts (the REPL's auth store, the CLI's terminal prompt); absent in print mode. */
  readonly interaction?: AuthInteraction;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  /** `--no-browser`. */
  readonly noBrowser?: boolean;
  readonly fetch?: FetchLike;
  /** How long a sign-in prompt waits; default 5 minutes. */
  readonly timeoutMs?: number;
  readonly openUrl?: (url: string, options: OpenUrlOptions) => Promise<OpenUrlResult>;
  /** Binds the callback listener (tests). */
  readonly startLoopback?: (port: number) => Promise<Loopback>;
  /** Diagnostics, never secrets. */
  readonly log?: (line: string) => void;
  /** A warning for the user (a corrupt state file was set aside). */
  readonly warn?: (line: string) => void;
  readonly clientVersion?: string;
  readonly hostname?: string;
  /** The scope a sign-in to a server asks for, instead of discovery's (`mcp auth --scope`). */
  readonly signInScope?: (server: string) => string | undefined;
  /** The clock token expiry is judged by (tests move it instead of waiting). */
  readonly now?: () => number;
  /** `wren mcp auth NAME --device`: the sign-in method for a server, over its `oauth.method`. */
  readonly signInMethod?: (server: string) => "device" | "browser" | undefined;
  /** The clock device sign-ins poll by (tests move it instead of waiting). */
  readonly deviceClock?: DeviceClock;
  /** `oauthStorage` from settings: where secrets go; absent = the OS keychain when reachable. */
  readonly oauthStorage?: OAuthStorageSetting;
  /** Opens the OS credential store (tests pass an in-memory one). */
  readonly openKeychain?: () => Promise<Keychain>;
  /** The one line saying where OAuth secrets are kept (keychain or file), once per app. */
  readonly notice?: (line: string) => void;
}

/** What `logout` did. */
export interface LogoutResult {
  /** Whether there were stored credentials to forget. */
  readonly hadTokens: boolean;
  readonly revocation: RevocationResult;
}

/** wren's OAuth for MCP servers: one per app (REPL, CLI command, conformance adapter). */
export interface McpOAuth {
  /**
   * Wraps a ConnectFn (what the app passes as the manager's `connect`) so remote servers get
   * wren's provider: stored tokens, silent refresh, withAuthRetry on connect and on every call.
   * A connect never starts a sign-in unless its options ask (`signIn: true`, from `.mcp auth`
   * or `wren mcp auth`); then a failed sign-in rejects with its McpAuthError (cancelled,
   * denied, timed out, port busy). Later 401s on a live connection ask, when an interaction exists.
   */
  wrapConnect(connect: ConnectFn): ConnectFn;
  /** Revokes (RFC 7009, when advertised) and deletes the stored tokens of `server`. */
  logout(server: McpServerConfig): Promise<LogoutResult>;
  /** Whether tokens are stored for `server` (without refreshing or any network). */
  hasTokens(server: McpServerConfig): Promise<boolean>;
  /** The stored OAuth state of a remote server, with this app's secret store (keychain or file). */
  storage(server: RemoteServerConfig): OAuthStorage;
}

function isOAuthServer(server: McpServerConfig): server is OAuthServerConfig {
  return server.type !== "stdio" && server.oauth !== false;
}

/** Creates wren's OAuth for one app. */
export function createMcpOAuth(given: McpOAuthOptions): McpOAuth {
  // WREN_DEBUG=oauth: its fetch and diagnostics also go to logs/oauth.log.
  const options = withOAuthDebugLog(given);
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const browserEnv = { env, platform, ...(options.noBrowser && { noBrowserFlag: true }) };
  const open = options.openUrl ?? openUrl;

  // One per app: where secrets go is decided (and said) once, and the keychain read cache is
  // shared by every storage below.
  const vault = createSecretVault({
    ...(options.oauthStorage && { setting: options.oauthStorage }),
    ...(options.openKeychain && { openKeychain: options.openKeychain }),
    ...(options.log && { log: options.log }),
    ...(options.notice && { notice: options.notice }),
    ...(options.warn && { warn: options.warn }),
  });

  function storageFor(server: RemoteServerConfig): OAuthStorage {
    return createOAuthStorage({
      dir: options.paths.mcpOAuthDir,
      serverName: server.name,
      serverUrl: server.url,
      vault,
      ...(options.warn && { onWarning: options.warn }),
      ...(options.now && { now: options.now }),
      ...(options.log && {
        onLockWait: (holder: LockHolder) =>
          options.log?.(
            `${server.name}: waiting for the OAuth lock held by pid ${holder.pid ?? "?"} (${holder.alive === false ? "not running" : "running"})`,
          ),
      }),
    });
  }

  function signInOptions(
    server: string,
    signal: AbortSignal | undefined,
  ): SignInOptions | undefined {
    const interaction = options.interaction;
    if (!interaction) return undefined;
    const headless = headlessReason(browserEnv);
    const host = options.hostname ?? osHostname();
    const method = options.signInMethod?.(server);
    return {
      interaction,
      ...(method !== undefined && { method }),
      ...(options.deviceClock && { deviceClock: options.deviceClock }),
      ...(headless === undefined
        ? { openBrowser: (url: string) => open(url, browserEnv) }
        : { headlessReason: headless }),
      sshHint: (port) => sshForwardHint(port, env, host),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.startLoopback && { startLoopback: options.startLoopback }),
      ...(signal && { signal }),
    };
  }

  /**
   * Errors leave here as the manager expects them, with any secret removed: a sign-in the
   * connect was asked for fails with its McpAuthError, any other sign-in trouble is "needs sign-in".
   */
  function surface(server: OAuthServerConfig, thrown: unknown, signingIn = false): unknown {
    // A sign-in failure raised inside the SDK's auth() reaches us wrapped by connect's mapping.
    const refusal = issuerRefusal(server.name, thrown);
    if (refusal) options.log?.(`${server.name}: ${refusal.message}`);
    const error = refusal ?? errorIn(thrown, McpAuthError) ?? thrown;
    if (error instanceof McpAuthError) {
      return signingIn ? error : new McpNeedsAuthError(server.name, { cause: error });
    }
    if (error instanceof McpConnectionError) {
      const { clientSecret, privateKey, idpClientSecret } = server.oauth;
      const secrets = [clientSecret, privateKey, idpClientSecret, ...Object.values(server.headers)];
      const clean = redactSecrets(error.message, secrets);
      if (clean !== error.message) {
        return new McpConnectionError(error.server, error.kind, clean, {
          ...(error.status !== undefined && { status: error.status }),
        });
      }
    }
    return error;
  }

  /**
   * `goLive` allows sign-ins on the connection; it runs at the first call, or once the tools
   * listing that completes a connect is over, so a background connect never prompts.
   */
  function wrapConnection(
    server: OAuthServerConfig,
    connection: McpConnection,
    provider: WrenOAuthProvider,
    goLive: () => void,
  ): McpConnection {
    const retrying = async <T>(operation: () => Promise<T>): Promise<T> => {
      try {
        return await withAuthRetry(operation, {
          provider,
          finishAuth: (response) => provider.finishAuth(response),
        });
      } catch (error) {
        throw surface(server, error);
      }
    };
    return guardedConnection(connection, {
      async run(request, kind) {
        if (kind === "callTool") goLive();
        try {
          return await retrying(request);
        } finally {
          if (kind === "listTools") goLive();
        }
      },
      auth: () => (provider.usedTokens ? "oauth" : undefined),
      async close() {
        await provider.close();
        await connection.close();
      },
    });
  }

  return {
    wrapConnect(connect) {
      return async (connectOptions) => {
        const server = connectOptions.server;
        const signInNow = connectOptions.signIn === true;
        if (signInNow && !options.interaction) {
          throw new McpAuthError(
            server.name,
            `no sign-in prompt here: run wren mcp auth ${server.name}`,
          );
        }
        if (!isOAuthServer(server)) return connect(connectOptions);
        if (usesMachineGrant(server.oauth)) {
          return connectWithMachineGrant(connect, connectOptions, server, {
            paths: options.paths,
            env,
            ...(options.fetch && { fetch: options.fetch }),
            surface,
          });
        }
        const requestScope = options.signInScope?.(server.name);
        const provider = new WrenOAuthProvider({
          server: { name: server.name, url: server.url, oauth: server.oauth },
          storage: storageFor(server),
          signIn: signInNow ? signInOptions(server.name, connectOptions.signal) : undefined,
          ...((connectOptions.fetch ?? options.fetch) && {
            fetch: connectOptions.fetch ?? options.fetch,
          }),
          ...(options.clientVersion !== undefined && { clientVersion: options.clientVersion }),
          ...(options.log && { log: options.log }),
          ...(requestScope !== undefined && { requestScope }),
          ...(options.now && { now: options.now }),
        });
        const withProvider = { ...connectOptions, authProvider: provider, fetch: provider.fetch };
        let connection: McpConnection;
        try {
          connection = await withAuthRetry(() => connect(withProvider), {
            provider,
            finishAuth: (response) => provider.finishAuth(response),
            // A fresh transport+client pair with the saved tokens; it must not prompt again.
            retry: () => {
              provider.setSignIn(undefined);
              return connect(withProvider);
            },
          });
        } catch (error) {
          await provider.close();
          throw surface(server, error, signInNow);
        }
        // Live connection: a later 401 may ask the user again, if someone can answer. Not
        // yet for the tools listing that completes a connect nobody asked to sign in: a 401
        // there means "needs sign-in", as it does for the connect itself.
        let live = false;
        const goLive = (): void => {
          if (live) return;
          live = true;
          provider.setSignIn(signInOptions(server.name, undefined));
        };
        if (signInNow) goLive();
        return wrapConnection(server, connection, provider, goLive);
      };
    },

    async logout(server) {
      if (!isOAuthServer(server)) return { hadTokens: false, revocation: { kind: "nothing" } };
      const storage = storageFor(server);
      const state = await storage.read();
      // The client the tokens were issued to (the identity chain may have chosen any).
      const stored = storedClient(state, server.oauth);
      const client = stored && presentable(stored, server.oauth);
      const revocation = await revokeTokens(state, client, options.fetch ?? fetch);
      await storage.update((current) => {
        // The DPoP key goes with the tokens bound to it.
        const { tokens: _tokens, dpopKey: _key, ...rest } = current;
        return rest;
      });
      return { hadTokens: state.tokens !== undefined, revocation };
    },

    async hasTokens(server) {
      if (!isOAuthServer(server)) return false;
      return (await storageFor(server).read()).tokens !== undefined;
    },

    storage: storageFor,
  };
}
