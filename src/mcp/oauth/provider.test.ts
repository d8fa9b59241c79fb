import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { McpAuthRequiredError } from "./errors.js";
import { unionScopes, WrenOAuthProvider } from "./provider.js";
import { createOAuthStorage, type OAuthStorage } from "./storage.js";

let dir: string;
let storage: OAuthStorage;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-provider-"));
  storage = createOAuthStorage({ dir, serverName: "s", serverUrl: "https://s/mcp" });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const server = { name: "s", url: "https://s/mcp", oauth: {} };

describe("WrenOAuthProvider", () => {
  it("describes wren as a native app with a loopback redirect, and a fresh state per flow", () => {
    const provider = new WrenOAuthProvider({
      server: { ...server, oauth: { callbackPort: 8765, scope: "read" } },
      storage,
    });
    expect(provider.clientMetadata).toMatchObject({
      client_name: "wren",
      application_type: "native",
      redirect_uris: ["http://127.0.0.1:8765/callback"],
      token_endpoint_auth_method: "none",
      scope: "read",
    });
    expect(provider.state()).not.toBe(provider.state());
  });

  it("uses a configured client id and secret instead of registering", async () => {
    const provider = new WrenOAuthProvider({
      server: { ...server, oauth: { clientId: "wren-cli", clientSecret: "s3cret" } },
      storage,
    });
    expect(await provider.clientInformation()).toEqual({
      client_id: "wren-cli",
      client_secret: "s3cret",
    });
    await provider.saveClientInformation({
      client_id: "wren-cli",
      client_secret: "s3cret",
      issuer: "https://as",
    });
    expect((await storage.read()).client).toBeUndefined();
  });

  it("never starts a sign-in without an interaction: auth() stops before any network", async () => {
    const provider = new WrenOAuthProvider({ server, storage });
    await expect(provider.discoveryState()).rejects.toBeInstanceOf(McpAuthRequiredError);
  });

  it("drops credentials of an authorization server that is no longer the one discovered", async () => {
    await storage.update((s) => ({
      ...s,
      issuer: "https://old-as",
      client: { information: { client_id: "c" }, kind: "dcr", redirectPort: 1 },
      tokens: { access_token: "a", token_type: "Bearer", refresh_token: "r" },
    }));
    const provider = new WrenOAuthProvider({ server, storage });
    await provider.saveDiscoveryState({ authorizationServerUrl: "https://old-as/" });
    expect((await storage.read()).tokens).toBeDefined();
    await provider.saveDiscoveryState({ authorizationServerUrl: "https://new-as" });
    const state = await storage.read();
    expect(state.issuer).toBe("https://new-as");
    expect(state.client).toBeUndefined();
    expect(state.tokens).toBeUndefined();
  });

  it("invalidates only the credentials asked for", async () => {
    await storage.update((s) => ({
      ...s,
      client: { information: { client_id: "c" }, kind: "dcr" },
      tokens: { access_token: "a", token_type: "Bearer" },
      codeVerifier: "v",
    }));
    const provider = new WrenOAuthProvider({ server, storage });
    await provider.invalidateCredentials("tokens");
    const state = await storage.read();
    expect(state.tokens).toBeUndefined();
    expect(state.client).toBeDefined();
    expect(state.codeVerifier).toBe("v");
  });

  it("unions scopes once each", () => {
    expect(unionScopes("a b", "b c")).toBe("a b c");
    expect(unionScopes(undefined, undefined)).toBeUndefined();
  });
});
