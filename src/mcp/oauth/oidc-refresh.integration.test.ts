// Black-box checks of wren's OAuth against a real, certified authorization server
// (oidc-provider 9.x, mock-mcps/oidc-as.mjs) protecting an MCP server on another origin, through
// wren's CLI entry points (oidc-cli-test-support.ts): the access token expires: one refresh on
// a 401 or before the request, and one rotation shared by 8 wren processes.
import { describe, expect, it } from "vitest";
import { oidcTestbed } from "./oidc-cli-test-support.js";

const bed = oidcTestbed();
const { signedIn, callEcho, stored, expireInStore, wrenCall } = bed;

describe("refresh when the access token expires", () => {
  it("wren still thinks it valid: the resource server's 401 leads to one refresh, the call works", async () => {
    const paths = await signedIn("refresh-401");
    const old = (await stored(paths, bed.as)).tokens;
    // Past the access token's lifetime at the AS (and its resource server); wren's clock is not moved.
    await bed.as.advanceClock(3700);
    expect(await bed.as.isActive(old?.access_token ?? "")).toBe(false);
    const before = await bed.as.stats();
    const call = await callEcho(paths, "after expiry");
    expect(call.code, call.io.err()).toBe(0);
    expect(call.io.out()).toContain("after expiry");
    const after = await bed.as.stats();
    expect(after.tokenRefresh - before.tokenRefresh).toBe(1);
    expect(after.refreshErrors - before.refreshErrors).toBe(0);
    expect(after.mcpUnauthorized - before.mcpUnauthorized).toBeGreaterThan(0);
    expect(after.authorize).toBe(before.authorize);
    const fresh = (await stored(paths, bed.as)).tokens;
    expect(fresh?.access_token).not.toBe(old?.access_token);
    // Rotating refresh tokens: the new one is stored, the old one is spent.
    expect(fresh?.refresh_token).not.toBe(old?.refresh_token);
    expect(await bed.as.isActive(fresh?.access_token ?? "")).toBe(true);
  });

  it("wren knows the expiry: it refreshes before the request, the server never says 401", async () => {
    const paths = await signedIn("refresh-known");
    await bed.as.advanceClock(3700);
    await expireInStore(paths, bed.as, "known");
    const before = await bed.as.stats();
    const call = await callEcho(paths, "silent refresh");
    expect(call.code, call.io.err()).toBe(0);
    const after = await bed.as.stats();
    expect(after.tokenRefresh - before.tokenRefresh).toBe(1);
    expect(after.mcpUnauthorized - before.mcpUnauthorized).toBe(0);
  });
});

const PROCESSES = 8;

describe(`rotation across ${PROCESSES} wren processes`, () => {
  for (const expiry of ["known", "unknown"] as const) {
    it(`all succeed, each refresh token presented once, no new sign-in (expiry ${expiry})`, async () => {
      const paths = await signedIn(`rotation-${expiry}`);
      await bed.as.advanceClock(3700);
      await expireInStore(paths, bed.as, expiry);
      const before = await bed.as.stats();
      const results = await Promise.all(
        Array.from({ length: PROCESSES }, (_, i) => wrenCall(paths, `process ${i}`)),
      );
      results.forEach((result, i) => {
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(`process ${i}`);
      });
      const after = await bed.as.stats();
      expect(after.tokenRefresh - before.tokenRefresh).toBe(1);
      expect(after.maxRefreshPresentations).toBe(1);
      expect(after.refreshReuse).toBe(0);
      expect(after.revokedGrants).toBe(before.revokedGrants);
      expect(after.authorize).toBe(before.authorize);
      expect(after.tokenAuthorizationCode).toBe(before.tokenAuthorizationCode);
    }, 180_000);
  }
});
