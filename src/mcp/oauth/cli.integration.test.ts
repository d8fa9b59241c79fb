import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMcpCli } from "../../cli.js";
import type { RemoteServerConfig } from "../../config/schema.js";
import { UsageError } from "../../utils/errors.js";
import { resolvePaths } from "../../utils/paths.js";
import { type AuthCliIo, runAuthCli, runLogoutCli } from "./cli.js";
import { FAKE_BROWSER, type OAuthMock, startOAuthMock, WREN } from "./test-support.js";

let mock: OAuthMock;
let dir: string;

beforeAll(async () => {
  mock = await startOAuthMock();
  dir = await mkdtemp(join(tmpdir(), "wren-oauth-cli-"));
});

afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

function io(): AuthCliIo & { out(): string; err(): string; stdin: PassThrough } {
  let out = "";
  let err = "";
  const stdin = new PassThrough();
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    stdin,
    env: { PATH: process.env.PATH },
    paths: resolvePaths({ WREN_HOME: join(dir, "home") }, dir),
    noBrowser: true,
    oauth: { platform: "linux" },
    out: () => out,
    err: () => err,
  };
}

const server = (): RemoteServerConfig => ({
  name: "demo",
  type: "http",
  url: mock.url,
  headers: {},
  oauth: {},
  enabled: true,
  source: "test",
});

