import { createInterface } from "node:readline";
import { computeScopeUnion } from "@modelcontextprotocol/client";
import type { McpServerConfig } from "../../config/schema.js";
import { errorText, TaskFailedError, UsageError } from "../../utils/errors.js";
import type { WrenPaths } from "../../utils/paths.js";
import { connectMcpServer } from "../connect.js";
import type { AuthInteraction, BrowserState, DevicePromptInit } from "./auth-store.js";
import { describeRemaining, spacedUserCode } from "./device-text.js";
import { describeLogout } from "./logout-text.js";
import { createMcpOAuth, type McpOAuthOptions } from "./mcp-oauth.js";
import { whyNoSignIn } from "./sign-in-check.js";

/** Where `wren mcp auth` / `wren mcp logout` read and write. */
export interface AuthCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Lines pasted by the user (the callback URL or code). */
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly paths: WrenPaths;
  /** `--no-browser`. */
  readonly noBrowser?: boolean;
  readonly connectTimeoutMs?: number;
  /** `oauthStorage` from settings. */
  readonly oauthStorage?: McpOAuthOptions["oauthStorage"];
  /** Test seams. */
  readonly oauth?: Partial<
    Pick<McpOAuthOptions, "platform" | "timeoutMs" | "openUrl" | "hostname" | "deviceClock">
  >;
}

function browserText(browser: BrowserState): string {
  switch (browser.kind) {
    case "opening":
      return "Opening the browser…";
    case "opened":
      return `Opened the browser (${browser.command}); waiting for you to finish there.`;
    case "failed":
      return `Could not open a browser (${browser.reason}): open the URL above yourself.`;
    case "off":
      return `No browser here (${browser.reason}): open the URL above on a machine with a browser.`;
  }
}

/**
 * A device sign-in on a plain terminal: where to go (plain URLs, which terminals make
 * clickable themselves; the REPL's modal adds OSC 8 links, ui/ being above mcp/), the code
 * large and on a line of its own to copy, and the QR code of the complete URI. Every field was
 * made safe by devicePrompt(); Ctrl+C cancels.
 */
function printDevicePrompt(io: AuthCliIo, init: DevicePromptInit): void {
  const out = (line: string): void => void io.stdout.write(`${line}\n`);
  const bold = (text: string): string => `\u001b[1m${text}\u001b[22m`;
  out(`Sign in to ${init.server} on any device with a browser:`);
  out("");
  out(`  1. Open   ${init.verificationUri}`);
  out(`  2. Enter  ${bold(spacedUserCode(init.userCode))}`);
  out(`            (to copy: ${init.userCode})`);
  out("");
  if (init.verificationUriComplete !== undefined) {
    out(`Or scan this, or open ${init.verificationUriComplete} (the code is filled in):`);
  } else {
    out("Or scan this:");
  }
  for (const row of init.qr) out(`  ${row}`);
  out("");
  out(
    `Waiting for you to approve (the code expires in ${describeRemaining(init.expiresInMs)}). Ctrl+C cancels.`,
  );
}

/**
 * The sign-in prompt on a plain terminal: prints the URL in full, reads pasted lines from
 * stdin (callback URL, query string or code), and Ctrl+C cancels.
 */
export function createTerminalInteraction(io: AuthCliIo): AuthInteraction {
  return {
    open(init, handlers) {
      const out = (line: string): void => void io.stdout.write(`${line}\n`);
      out(`Sign in to ${init.server}. Open this URL in a browser:`);
      out("");
      out(init.url);
      out("");
      out(browserText(init.browser));
      if (init.sshHint !== undefined) {
        out(`Or forward the callback port from your machine first: ${init.sshHint}`);
      }
      out("Paste the URL the browser ends on (or the code) and press Enter. Ctrl+C cancels.");
      const lines = createInterface({ input: io.stdin, terminal: false });
      lines.on("line", (line) => {
        if (line.trim() !== "") handlers.onSubmit(line);
      });
      const cancel = (): void => handlers.onCancel();
      lines.on("SIGINT", cancel);
      process.on("SIGINT", cancel);
      let closed = false;
      return {
        update(patch) {
          if (closed) return;
          if (patch.browser && patch.browser.kind !== "opening") out(browserText(patch.browser));
          if (patch.error !== undefined) io.stderr.write(`wren: ${patch.error}\n`);
        },
        close() {
          if (closed) return;
          closed = true;
          process.off("SIGINT", cancel);
          lines.close();
        },
      };
    },
    openDevice(init, handlers) {
      printDevicePrompt(io, init);
      const cancel = (): void => handlers.onCancel();
      process.on("SIGINT", cancel);
      let closed = false;
      return {
        update(patch) {
          if (!closed && patch.note !== undefined) io.stdout.write(`${patch.note}\n`);
        },
        close() {
          if (closed) return;
          closed = true;
          process.off("SIGINT", cancel);
        },
      };
    },
  };
}

