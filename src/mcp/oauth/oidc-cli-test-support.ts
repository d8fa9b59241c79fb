// wren's CLI against oidc-provider (mock-mcps/oidc-as.mjs), for the oidc-*.integration.test.ts
// files: one authorization server per file (more for tests that need other switches), a
// WREN_HOME per test naming it as `demo`, `wren mcp auth | call | logout` run in-process with
// captured output (the built binary for the multi-process refresh), the browser played through
// the AS's own login and consent.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, vi } from "vitest";
import { runMcpCli } from "../../cli.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import type { OAuthState } from "./oauth-state.js";
import {
  authorizeInBrowser,
  bearerInitialize,
  type OidcAs,
  startOidcAs,
} from "./oidc-test-support.js";
import { createOAuthStorage, type OAuthStorage } from "./storage.js";
import {
  type CapturedTerminal,
  capturedTerminal,
  type ProcessRun,
  runNode,
  WREN,
} from "./test-support.js";

/** What one `wren mcp` run in-process reads and writes. */
export interface CliIo extends CapturedTerminal {
  readonly paths: WrenPaths;
  readonly cwd: string;
  readonly noBrowser: true;
}

/** A result of `wren mcp` in-process. */
export interface CliResult {
  readonly code: number;
  readonly io: CliIo;
}

/** A `wren mcp auth` run (see {@link OidcTestbed.signIn}). */
export interface SignInResult extends CliResult {
  readonly authorizationUrl: URL;
  readonly callback: URL;
}

/** What a test file against oidc-provider uses (see {@link oidcTestbed}). */
export interface OidcTestbed {
  /** The file's authorization server (default switches). */
  readonly as: OidcAs;
  /** Another AS for a test that needs other switches, stopped with the file. */
  startAs(args: readonly string[]): Promise<OidcAs>;
  cliIo(paths: WrenPaths): CliIo;
  /** A WREN_HOME whose settings name `server` as `demo`. */
  homeFor(name: string, server: OidcAs): Promise<WrenPaths>;
  storageOf(paths: WrenPaths, server: OidcAs): OAuthStorage;
  /**
   * `wren mcp auth demo --no-browser`: waits for the authorization URL it prints, plays the
   * browser to the redirect, lets `tamper` change the callback (the attacker), and pastes it —
   * or, `via` "loopback", lets the browser land on wren's callback listener with it.
   */
  signIn(
    paths: WrenPaths,
    tamper?: (callback: URL) => void,
    via?: "paste" | "loopback",
  ): Promise<SignInResult>;
  /** A signed-in WREN_HOME for `server` (default: {@link as}). */
  signedIn(name: string, server?: OidcAs): Promise<WrenPaths>;
  callEcho(paths: WrenPaths, text: string): Promise<CliResult>;
  stored(paths: WrenPaths, server: OidcAs): Promise<OAuthState>;
  /** Makes wren's store say the access token expired (known), or drops its expiry (unknown). */
  expireInStore(paths: WrenPaths, server: OidcAs, expiry: "known" | "unknown"): Promise<void>;
  /** `wren mcp call demo echo` as its own process (the built binary). */
  wrenCall(paths: WrenPaths, text: string): Promise<ProcessRun>;
  /** The HTTP status of an MCP `initialize` sent straight to the resource server with `token`. */
  mcpStatusWith(server: OidcAs, token: string): Promise<number>;
  logout(paths: WrenPaths): Promise<CliResult>;
}