describe("wren mcp auth / logout", () => {
  it("signs in headless by pasting the callback URL, exits 0, then logs out", async () => {
    const cli = io();
    const running = runAuthCli(server(), cli);
    // The first sign-in of a run loads the SDK: wait for the prompt, however long that takes.
    await expect
      .poll(() => /^http:\S+\/authorize\?\S+$/m.test(cli.out()), { timeout: 15_000 })
      .toBe(true);
    const url = /^(http:\S+\/authorize\?\S+)$/m.exec(cli.out())?.[1] ?? "";
    expect(cli.out()).toContain("No browser here (--no-browser)");
    const response = await fetch(url, { redirect: "manual" });
    cli.stdin.write("not a callback at all\n");
    cli.stdin.write(`${response.headers.get("location")}\n`);
    await expect(running).resolves.toBeUndefined();
    expect(cli.err()).toContain("not a callback URL or a code");
    expect(cli.out()).toContain("Signed in to demo.");

    const out = io();
    await expect(runLogoutCli(server(), out)).resolves.toBeUndefined();
    expect(out.out()).toBe("demo: signed out (revoked at the server; tokens deleted here)\n");
  });

  it("wren mcp list and call name the CLI's sign-in command, never the REPL's", async () => {
    const paths = resolvePaths({ WREN_HOME: join(dir, "home-list") }, dir);
    await mkdir(paths.home, { recursive: true });
    await writeFile(
      paths.userSettings,
      JSON.stringify({ mcpServers: { demo: { url: mock.url } } }),
    );
    const list = io();
    expect(await runMcpCli(["list", "--json"], { ...list, paths, cwd: dir })).toBe(0);
    expect(JSON.parse(list.out())[0]).toMatchObject({
      status: "needs-auth",
      error: "demo needs sign-in: run wren mcp auth demo",
    });
    const call = io();
    expect(
      await runMcpCli(["call", "demo", "echo", '{"text":"x"}'], { ...call, paths, cwd: dir }),
    ).toBe(1);
    expect(call.err()).toBe("wren: demo needs sign-in: run wren mcp auth demo\n");
  });

  it("refuses servers that cannot sign in with a usage error (exit 2)", async () => {
    const refused = runAuthCli({ ...server(), oauth: false }, io());
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow('OAuth is disabled for demo ("oauth": false)');
  });

  it("wren mcp auth NAME --no-browser, then wren mcp list uses the stored tokens", async () => {
    const cli = io();
    const home = join(dir, "home2");
    const paths = resolvePaths({ WREN_HOME: home }, dir);
    await mkdir(home, { recursive: true });
    await writeFile(
      paths.userSettings,
      JSON.stringify({ mcpServers: { demo: { url: mock.url } } }),
    );
    const mcpIo = { ...cli, paths, cwd: dir, env: { PATH: process.env.PATH } };
    const running = runMcpCli(["auth", "demo", "--no-browser"], mcpIo);
    // The first sign-in of a run loads the SDK: wait for the prompt, however long that takes.
    await expect
      .poll(() => /^http:\S+\/authorize\?\S+$/m.test(cli.out()), { timeout: 15_000 })
      .toBe(true);
    const url = /^(http:\S+\/authorize\?\S+)$/m.exec(cli.out())?.[1] ?? "";
    const response = await fetch(url, { redirect: "manual" });
    cli.stdin.write(`${response.headers.get("location")}\n`);
    expect(await running).toBe(0);
    const list = io();
    expect(await runMcpCli(["list", "--json"], { ...list, paths, cwd: dir, env: {} })).toBe(0);
    expect(JSON.parse(list.out())[0]).toMatchObject({
      name: "demo",
      status: "connected",
      auth: "oauth",
    });
  });

  it("the built binary: wren mcp auth with $BROWSER, exit 0; mcp get shows no secret", async () => {
    const home = join(dir, "home3");
    const paths = resolvePaths({ WREN_HOME: home }, dir);
    await mkdir(home, { recursive: true });
    await writeFile(
      paths.userSettings,
      JSON.stringify({
        mcpServers: { demo: { url: mock.url, oauth: { clientSecret: "configured-secret-123" } } },
      }),
    );
    const env = { PATH: process.env.PATH, WREN_HOME: home, BROWSER: FAKE_BROWSER, DISPLAY: ":0" };
    const auth = spawnSync(process.execPath, [WREN, "mcp", "auth", "demo"], {
      cwd: dir,
      env,
      encoding: "utf8",
    });
    expect(auth.stderr).toBe("");
    expect(auth.stdout).toContain("Signed in to demo.");
    expect(auth.status).toBe(0);
    const get = spawnSync(process.execPath, [WREN, "mcp", "get", "demo", "--json"], {
      cwd: dir,
      env,
      encoding: "utf8",
    });
    expect(get.status).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ status: "connected (11 tools)" });
    const stored = await readFile(
      join(
        paths.mcpOAuthDir,
        (await readdir(paths.mcpOAuthDir)).find((f) => f.endsWith(".json")) ?? "",
      ),
      "utf8",
    );
    const tokens = [...stored.matchAll(/"(?:at|rt)_[A-Za-z0-9_-]+"/g)].map((m) =>
      m[0].slice(1, -1),
    );
    expect(tokens.length).toBeGreaterThan(0);
    for (const secret of [...tokens, "configured-secret-123"]) {
      expect(get.stdout).not.toContain(secret);
      expect(auth.stdout).not.toContain(secret);
    }
  });

  describe("a tool that needs more scope (403 insufficient_scope)", () => {
    let scoped: OAuthMock;
    beforeAll(async () => {
      scoped = await startOAuthMock(["--require-scope", "add=mcp:admin"]);
    });
    afterAll(async () => {
      await scoped.close();
    });

    async function signedIn(home: string) {
      const paths = resolvePaths({ WREN_HOME: join(dir, home) }, dir);
      await mkdir(paths.home, { recursive: true });
      await writeFile(
        paths.userSettings,
        JSON.stringify({ mcpServers: { demo: { url: scoped.url } } }),
      );
      const cli = io();
      const running = runMcpCli(["auth", "demo"], { ...cli, paths, cwd: dir, noBrowser: true });
      await pasteCallback(cli.out, cli.stdin);
      expect(await running).toBe(0);
      return paths;
    }

    async function pasteCallback(screen: () => string, stdin: PassThrough): Promise<URL> {
      await expect.poll(() => /^http:\S+\/authorize\?\S+$/m.test(screen())).toBe(true);
      const url = /^(http:\S+\/authorize\?\S+)$/m.exec(screen())?.[1] ?? "";
      const response = await fetch(url, { redirect: "manual" });
      stdin.write(`${response.headers.get("location")}\n`);
      return new URL(url);
    }

    it("without a terminal: names the scope and the exact wren mcp auth --scope command", async () => {
      const paths = await signedIn("scope1");
      const call = io();
      const args = ["call", "demo", "add", '{"a":2,"b":3}'];
      expect(await runMcpCli(args, { ...call, paths, cwd: dir })).toBe(1);
      expect(call.err()).toContain(
        'needs more access than this sign-in granted (scope "mcp:admin")',
      );
      expect(call.err()).toContain('wren mcp auth demo --scope "mcp:read mcp:write mcp:admin"');
      expect(call.err()).not.toContain(".mcp ");

      const auth = io();
      const running = runMcpCli(["auth", "demo", "--scope", "mcp:admin"], {
        ...auth,
        paths,
        cwd: dir,
        noBrowser: true,
      });
      const url = await pasteCallback(auth.out, auth.stdin);
      expect(url.searchParams.get("scope")?.split(" ").sort()).toEqual([
        "mcp:admin",
        "mcp:read",
        "mcp:write",
      ]);
      expect(await running).toBe(0);
      const again = io();
      expect(await runMcpCli(args, { ...again, paths, cwd: dir })).toBe(0);
      expect(JSON.parse(again.out())).toMatchObject({ structuredContent: { sum: 5 } });
    });

    it("from a terminal: runs the step-up sign-in itself, the result stays alone on stdout", async () => {
      const paths = await signedIn("scope2");
      const call = io();
      const running = runMcpCli(["call", "demo", "add", '{"a":2,"b":3}'], {
        ...call,
        paths,
        cwd: dir,
        noBrowser: true,
        interactive: true,
      });
      const url = await pasteCallback(call.err, call.stdin);
      expect(url.searchParams.get("scope")?.split(" ")).toContain("mcp:admin");
      expect(await running).toBe(0);
      expect(JSON.parse(call.out())).toMatchObject({ structuredContent: { sum: 5 } });
    });
  });
});
