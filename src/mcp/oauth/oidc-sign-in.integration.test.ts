// Black-box checks of wren's OAuth against a real, certified authorization server
// (oidc-provider 9.x, mock-mcps/oidc-as.mjs) protecting an MCP server on another origin, through
// wren's CLI entry points (oidc-cli-test-support.ts): signing in (code, PKCE, resource, DPoP or
// Bearer, paste or loopback), servers without iss or revocation, OpenID Connect discovery only.
import { describe, expect, it } from "vitest";
import { oidcTestbed } from "./oidc-cli-test-support.js";

const bed = oidcTestbed();
const { startAs, homeFor, signIn, signedIn, callEcho, stored, mcpStatusWith, logout } = bed;

describe("sign-in against oidc-provider", () => {
  it("code + PKCE + resource indicator; tokens stored under the issuer; a tool call works", async () => {
    const paths = await homeFor("signin", bed.as);
    const before = await bed.as.stats();
    const { code, io, authorizationUrl, callback } = await signIn(paths);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toContain("Signed in to demo.");
    expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizationUrl.searchParams.get("resource")).toBe(bed.as.mcpUrl);
    expect(callback.searchParams.get("iss")).toBe(bed.as.issuer);

    const state = await stored(paths, bed.as);
    expect(state.issuer).toBe(bed.as.issuer);
    expect(state.tokens?.refresh_token).toBeDefined();
    expect(await bed.as.isActive(state.tokens?.access_token ?? "")).toBe(true);
    const after = await bed.as.stats();
    expect(after.registrations - before.registrations).toBe(1);
    expect(after.tokenAuthorizationCode - before.tokenAuthorizationCode).toBe(1);

    const call = await callEcho(paths, "hello oidc");
    expect(call.code, call.io.err()).toBe(0);
    expect(call.io.out()).toContain("hello oidc");
  });

  it("oidc-provider offers DPoP: the tokens are bound to wren's key, and useless as Bearer", async () => {
    const paths = await homeFor("signin-dpop", bed.as);
    const before = await bed.as.stats();
    const { code, io } = await signIn(paths);
    expect(code, io.err()).toBe(0);
    const state = await stored(paths, bed.as);
    expect(state.tokens?.token_type).toBe("DPoP");
    expect(state.dpopKey).toBeDefined();
    const call = await callEcho(paths, "bound");
    expect(call.code, call.io.err()).toBe(0);
    const after = await bed.as.stats();
    expect(after.mcpDpop - before.mcpDpop).toBeGreaterThan(0);
    expect(after.mcpDpopRefused).toBe(before.mcpDpopRefused);
    // The attacker holds the access token (a log, a proxy) but not the key.
    expect(await mcpStatusWith(bed.as, state.tokens?.access_token ?? "")).toBe(401);
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
    const paths = await homeFor("signin-loopback", bed.as);
    const { code, io } = await signIn(paths, () => {}, "loopback");
    expect(code, io.err()).toBe(0);
    expect((await stored(paths, bed.as)).tokens?.refresh_token).toBeDefined();
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
