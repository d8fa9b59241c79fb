// Black-box checks of wren's OAuth against a real, certified authorization server
// (oidc-provider 9.x, mock-mcps/oidc-as.mjs) protecting an MCP server on another origin, through
// wren's CLI entry points (oidc-cli-test-support.ts): `wren mcp logout` revokes at the
// authorization server (RFC 7009), opaque and JWT access tokens.
import { describe, expect, it } from "vitest";
import { oidcTestbed } from "./oidc-cli-test-support.js";

const bed = oidcTestbed();
const { startAs, signedIn, stored, mcpStatusWith, logout } = bed;

describe("wren mcp logout revokes at the authorization server", () => {
  it("opaque tokens: the refresh token and the grant are revoked, the access token too", async () => {
    const paths = await signedIn("logout-opaque");
    const tokens = (await stored(paths, bed.as)).tokens;
    const before = await bed.as.stats();
    const { code, io } = await logout(paths);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toBe("demo: signed out (revoked at the server; tokens deleted here)\n");
    const after = await bed.as.stats();
    expect(after.revocations - before.revocations).toBe(2);
    expect(after.revocationErrors).toBe(before.revocationErrors);
    expect(after.revokedGrants - before.revokedGrants).toBeGreaterThan(0);
    expect(await bed.as.isActive(tokens?.refresh_token ?? "")).toBe(false);
    expect(await bed.as.isActive(tokens?.access_token ?? "")).toBe(false);
    expect(await mcpStatusWith(bed.as, tokens?.access_token ?? "")).toBe(401);
    expect((await stored(paths, bed.as)).tokens).toBeUndefined();
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
