// Black-box checks of wren's OAuth against a real, certified authorization server
// (oidc-provider 9.x, mock-mcps/oidc-as.mjs) protecting an MCP server on another origin. wren
// runs through its CLI entry points (`wren mcp auth`, `call`, `logout`; the built binary for the
// multi-process refresh); the test plays the browser through the AS's own login and consent.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { runMcpCli } from "../cli.js";
import { authorizeInBrowser, type OidcAs, startOidcAs } from "./oidc-test-support.js";
import { createOAuthStorage, type OAuthState } from "./storage.js";
import { WREN } from "./test-support.js";

let dir: string;
let as: OidcAs;
const servers: OidcAs[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-oidc-it-"));
  as = await startOidcAs();
  servers.push(as);
}, 30_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

/** Another AS for a test that needs other switches. */
async function startAs(args: readonly string[]): Promise<OidcAs> {
  const started = await startOidcAs(args);
  servers.push(started);
  return started;
}

interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdin: PassThrough;
  readonly env: NodeJS.ProcessEnv;
  readonly paths: WrenPaths;
  readonly cwd: string;
  readonly noBrowser: true;
  out(): string;
  err(): string;
}

function cliIo(paths: WrenPaths): CliIo {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    stdin: new PassThrough(),
    env: { PATH: process.env.PATH },
    paths,
    cwd: dir,
    noBrowser: true,
    out: () => out,
    err: () => err,
  };
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

function storageOf(paths: WrenPaths, server: OidcAs) {
  return createOAuthStorage({
    dir: paths.mcpOAuthDir,
    serverName: "demo",
    serverUrl: server.mcpUrl,
  });
}

/**
 * `wren mcp auth demo --no-browser`: waits for the authorization URL it prints, plays the
 * browser to the redirect, lets `tamper` change the callback (the attacker), and pastes it.
 */
async function signIn(
  paths: WrenPaths,
  tamper: (callback: URL) => void = () => {},
): Promise<{ code: number; io: CliIo; authorizationUrl: URL; callback: URL }> {
  const io = cliIo(paths);
  const running = runMcpCli(["auth", "demo", "--no-browser"], io);
  // The first sign-in of a run loads the SDK: wait for the prompt, however long that takes.
  await expect.poll(() => /^http:\S+\/auth\?\S+$/m.test(io.out()), { timeout: 20_000 }).toBe(true);
  const authorizationUrl = new URL(/^(http:\S+\/auth\?\S+)$/m.exec(io.out())?.[1] ?? "");
  const callback = new URL(await authorizeInBrowser(authorizationUrl.href));
  tamper(callback);
  io.stdin.write(`${callback.href}\n`);
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

describe("sign-in against oidc-provider", () => {
  it("code + PKCE + resource indicator; tokens stored under the issuer; a tool call works", async () => {
    const paths = await homeFor("signin", as);
    const before = await as.stats();
    const { code, io, authorizationUrl, callback } = await signIn(paths);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toContain("Signed in to demo.");
    expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizationUrl.searchParams.get("resource")).toBe(as.mcpUrl);
    expect(callback.searchParams.get("iss")).toBe(as.issuer);

    const state = await stored(paths, as);
    expect(state.issuer).toBe(as.issuer);
    expect(state.tokens?.refresh_token).toBeDefined();
    expect(await as.isActive(state.tokens?.access_token ?? "")).toBe(true);
    const after = await as.stats();
    expect(after.registrations - before.registrations).toBe(1);
    expect(after.tokenAuthorizationCode - before.tokenAuthorizationCode).toBe(1);

    const call = await callEcho(paths, "hello oidc");
    expect(call.code, call.io.err()).toBe(0);
    expect(call.io.out()).toContain("hello oidc");
  });
});