/** Registers the file's hooks: a temp directory and an AS before all tests, both gone after. */
export function oidcTestbed(): OidcTestbed {
  // Real servers and up to eight wren processes on a shared 2-core machine: generous limits.
  vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
  let dir = "";
  let main: OidcAs | undefined;
  const servers: OidcAs[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wren-oidc-it-"));
    main = await startOidcAs();
    servers.push(main);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  const home = (): OidcAs => {
    if (!main) throw new Error("the testbed's authorization server starts before the tests");
    return main;
  };

  async function startAs(args: readonly string[]): Promise<OidcAs> {
    const started = await startOidcAs(args);
    servers.push(started);
    return started;
  }

  function cliIo(paths: WrenPaths): CliIo {
    return { ...capturedTerminal(), paths, cwd: dir, noBrowser: true };
  }

  /** A WREN_HOME whose settings name `server` as `demo`. */
  async function homeFor(name: string, server: OidcAs): Promise<WrenPaths> {
    const paths = resolvePaths({ WREN_HOME: join(dir, name) }, dir);
    await mkdir(paths.home, { recursive: true });
    await writeFile(
      paths.userSettings,
      JSON.stringify({ mcpServers: { demo: { url: server.mcpUrl } } }),
    );
    return paths;
  }

  function storageOf(paths: WrenPaths, server: OidcAs): OAuthStorage {
    return createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "demo",
      serverUrl: server.mcpUrl,
    });
  }

  /**
   * `wren mcp auth demo --no-browser`: waits for the authorization URL it prints, plays the
   * browser to the redirect, lets `tamper` change the callback (the attacker), and pastes it —
   * or, `via` "loopback", lets the browser land on wren's callback listener with it.
   */
  async function signIn(
    paths: WrenPaths,
    tamper: (callback: URL) => void = () => {},
    via: "paste" | "loopback" = "paste",
  ): Promise<{ code: number; io: CliIo; authorizationUrl: URL; callback: URL }> {
    const io = cliIo(paths);
    const running = runMcpCli(["auth", "demo", "--no-browser"], io);
    // The first sign-in of a run loads the SDK: wait for the prompt, however long that takes.
    await expect
      .poll(() => /^http:\S+\/auth\?\S+$/m.test(io.out()), { timeout: 45_000 })
      .toBe(true);
    const authorizationUrl = new URL(/^(http:\S+\/auth\?\S+)$/m.exec(io.out())?.[1] ?? "");
    const callback = new URL(await authorizeInBrowser(authorizationUrl.href));
    tamper(callback);
    if (via === "paste") io.stdin.write(`${callback.href}\n`);
    else await (await fetch(callback)).body?.cancel();
    return { code: await running, io, authorizationUrl, callback };
  }

  async function callEcho(paths: WrenPaths, text: string): Promise<{ code: number; io: CliIo }> {
    const io = cliIo(paths);
    const code = await runMcpCli(["call", "demo", "echo", JSON.stringify({ text })], io);
    return { code, io };
  }

  async function stored(paths: WrenPaths, server: OidcAs): Promise<OAuthState> {
    return storageOf(paths, server).read();
  }

  /** A signed-in WREN_HOME for `server`. */
  async function signedIn(name: string, server: OidcAs = home()): Promise<WrenPaths> {
    const paths = await homeFor(name, server);
    const { code, io } = await signIn(paths);
    expect(code, io.err()).toBe(0);
    return paths;
  }

  /** Makes wren's store say the access token expired (known), or drops its expiry (unknown). */
  async function expireInStore(
    paths: WrenPaths,
    server: OidcAs,
    expiry: "known" | "unknown",
  ): Promise<void> {
    await storageOf(paths, server).update((state) => {
      if (!state.tokens) throw new Error("no tokens stored");
      const { expires_at: _known, ...tokens } = state.tokens;
      return {
        ...state,
        tokens: expiry === "known" ? { ...tokens, expires_at: Date.now() - 1000 } : tokens,
      };
    });
  }

  /** `wren mcp call demo echo` as its own process (the built binary). */
  function wrenCall(paths: WrenPaths, text: string): Promise<ProcessRun> {
    return runNode([WREN, "mcp", "call", "demo", "echo", JSON.stringify({ text })], {
      env: { PATH: process.env.PATH, WREN_HOME: paths.home },
      cwd: dir,
    });
  }

  /** The HTTP status of an MCP `initialize` sent straight to the resource server with `token`. */
  async function mcpStatusWith(server: OidcAs, token: string): Promise<number> {
    const response = await fetch(server.mcpUrl, bearerInitialize(token));
    await response.body?.cancel();
    return response.status;
  }

  async function logout(paths: WrenPaths): Promise<{ code: number; io: CliIo }> {
    const io = cliIo(paths);
    const code = await runMcpCli(["logout", "demo"], io);
    return { code, io };
  }

  return {
    get as() {
      return home();
    },
    startAs,
    cliIo,
    homeFor,
    storageOf,
    signIn,
    signedIn,
    callEcho,
    stored,
    expireInStore,
    wrenCall,
    mcpStatusWith,
    logout,
  };
}