/** Wren's OAuth for a CLI command; `interactive` lets it prompt on the terminal (stdout of `io`). */
export function oauthFor(
  io: AuthCliIo,
  interactive: boolean,
  signInScope?: (server: string) => string | undefined,
  signInMethod?: (server: string) => "device" | undefined,
): ReturnType<typeof createMcpOAuth> {
  return createMcpOAuth({
    paths: io.paths,
    env: io.env,
    ...(signInScope && { signInScope }),
    ...(signInMethod && { signInMethod }),
    ...(interactive && { interaction: createTerminalInteraction(io) }),
    ...(io.noBrowser && { noBrowser: true }),
    warn: (line) => io.stderr.write(`wren: warning: ${line}\n`),
    ...(io.oauthStorage && { oauthStorage: io.oauthStorage }),
    ...io.oauth,
  });
}

/**
 * `wren mcp auth NAME [--device]` / `wren --auth-mcp NAME`: runs the sign-in on the terminal and resolves
 * only when tokens are stored; a sign-in that failed or was cancelled is a TaskFailedError, a
 * server that cannot sign in a UsageError.
 */
export async function runAuthCli(
  server: McpServerConfig,
  io: AuthCliIo,
  options: { readonly scope?: string; readonly device?: boolean } = {},
): Promise<void> {
  const problem = whyNoSignIn(server, "cli");
  if (problem !== undefined || server.type === "stdio" || server.oauth === false) {
    throw new UsageError(problem ?? `${server.name} cannot sign in`);
  }
  let requestScope: string | undefined;
  let restore: (() => Promise<void>) | undefined;
  const oauth = oauthFor(
    io,
    true,
    (name) => (name === server.name ? requestScope : undefined),
    // `--device`: the device authorization grant, or one line saying the server does not offer it.
    options.device ? (name) => (name === server.name ? "device" : undefined) : undefined,
  );
  if (options.scope !== undefined) {
    const storage = oauth.storage(server);
    const previous = (await storage.read()).tokens;
    requestScope = computeScopeUnion(previous?.scope, server.oauth.scope, options.scope);
    if (previous) {
      // Stored tokens would connect without asking anything: set them aside so the server asks
      // for a sign-in, this time with the larger scope. They come back if it fails.
      await storage.update(({ tokens: _set_aside, ...rest }) => rest);
      restore = async () => {
        await storage.update((state) => (state.tokens ? state : { ...state, tokens: previous }));
      };
    }
  }
  const connect = oauth.wrapConnect(connectMcpServer);
  try {
    const connection = await connect({
      server: { ...server, enabled: true },
      paths: io.paths,
      connectTimeoutMs: io.connectTimeoutMs ?? 30_000,
      signIn: true,
    });
    await connection.close();
  } catch (error) {
    await restore?.();
    throw new TaskFailedError(`${server.name}: ${errorText(error)}`, { cause: error });
  }
  if (!(await oauth.hasTokens(server))) {
    throw new TaskFailedError(
      `${server.name} connected without asking for a sign-in; nothing stored`,
    );
  }
  io.stdout.write(`Signed in to ${server.name}.\n`);
}

/** `wren mcp logout NAME`: revokes (RFC 7009, where supported) and deletes stored tokens. */
export async function runLogoutCli(server: McpServerConfig, io: AuthCliIo): Promise<void> {
  const problem = whyNoSignIn(server, "cli");
  if (problem !== undefined) throw new UsageError(problem);
  const result = await oauthFor(io, false).logout(server);
  io.stdout.write(`${describeLogout(server.name, result)}\n`);
}
