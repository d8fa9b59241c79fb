import { errorText } from "../../utils/errors.js";
import type { OpenUrlResult } from "../../utils/open-url.js";
import type { McpAuthError } from "../errors.js";
import type { AuthInteraction, BrowserState } from "./auth-store.js";
import { type AuthorizationResponse, checkState, parsePastedCallback } from "./callback-input.js";
import { McpAuthCancelledError, McpAuthDeniedError, McpAuthTimeoutError } from "./errors.js";
import type { Loopback, LoopbackOutcome } from "./loopback.js";

/** Five minutes, as the design page says. */
export const DEFAULT_AUTH_TIMEOUT_MS = 5 * 60_000;

/** Options of {@link waitForAuthorizationCode}. */
export interface AuthorizationPromptOptions {
  readonly server: string;
  readonly authorizationUrl: string;
  readonly expectedState: string;
  readonly loopback: Loopback;
  /** Only the code prompt: a device sign-in never comes here. */
  readonly interaction: Pick<AuthInteraction, "open">;
  /** Opens the browser; undefined in headless mode. */
  readonly openBrowser?: (url: string) => Promise<OpenUrlResult>;
  /** Why no browser is opened (shown to the user), when headless. */
  readonly headlessReason?: string;
  readonly sshHint?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * The authorization server promises RFC 9207 `iss`: a pasted bare code (which cannot carry
   * it) is answered in place with "paste the whole URL" instead of failing the sign-in.
   */
  readonly requireIss?: boolean;
}

function denied(server: string, outcome: { error: string; description?: string }): McpAuthError {
  return new McpAuthDeniedError(server, outcome.error, outcome.description);
}

/**
 * Shows the sign-in prompt, opens the browser (unless headless) and resolves with the first
 * valid authorization response (code and `iss`) from either the loopback callback or a paste;
 * rejects with McpAuthCancelledError (Esc), McpAuthTimeoutError, or McpAuthDeniedError.
 */
export function waitForAuthorizationCode(
  options: AuthorizationPromptOptions,
): Promise<AuthorizationResponse> {
  const { server, expectedState } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
  const stop = new AbortController();
  return new Promise<AuthorizationResponse>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: { response: AuthorizationResponse } | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      stop.abort();
      handle.close();
      if ("response" in outcome) resolve(outcome.response);
      else reject(outcome.error);
    };
    const onAbort = (): void => finish({ error: options.signal?.reason });
    const timer = setTimeout(
      () => finish({ error: new McpAuthTimeoutError(server, timeoutMs) }),
      timeoutMs,
    );
    timer.unref();

    const browser: BrowserState = options.openBrowser
      ? { kind: "opening" }
      : { kind: "off", reason: options.headlessReason ?? "no browser" };
    const handle = options.interaction.open(
      {
        server,
        url: options.authorizationUrl,
        callbackPort: options.loopback.port,
        browser,
        ...(options.sshHint !== undefined && { sshHint: options.sshHint }),
      },
      {
        onSubmit(text) {
          const pasted = parsePastedCallback(text);
          const problem = checkState(pasted, expectedState);
          if (problem !== undefined) {
            handle.update({ error: problem });
            return;
          }
          // A bare code carries neither state nor iss; a URL without iss is refused at the exchange.
          const bare = pasted.kind === "code" && pasted.state === undefined;
          if (bare && pasted.iss === undefined && options.requireIss) {
            handle.update({
              error:
                "this server signs its answers (iss): paste the whole URL the browser ended on, not only the code",
            });
            return;
          }
          if (pasted.kind === "error") finish({ error: denied(server, pasted) });
          else if (pasted.kind === "code") finish({ response: responseOf(pasted) });
        },
        onCancel() {
          finish({ error: new McpAuthCancelledError(server) });
        },
      },
    );
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });

    options.loopback
      .waitForCallback({
        expectedState,
        signal: stop.signal,
        label: server,
        onRejected: (reason) => handle.update({ error: `a callback was rejected: ${reason}` }),
      })
      .then(
        (outcome: LoopbackOutcome) => {
          if (outcome.kind === "code") finish({ response: responseOf(outcome) });
          else finish({ error: denied(server, outcome) });
        },
        () => {}, // aborted because the flow ended another way
      );

    if (options.openBrowser) {
      options.openBrowser(options.authorizationUrl).then(
        (result) => {
          if (settled) return;
          handle.update({
            browser: result.opened
              ? { kind: "opened", command: result.command }
              : { kind: "failed", reason: result.reason },
          });
        },
        (error: unknown) => {
          if (settled) return;
          const reason = errorText(error);
          handle.update({ browser: { kind: "failed", reason } });
        },
      );
    }
  });
}

function responseOf(callback: { code: string; iss?: string }): AuthorizationResponse {
  return { code: callback.code, ...(callback.iss !== undefined && { iss: callback.iss }) };
}

/** `ssh -N -L 8765:127.0.0.1:8765 user@host`: forwards the callback port from the user's laptop. */
export function sshForwardHint(port: number, env: NodeJS.ProcessEnv, hostname: string): string {
  // SSH_CONNECTION is "client_ip client_port server_ip server_port": the address the user dialled.
  const serverIp = env.SSH_CONNECTION?.trim().split(/\s+/)[2];
  const host = serverIp ?? hostname;
  const user = env.USER ?? env.LOGNAME;
  return `ssh -N -L ${port}:127.0.0.1:${port} ${user ? `${user}@` : ""}${host}`;
}
