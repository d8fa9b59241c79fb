import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { McpAuthRequiredError } from "./errors.js";
import { WrenOAuthProvider } from "./provider.js";
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
    }));
    const provider = new WrenOAuthProvider({ server, storage });
    await provider.invalidateCredentials("tokens");
    const state = await storage.read();
    expect(state.tokens).toBeUndefined();
    expect(state.client).toBeDefined();
  });

  it("a refused client is forgotten only while it is the stored one", async () => {
    await storage.update((s) => ({
      ...s,
      client: { information: { client_id: "new" }, kind: "dcr" },
    }));
    // The token endpoint refuses "old": a concurrent flow has registered "new" since.
    const refuse: typeof fetch = async () =>
      Response.json({ error: "invalid_client" }, { status: 401 });
    const provider = new WrenOAuthProvider({ server, storage, fetch: refuse });
    const tokenRequest = { method: "POST", body: new URLSearchParams({ client_id: "old" }) };
    await provider.fetch("https://as/token", tokenRequest);
    await provider.invalidateCredentials("all");
    expect((await storage.read()).client?.information.client_id).toBe("new");
    // Now "new" itself is refused: it goes.
    await provider.fetch("https://as/token", {
      ...tokenRequest,
      body: new URLSearchParams({ client_id: "new" }),
    });
    await provider.invalidateCredentials("all");
    expect((await storage.read()).client).toBeUndefined();
  });
});
