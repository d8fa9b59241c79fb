import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type CallbackResult, checkState, parseCallbackParams } from "./callback-input.js";

/** The loopback listener was asked to bind a port that another program holds. */
export class LoopbackPortBusyError extends Error {
  override readonly name = "LoopbackPortBusyError";
  readonly port: number;
  constructor(port: number, options: { cause?: unknown } = {}) {
    super(`port ${port} on 127.0.0.1 is in use`, { cause: options.cause });
    this.port = port;
  }
}

/** What arrived at `/callback` and was accepted for this flow. */
export type LoopbackOutcome =
  | { readonly kind: "code"; readonly code: string; readonly iss?: string }
  | { readonly kind: "error"; readonly error: string; readonly description?: string };

/** Options of {@link Loopback.waitForCallback}. */
export interface WaitOptions {
  readonly expectedState: string;
  readonly signal?: AbortSignal;
  /** Told about each rejected callback (wrong state, no code), for the UI. */
  readonly onRejected?: (reason: string) => void;
  /** Shown on the success page, e.g. the server name. */
  readonly label?: string;
}

/** A listener on 127.0.0.1 that serves exactly `GET /callback`. */
export interface Loopback {
  readonly port: number;
  /** `http://127.0.0.1:<port>/callback`. */
  readonly redirectUrl: string;
  /**
   * Resolves with the first callback whose `state` matches (a code, or an error such as
   * `access_denied`); rejects with the signal's reason when aborted.
   */
  waitForCallback(options: WaitOptions): Promise<LoopbackOutcome>;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";

/** A static page: escaped text, no script, nothing loaded from anywhere. */
export function callbackPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3em;">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</body></html>
`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function send(res: ServerResponse, status: number, title: string, message: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": "default-src 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    connection: "close",
  });
  res.end(callbackPage(title, message));
}

interface Waiter {
  readonly options: WaitOptions;
  readonly resolve: (outcome: LoopbackOutcome) => void;
}

/**
 * Binds 127.0.0.1 (never other interfaces) on `port` (0 = ephemeral). Rejects with
 * {@link LoopbackPortBusyError} when the port is taken.
 */
export async function startLoopback(port: number): Promise<Loopback> {
  let waiter: Waiter | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    if (req.method !== "GET" || url.pathname !== "/callback") {
      send(res, 404, "Not found", "This address only answers the sign-in callback.");
      return;
    }
    const current = waiter;
    if (!current) {
      send(res, 400, "No sign-in in progress", "wren is not waiting for a sign-in right now.");
      return;
    }
    const result: CallbackResult = parseCallbackParams(url.searchParams);
    // An error redirect must carry our state too, or any page could cancel the sign-in.
    const problem =
      result.kind !== "invalid" && result.state === undefined
        ? "the callback has no state"
        : checkState(result, current.options.expectedState);
    if (problem !== undefined) {
      send(res, 400, "Sign-in not accepted", `${problem}. Return to wren.`);
      current.options.onRejected?.(problem);
      return;
    }
    waiter = undefined;
    if (result.kind === "error") {
      send(
        res,
        200,
        "Sign-in failed",
        `${result.description ?? result.error}. You can close this tab and return to wren.`,
      );
      current.resolve({
        kind: "error",
        error: result.error,
        ...(result.description !== undefined && { description: result.description }),
      });
      return;
    }
    if (result.kind !== "code") return; // unreachable: invalid results were rejected above
    const label = current.options.label ? ` to ${current.options.label}` : "";
    send(res, 200, "Signed in", `wren is signed in${label}. You can close this tab.`);
    current.resolve({
      kind: "code",
      code: result.code,
      ...(result.iss !== undefined && { iss: result.iss }),
    });
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === "EADDRINUSE" || error.code === "EACCES"
          ? new LoopbackPortBusyError(port, { cause: error })
          : error,
      );
    };
    server.once("error", onError);
    server.listen(port, HOST, () => {
      server.off("error", onError);
      resolve();
    });
  });
  // Referenced: a CLI waiting only for the browser must not exit; closed when the flow ends.
  const bound = (server.address() as AddressInfo).port;
  let closed = false;

  return {
    port: bound,
    redirectUrl: `http://${HOST}:${bound}/callback`,
    waitForCallback(options) {
      if (waiter)
        return Promise.reject(new Error("the loopback is already waiting for a callback"));
      return new Promise<LoopbackOutcome>((resolve, reject) => {
        const { signal } = options;
        const onAbort = (): void => {
          if (waiter?.options === options) waiter = undefined;
          reject(signal?.reason);
        };
        if (signal?.aborted) {
          onAbort();
          return;
        }
        signal?.addEventListener("abort", onAbort, { once: true });
        waiter = {
          options,
          resolve: (outcome) => {
            signal?.removeEventListener("abort", onAbort);
            resolve(outcome);
          },
        };
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      waiter = undefined;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
