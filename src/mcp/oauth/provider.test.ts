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

  it("a refused client is forgotten only while it is the stored one", async () => {
    await storage.update((s) => ({
      ...s,
      client: { information: { client_id: "new" }, kind: "dcr" },
      codeVerifier: "v",
    }));
    // The token endpoint refuses "old": a concurrent flow has registered "new" since.
    const refuse: typeof fetch = async () =>
      Response.json({ error: "invalid_client" }, { status: 401 });
    const provider = new WrenOAuthProvider({ server, storage, fetch: refuse });
    const tokenRequest = { method: "POST", body: new URLSearchParams({ client_id: "old" }) };
    await provider.fetch("https://as/token", tokenRequest);
    await provider.invalidateCredentials("all");
    expect((await storage.read()).client?.information.client_id).toBe("new");
    expect((await storage.read()).codeVerifier).toBe("v");
    // Now "new" itself is refused: it goes.
    await provider.fetch("https://as/token", {
      ...tokenRequest,
      body: new URLSearchParams({ client_id: "new" }),
    });
    await provider.invalidateCredentials("all");
    expect((await storage.read()).client).toBeUndefined();
  });

  it("concurrent auth() calls share one registration at the discovered endpoint", async () => {
    let registrations = 0;
    // The authorization server answers once both calls are in: the first is still pending.
    let answer = (): void => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const as: typeof fetch = async () => {
      registrations++;
      await answered;
      return Response.json({ client_id: `c${registrations}` }, { status: 201 });
    };
    const provider = new WrenOAuthProvider({ server, storage, fetch: as });
    await provider.saveDiscoveryState({
      authorizationServerUrl: "https://as",
      authorizationServerMetadata: {
        issuer: "https://as",
        authorization_endpoint: "https://as/authorize",
        token_endpoint: "https://as/token",
        registration_endpoint: "https://as/register",
        response_types_supported: ["code"],
      },
    });
    const register = () =>
      provider.fetch("https://as/register", { method: "POST", body: "{}" }).then((r) => r.json());
    const both = Promise.all([register(), register()]);
    answer();
    expect(await both).toEqual([{ client_id: "c1" }, { client_id: "c1" }]);
    expect(registrations).toBe(1);
  });
});
