// The device authorization grant (RFC 8628) against a real authorization server that implements
// it (oidc-provider with its device flow, mock-mcps/oidc-as.mjs --device-flow): `wren mcp auth`
// shows the code and polls; the test plays the user approving on "another device" (the AS's
// /device pages); then a tool call works with the stored tokens, and so does a refresh.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runMcpCli } from "../../cli.js";
import type { RemoteServerConfig } from "../../config/schema.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { type AuthCliIo, runAuthCli } from "./cli.js";
import type { DeviceClock } from "./device-flow.js";
import { approveDevice, type OidcAs, startOidcAs } from "./oidc-test-support.js";
import { createOAuthStorage } from "./storage.js";
import { capturedTerminal, exitOf } from "./test-support.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let dir: string;
let deviceAs: OidcAs;
let plainAs: OidcAs;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-device-it-"));
  [deviceAs, plainAs] = await Promise.all([startOidcAs(["--device-flow"]), startOidcAs()]);
});

afterAll(async () => {
  await Promise.all([deviceAs?.close(), plainAs?.close()]);
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

async function homeFor(name: string, as: OidcAs): Promise<WrenPaths> {
  const paths = resolvePaths({ WREN_HOME: join(dir, name) }, dir);
  await mkdir(paths.home, { recursive: true });
  await writeFile(paths.userSettings, JSON.stringify({ mcpServers: { demo: { url: as.mcpUrl } } }));
  return paths;
}

function serverOf(as: OidcAs, paths: WrenPaths): RemoteServerConfig {
  return {
    name: "demo",
    type: "http",
    url: as.mcpUrl,
    headers: {},
    oauth: {},
    enabled: true,
    source: paths.userSettings,
  };
}

/**
 * The polling clock: the first wait ends at once (the AS answers `authorization_pending`), the
 * next ones when the user has approved — no real seconds pass.
 */
function approvalClock(approved: Promise<void>): DeviceClock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    async sleep(ms) {
      waits.push(ms);
      if (waits.length > 1) await approved;
      now += ms;
    },
  };
}

function io(
  paths: WrenPaths,
  clock?: DeviceClock,
): AuthCliIo & { cwd: string; out: () => string; err: () => string } {
  return {
    ...capturedTerminal(),
    paths,
    cwd: dir,
    ...(clock && { oauth: { deviceClock: clock } }),
  };
}

const COMPLETE_URI = /open (http:\S+) \(the code is filled in\)/;

describe("device sign-in against oidc-provider", () => {
  it("--device: shows the code, polls until approved; then tool calls and refresh work", async () => {
    const paths = await homeFor("device", deviceAs);
    let approve: () => void = () => {};
    const approved = new Promise<void>((resolve) => {
      approve = resolve;
    });
    const clock = approvalClock(approved);
    const cli = io(paths, clock);
    const before = await deviceAs.stats();
    const running = runAuthCli(serverOf(deviceAs, paths), cli, { device: true });
    await expect.poll(() => COMPLETE_URI.test(cli.out()), { timeout: 45_000 }).toBe(true);
    const complete = COMPLETE_URI.exec(cli.out())?.[1] ?? "";
    const userCode = new URL(complete).searchParams.get("user_code") ?? "";
    expect(cli.out()).toContain(`(to copy: ${userCode})`);
    expect(cli.out()).toContain(`${deviceAs.issuer}/device`);
    expect(cli.out()).toMatch(/[█▀▄]{10}/);
    // One poll happens before the approval (the real AS answers authorization_pending): the
    // second wait has begun.
    await expect.poll(() => clock.waits.length, { timeout: 30_000 }).toBe(2);
    await approveDevice(complete);
    approve();
    expect(await exitOf(running, cli), cli.err()).toBe(0);
    expect(cli.out()).toContain("Signed in to demo.");
    expect(clock.waits).toEqual([5000, 5000]);

    const state = await createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "demo",
      serverUrl: deviceAs.mcpUrl,
    }).read();
    expect(state.issuer).toBe(deviceAs.issuer);
    expect(state.tokens?.refresh_token).toBeDefined();
    // DPoP, as the code flow would use it: the AS advertises it, so the device tokens are bound.
    expect(state.tokens?.token_type).toBe("DPoP");
    expect(await deviceAs.isActive(state.tokens?.access_token ?? "")).toBe(true);
    const after = await deviceAs.stats();
    expect(after.registrations - before.registrations).toBe(1);
    // The device code never reaches the screen.
    expect(cli.out()).not.toMatch(/device_code/);

    const call = io(paths);
    expect(await runMcpCli(["call", "demo", "echo", '{"text":"from the couch"}'], call)).toBe(0);
    expect(call.out()).toContain("from the couch");

    // The access token expires at the AS: the next call refreshes with the device grant's
    // refresh token, through the same lock and storage as the code flow's.
    await deviceAs.advanceClock(3600);
    const refreshes = (await deviceAs.stats()).tokenRefresh;
    const again = io(paths);
    expect(
      await runMcpCli(["call", "demo", "echo", '{"text":"still here"}'], again),
      again.err(),
    ).toBe(0);
    expect(again.out()).toContain("still here");
    expect((await deviceAs.stats()).tokenRefresh).toBe(refreshes + 1);
  });

  it("headless (--no-browser) picks the device grant on its own when the AS offers it", async () => {
    const paths = await homeFor("headless", deviceAs);
    let approve: () => void = () => {};
    const approved = new Promise<void>((resolve) => {
      approve = resolve;
    });
    const cli = { ...io(paths, approvalClock(approved)), noBrowser: true };
    const running = runAuthCli(serverOf(deviceAs, paths), cli);
    await expect.poll(() => COMPLETE_URI.test(cli.out()), { timeout: 45_000 }).toBe(true);
    await approveDevice(COMPLETE_URI.exec(cli.out())?.[1] ?? "");
    approve();
    expect(await exitOf(running, cli), cli.err()).toBe(0);
  });

  it("the user aborts on the other device: one line, exit 1, nothing stored", async () => {
    const paths = await homeFor("abort", deviceAs);
    let approve: () => void = () => {};
    const approved = new Promise<void>((resolve) => {
      approve = resolve;
    });
    const cli = io(paths, approvalClock(approved));
    const running = runAuthCli(serverOf(deviceAs, paths), cli, { device: true });
    await expect.poll(() => COMPLETE_URI.test(cli.out()), { timeout: 45_000 }).toBe(true);
    await approveDevice(COMPLETE_URI.exec(cli.out())?.[1] ?? "", { abort: true });
    approve();
    expect(await exitOf(running, cli)).toBe(1);
    expect(cli.err()).toMatch(/^wren: demo: authorization denied.*\n$/);
    const state = await createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "demo",
      serverUrl: deviceAs.mcpUrl,
    }).read();
    expect(state.tokens).toBeUndefined();
  });

  it("--device where the AS does not offer the grant: one clear line, exit 1", async () => {
    const paths = await homeFor("unavailable", plainAs);
    const cli = io(paths);
    expect(await exitOf(runAuthCli(serverOf(plainAs, paths), cli, { device: true }), cli)).toBe(1);
    expect(cli.err()).toBe(
      "wren: demo: device sign-in is not available: the authorization server does not offer the device authorization grant (RFC 8628)\n",
    );
    expect(cli.out()).not.toContain("/auth?");
  });
});
