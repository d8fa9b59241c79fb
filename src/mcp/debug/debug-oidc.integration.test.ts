// `wren mcp debug NAME` against a real authorization server (oidc-provider): discovery, a
// DPoP-bound sign-in by its properties, and metadata that names another issuer.
import { describe, expect, it } from "vitest";
import { authorizeInBrowser, startOidcAs } from "../oauth/oidc-test-support.js";
import { createOAuthStorage } from "../oauth/storage.js";
import { signIn, useDebugHomes } from "./test-support.js";

const { home, debug } = useDebugHomes();

describe("wren mcp debug against a real authorization server", () => {
  it("oidc-provider: discovery through the resource's metadata, the issuer checked", async () => {
    const as = await startOidcAs(["--device-flow"]);
    try {
      const paths = await home("oidc", { demo: { url: as.mcpUrl } });
      const { code, out } = await debug(paths, ["demo", "--json"]);
      expect(code).toBe(1);
      const trace = JSON.parse(out);
      expect(trace.oauth.resourceMetadata).toMatchObject({
        status: "ok",
        authorizationServers: [as.issuer],
      });
      expect(trace.oauth.authorizationServer).toMatchObject({
        status: "ok",
        url: as.issuer,
        metadata: { issuer: as.issuer, code_challenge_methods_supported: ["S256"] },
        issuerCheck: { status: "ok" },
      });
      expect(trace.oauth.authorizationServer.metadata.device_authorization_endpoint).toMatch(
        /^http:/,
      );
      expect(trace.failedStep).toMatchObject({ step: "connection" });
      expect(trace.failedStep.error).toContain("needs sign-in");
    } finally {
      await as.close();
    }
  });

  it("oidc-provider signed in: DPoP-bound tokens by their properties, connected, no secret", async () => {
    const as = await startOidcAs();
    try {
      const paths = await home("oidc-signed-in", { demo: { url: as.mcpUrl } });
      await signIn(paths, as.mcpUrl, { PATH: process.env.PATH }, (url) => authorizeInBrowser(url));
      const { code, out } = await debug(paths, ["demo", "--json"]);
      expect(code).toBe(0);
      const trace = JSON.parse(out);
      expect(trace.oauth.tokens).toMatchObject({
        present: true,
        issuer: as.issuer,
        dpopBound: true,
        dpopKey: true,
        refreshToken: true,
      });
      expect(trace.oauth.client).toMatchObject({ kind: "stored", obtainedBy: "dcr" });
      expect(trace.connection).toMatchObject({ status: "ok", auth: "oauth" });
      const state = await createOAuthStorage({
        dir: paths.mcpOAuthDir,
        serverName: "demo",
        serverUrl: as.mcpUrl,
      }).read();
      const secrets = [
        state.tokens?.access_token,
        state.tokens?.refresh_token,
        state.dpopKey?.jwk.d,
      ];
      for (const secret of secrets) {
        expect(secret).toBeDefined();
        expect(out).not.toContain(secret);
      }
    } finally {
      await as.close();
    }
  });

  it("metadata naming another issuer: the issuer check fails first (RFC 8414 §3.3)", async () => {
    const as = await startOidcAs(["--issuer", "https://elsewhere.example"]);
    try {
      const paths = await home("mismatch", { demo: { url: as.mcpUrl } });
      const { code, out } = await debug(paths, ["demo"]);
      expect(code).toBe(1);
      expect(out).toMatch(/\[FAIL\] authorization server metadata/);
      expect(out).toContain("issuer: https://elsewhere.example");
      expect(out).toMatch(/\[FAIL\] issuer check: issuer https:\/\/elsewhere\.example/);
      expect(out).toMatch(/result: failed at issuer check: .*RFC 8414/);
    } finally {
      await as.close();
    }
  });
});
