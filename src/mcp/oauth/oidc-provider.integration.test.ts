// Black-box checks of wren's OAuth against a real, certified authorization server
// (oidc-provider 9.x, mock-mcps/oidc-as.mjs) protecting an MCP server on another origin. wren
// runs through its CLI entry points (`wren mcp auth`, `call`, `logout`; the built binary for the
// multi-process refresh); the test plays the browser through the AS's own login and consent.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runMcpCli } from "../../cli.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import type { OAuthState } from "./oauth-state.js";
import {
  authorizeInBrowser,
  bearerInitialize,
  type OidcAs,
  startOidcAs,
} from "./oidc-test-support.js";
import { createOAuthStorage } from "./storage.js";
import { WREN } from "./test-support.js";

// Real servers and up to eight wren processes on a shared 2-core machine: generous limits.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let dir: string;
let as: OidcAs;
const servers: OidcAs[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-oidc-it-"));
  as = await startOidcAs();
  servers.push(as);
});

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
  await expect.poll(() => /^http:\S+\/auth\?\S+$/m.test(io.out()), { timeout: 45_000 }).toBe(true);
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

  it("oidc-provider offers DPoP: the tokens are bound to wren's key, and useless as Bearer", async () => {
    const paths = await homeFor("signin-dpop", as);
    const before = await as.stats();
    const { code, io } = await signIn(paths);
    expect(code, io.err()).toBe(0);
    const state = await stored(paths, as);
    expect(state.tokens?.token_type).toBe("DPoP");
    expect(state.dpopKey).toBeDefined();
    const call = await callEcho(paths, "bound");
    expect(call.code, call.io.err()).toBe(0);
    const after = await as.stats();
    expect(after.mcpDpop - before.mcpDpop).toBeGreaterThan(0);
    expect(after.mcpDpopRefused).toBe(before.mcpDpopRefused);
    // The attacker holds the access token (a log, a proxy) but not the key.
    expect(await mcpStatusWith(as, state.tokens?.access_token ?? "")).toBe(401);
  });

  it("without DPoP at the authorization server, wren signs in with Bearer tokens", async () => {
    const bearerAs = await startAs(["--no-dpop"]);
    const paths = await homeFor("signin-bearer", bearerAs);
    const { code, io } = await signIn(paths);
    expect(code, io.err()).toBe(0);
    const state = await stored(paths, bearerAs);
    expect(state.tokens?.token_type.toLowerCase()).toBe("bearer");
    expect(state.dpopKey).toBeUndefined();
    const call = await callEcho(paths, "bearer");
    expect(call.code, call.io.err()).toBe(0);
  });

  it("the browser landing on wren's loopback listener signs in as well", async () => {
    const paths = await homeFor("signin-loopback", as);
    const { code, io } = await signIn(paths, () => {}, "loopback");
    expect(code, io.err()).toBe(0);
    expect((await stored(paths, as)).tokens?.refresh_token).toBeDefined();
  });
});

