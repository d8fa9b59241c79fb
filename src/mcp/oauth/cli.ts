import { createInterface } from "node:readline";
import { computeScopeUnion } from "@modelcontextprotocol/client";
import type { McpServerConfig } from "../../config/schema.js";
import { errorText, TaskFailedError, UsageError } from "../../utils/errors.js";
import type { WrenPaths } from "../../utils/paths.js";
import { connectMcpServer } from "../connect.js";
import type { AuthInteraction, BrowserState } from "./auth-store.js";
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
    Pick<McpOAuthOptions, "platform" | "timeoutMs" | "openUrl" | "hostname">
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
  };
}

/** Wren's OAuth for a CLI command; `interactive` lets it prompt on the terminal (stdout of `io`). */
export function oauthFor(
  io: AuthCliIo,
  interactive: boolean,
  signInScope?: (server: string) => string | undefined,
): ReturnType<typeof createMcpOAuth> {
  return createMcpOAuth({
    paths: io.paths,
    env: io.env,
    ...(signInScope && { signInScope }),
    ...(interactive && { interaction: createTerminalInteraction(io) }),
    ...(io.noBrowser && { noBrowser: true }),
    warn: (line) => io.stderr.write(`wren: warning: ${line}\n`),
    ...(io.oauthStorage && { oauthStorage: io.oauthStorage }),
    ...io.oauth,
  });
}

/**
 * `wren mcp auth NAME` / `wren --auth-mcp NAME`: runs the sign-in on the terminal and resolves
 * only when tokens are stored; a sign-in that failed or was cancelled is a TaskFailedError, a
 * server that cannot sign in a UsageError.
 */
export async function runAuthCli(
  server: McpServerConfig,
  io: AuthCliIo,
  options: { readonly scope?: string } = {},
): Promise<void> {
  const problem = whyNoSignIn(server, "cli");
  if (problem !== undefined || server.type === "stdio" || server.oauth === false) {
    throw new UsageError(problem ?? `${server.name} cannot sign in`);
  }
  let requestScope: string | undefined;
  let restore: (() => Promise<void>) | undefined;
  const oauth = oauthFor(io, true, (name) => (name === server.name ? requestScope : undefined));
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
