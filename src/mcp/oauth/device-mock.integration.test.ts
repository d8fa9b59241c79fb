// The device grant's timing against mock-mcps/http-oauth.mjs --device, a mock that can be told
// to answer `slow_down` and to expire codes: wren slows down for good, and stops at expiry.
// The polling clock is fake: no real seconds pass.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RemoteServerConfig } from "../../config/schema.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { type AuthCliIo, runAuthCli } from "./cli.js";
import type { DeviceClock } from "./device-flow.js";
import { capturedTerminal, exitOf, type OAuthMock, startOAuthMock } from "./test-support.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let dir: string;
const mocks: OAuthMock[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-device-mock-"));
});

afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

async function mock(args: readonly string[]): Promise<OAuthMock> {
  const started = await startOAuthMock(["--device", ...args]);
  mocks.push(started);
  return started;
}

async function setup(
  name: string,
  server: OAuthMock,
): Promise<{ paths: WrenPaths; config: RemoteServerConfig }> {
  const paths = resolvePaths({ WREN_HOME: join(dir, name) }, dir);
  await mkdir(paths.home, { recursive: true });
  await writeFile(
    paths.userSettings,
    JSON.stringify({ mcpServers: { demo: { url: server.url } } }),
  );
  return {
    paths,
    config: {
      name: "demo",
      type: "http",
      url: server.url,
      headers: {},
      oauth: {},
      enabled: true,
      source: paths.userSettings,
    },
  };
}

/** A fake clock; `onWait(n)` runs before the n-th wait (from 1) ends, e.g. to approve. */
function clock(onWait: (n: number) => Promise<void> = async () => {}): DeviceClock & {
  waits: number[];
} {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    async sleep(ms) {
      waits.push(ms);
      await onWait(waits.length);
      now += ms;
    },
  };
}

function io(
  paths: WrenPaths,
  deviceClock: DeviceClock,
): AuthCliIo & { stdin: PassThrough; out(): string; err(): string } {
  return { ...capturedTerminal(), paths, oauth: { deviceClock } };
}

describe("device sign-in timing (mock authorization server)", () => {
  it("slow_down adds 5 s to the server's interval for every later poll; then signed in", async () => {
    const server = await mock(["--device-interval", "3", "--device-slow-down", "2"]);
    const { paths, config } = await setup("slow", server);
    // The user approves while the fourth wait runs: two slow_downs, one pending, then tokens.
    const fake = clock(async (n) => {
      if (n === 4) await server.hook("device", "do=approve");
    });
    const cli = io(paths, fake);
    expect(await exitOf(runAuthCli(config, cli, { device: true }), cli), cli.err()).toBe(0);
    expect(fake.waits).toEqual([3000, 8000, 13_000, 13_000]);
    expect(cli.out()).toContain("check less often (every 13 s)");
    const stats = (await server.stats()) as unknown as { devicePolls: number };
    expect(stats.devicePolls).toBe(4);
  });

  it("expires_in bounds the wait: one line, exit 1, no poll after the code expired", async () => {
    const server = await mock(["--device-interval", "5", "--device-expires", "12"]);
    const { paths, config } = await setup("expiry", server);
    const fake = clock();
    const cli = io(paths, fake);
    expect(await exitOf(runAuthCli(config, cli, { device: true }), cli)).toBe(1);
    expect(cli.err()).toBe(
      "wren: demo: the sign-in code expired before it was approved; run the sign-in again\n",
    );
    expect(fake.waits).toEqual([5000, 5000, 2000]);
    const stats = (await server.stats()) as unknown as { devicePolls: number };
    expect(stats.devicePolls).toBe(2);
  });

  it("the server's expired_token ends the polling the same way", async () => {
    const server = await mock(["--device-interval", "1"]);
    const { paths, config } = await setup("expired-token", server);
    const fake = clock(async (n) => {
      if (n === 2) await server.hook("device", "do=expire");
    });
    const cli = io(paths, fake);
    expect(await exitOf(runAuthCli(config, cli, { device: true }), cli)).toBe(1);
    expect(cli.err()).toContain("the sign-in code expired");
    expect(fake.waits).toEqual([1000, 1000]);
  });

  it('oauth.method "browser" never uses the device grant, even headless', async () => {
    const server = await mock([]);
    const { paths, config } = await setup("browser", server);
    const cli = { ...io(paths, clock()), noBrowser: true };
    const running = runAuthCli({ ...config, oauth: { method: "browser" } }, cli);
    await expect.poll(() => /\/authorize\?/.test(cli.out()), { timeout: 45_000 }).toBe(true);
    expect(cli.out()).not.toContain("2. Enter");
    cli.stdin.write("?error=access_denied\n");
    expect(await exitOf(running, cli)).toBe(1);
    const stats = (await server.stats()) as unknown as { deviceAuthorizations: number };
    expect(stats.deviceAuthorizations).toBe(0);
  });
});