/** A signed-in WREN_HOME for `server`. */
async function signedIn(name: string, server: OidcAs = as): Promise<WrenPaths> {
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

describe("refresh when the access token expires", () => {
  it("wren still thinks it valid: the resource server's 401 leads to one refresh, the call works", async () => {
    const paths = await signedIn("refresh-401");
    const old = (await stored(paths, as)).tokens;
    // Past the access token's lifetime at the AS (and its resource server); wren's clock is not moved.
    await as.advanceClock(3700);
    expect(await as.isActive(old?.access_token ?? "")).toBe(false);
    const before = await as.stats();
    const call = await callEcho(paths, "after expiry");
    expect(call.code, call.io.err()).toBe(0);
    expect(call.io.out()).toContain("after expiry");
    const after = await as.stats();
    expect(after.tokenRefresh - before.tokenRefresh).toBe(1);
    expect(after.refreshErrors - before.refreshErrors).toBe(0);
    expect(after.mcpUnauthorized - before.mcpUnauthorized).toBeGreaterThan(0);
    expect(after.authorize).toBe(before.authorize);
    const fresh = (await stored(paths, as)).tokens;
    expect(fresh?.access_token).not.toBe(old?.access_token);
    // Rotating refresh tokens: the new one is stored, the old one is spent.
    expect(fresh?.refresh_token).not.toBe(old?.refresh_token);
    expect(await as.isActive(fresh?.access_token ?? "")).toBe(true);
  });

  it("wren knows the expiry: it refreshes before the request, the server never says 401", async () => {
    const paths = await signedIn("refresh-known");
    await as.advanceClock(3700);
    await expireInStore(paths, as, "known");
    const before = await as.stats();
    const call = await callEcho(paths, "silent refresh");
    expect(call.code, call.io.err()).toBe(0);
    const after = await as.stats();
    expect(after.tokenRefresh - before.tokenRefresh).toBe(1);
    expect(after.mcpUnauthorized - before.mcpUnauthorized).toBe(0);
  });
});

const PROCESSES = 8;

/** `wren mcp call demo echo` as its own process (the built binary). */
function wrenCall(
  paths: WrenPaths,
  text: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [WREN, "mcp", "call", "demo", "echo", JSON.stringify({ text })],
      {
        env: { PATH: process.env.PATH, WREN_HOME: paths.home },
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe(`rotation across ${PROCESSES} wren processes`, () => {
  for (const expiry of ["known", "unknown"] as const) {
    it(`all succeed, each refresh token presented once, no new sign-in (expiry ${expiry})`, async () => {
      const paths = await signedIn(`rotation-${expiry}`);
      await as.advanceClock(3700);
      await expireInStore(paths, as, expiry);
      const before = await as.stats();
      const results = await Promise.all(
        Array.from({ length: PROCESSES }, (_, i) => wrenCall(paths, `process ${i}`)),
      );
      results.forEach((result, i) => {
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(`process ${i}`);
      });
      const after = await as.stats();
      expect(after.tokenRefresh - before.tokenRefresh).toBe(1);
      expect(after.maxRefreshPresentations).toBe(1);
      expect(after.refreshReuse).toBe(0);
      expect(after.revokedGrants).toBe(before.revokedGrants);
      expect(after.authorize).toBe(before.authorize);
      expect(after.tokenAuthorizationCode).toBe(before.tokenAuthorizationCode);
    }, 180_000);
  }
});

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

describe("wren mcp logout revokes at the authorization server", () => {
  it("opaque tokens: the refresh token and the grant are revoked, the access token too", async () => {
    const paths = await signedIn("logout-opaque");
    const tokens = (await stored(paths, as)).tokens;
    const before = await as.stats();
    const { code, io } = await logout(paths);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toBe("demo: signed out (revoked at the server; tokens deleted here)\n");
    const after = await as.stats();
    expect(after.revocations - before.revocations).toBe(2);
    expect(after.revocationErrors).toBe(before.revocationErrors);
    expect(after.revokedGrants - before.revokedGrants).toBeGreaterThan(0);
    expect(await as.isActive(tokens?.refresh_token ?? "")).toBe(false);
    expect(await as.isActive(tokens?.access_token ?? "")).toBe(false);
    expect(await mcpStatusWith(as, tokens?.access_token ?? "")).toBe(401);
    expect((await stored(paths, as)).tokens).toBeUndefined();
  });

  it("JWT access tokens: unsupported_token_type for the access token is done, not a failure", async () => {
    // Bearer tokens: the case where a token that outlives the logout matters most.
    const jwtAs = await startAs(["--jwt-access-tokens", "--no-dpop"]);
    const paths = await signedIn("logout-jwt", jwtAs);
    const tokens = (await stored(paths, jwtAs)).tokens;
    expect(tokens?.access_token.split(".")).toHaveLength(3);
    const before = await jwtAs.stats();
    const { code, io } = await logout(paths);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toBe(
      "demo: signed out (revoked at the server, but the access token cannot be revoked and stays valid until it expires; tokens deleted here)\n",
    );
    const after = await jwtAs.stats();
    // The refresh token (and with it the grant) revoked; the JWT refused as unsupported_token_type.
    expect(after.revocations - before.revocations).toBe(1);
    expect(after.revocationErrors - before.revocationErrors).toBe(1);
    expect(after.revokedGrants - before.revokedGrants).toBeGreaterThan(0);
    expect(await jwtAs.isActive(tokens?.refresh_token ?? "")).toBe(false);
    expect((await stored(paths, jwtAs)).tokens).toBeUndefined();
    // What the message says: the resource server still accepts the JWT until it expires.
    expect(await mcpStatusWith(jwtAs, tokens?.access_token ?? "")).toBe(200);
  });
});

describe("mix-up defences (RFC 9207 iss, RFC 8414 issuer)", () => {
  const ATTACKER = "http://127.0.0.1:9/attacker-issuer";

  /** Asserts a refused sign-in: exit 1, one line naming both issuers, the code never exchanged. */
  async function expectRefused(
    result: { code: number; io: CliIo },
    paths: WrenPaths,
    server: OidcAs,
    exchangesBefore: number,
    pattern: RegExp,
  ): Promise<string> {
    expect(result.code).toBe(1);
    const lines = result.io.err().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? "";
    expect(line).toMatch(pattern);
    expect(line).toContain(JSON.stringify(server.issuer));
    expect((await server.stats()).tokenAuthorizationCode).toBe(exchangesBefore);
    expect((await stored(paths, server)).tokens).toBeUndefined();
    return line;
  }

  it("a pasted callback whose iss names another issuer is refused", async () => {
    const paths = await homeFor("iss-wrong-paste", as);
    const before = (await as.stats()).tokenAuthorizationCode;
    const result = await signIn(paths, (callback) => {
      callback.searchParams.set("iss", ATTACKER);
    });
    const line = await expectRefused(result, paths, as, before, /names issuer .* not /);
    expect(line).toContain(JSON.stringify(ATTACKER));
  });

  it("a callback with another issuer's iss reaching the loopback is refused the same way", async () => {
    const paths = await homeFor("iss-wrong-loopback", as);
    const before = (await as.stats()).tokenAuthorizationCode;
    const result = await signIn(
      paths,
      (callback) => {
        callback.searchParams.set("iss", ATTACKER);
      },
      "loopback",
    );
    await expectRefused(result, paths, as, before, /names issuer .* not /);
  });

  it("a callback without iss is refused when the server advertises it", async () => {
    const paths = await homeFor("iss-missing", as);
    const before = (await as.stats()).tokenAuthorizationCode;
    const result = await signIn(paths, (callback) => {
      callback.searchParams.delete("iss");
    });
    await expectRefused(result, paths, as, before, /carries no issuer/);
  });

  it("metadata whose issuer is not the URL it was discovered at is refused before anything is sent", async () => {
    const lying = await startAs(["--issuer", ATTACKER]);
    const paths = await homeFor("issuer-mismatch", lying);
    const io = cliIo(paths);
    const code = await runMcpCli(["auth", "demo", "--no-browser"], io);
    expect(code).toBe(1);
    const lines = io.err().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(JSON.stringify(ATTACKER));
    expect(lines[0]).toContain(JSON.stringify(lying.issuer));
    expect(io.out()).not.toContain("/auth?");
    const stats = await lying.stats();
    expect(stats.registrations).toBe(0);
    expect(stats.authorize).toBe(0);
  });
});

describe("servers without iss or revocation", () => {
  it("signs in without iss when none is advertised; logout says nothing could be revoked", async () => {
    const legacy = await startAs(["--no-iss", "--no-revocation"]);
    const paths = await homeFor("no-iss", legacy);
    const { code, io, callback } = await signIn(paths);
    expect(code, io.err()).toBe(0);
    expect(callback.searchParams.has("iss")).toBe(false);
    const out = await logout(paths);
    expect(out.io.out()).toBe(
      "demo: signed out (the server offers no revocation; tokens deleted here)\n",
    );
  });
});

describe("OpenID Connect discovery only", () => {
  it("signs in through /.well-known/openid-configuration; logout finds its revocation_endpoint", async () => {
    const oidc = await startAs(["--oidc-only", "--issuer-path", "/realms/wren"]);
    const rfc8414 = await fetch(
      `${oidc.origin}/.well-known/oauth-authorization-server/realms/wren`,
    );
    expect(rfc8414.status).toBe(404);
    await rfc8414.body?.cancel();
    const paths = await signedIn("oidc-only", oidc);
    const state = await stored(paths, oidc);
    expect(state.issuer).toBe(oidc.issuer);
    // Kept whole: the SDK's OIDC schema drops revocation_endpoint; the served document has it.
    expect(state.discovery?.authorizationServerMetadata).toMatchObject({
      issuer: oidc.issuer,
      revocation_endpoint: `${oidc.issuer}/token/revocation`,
    });
    const call = await callEcho(paths, "via oidc discovery");
    expect(call.code, call.io.err()).toBe(0);

    const refresh = state.tokens?.refresh_token ?? "";
    const before = await oidc.stats();
    const out = await logout(paths);
    expect(out.io.out()).toBe("demo: signed out (revoked at the server; tokens deleted here)\n");
    expect((await oidc.stats()).revocations - before.revocations).toBe(2);
    expect(await oidc.isActive(refresh)).toBe(false);
  });
});
