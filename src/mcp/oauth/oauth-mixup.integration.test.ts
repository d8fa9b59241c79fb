// Mix-up defences (RFC 9207 iss, RFC 8414 issuer) of the real provider against a hostile
// mock-mcps/http-oauth.mjs: every refusal happens before a code, token or secret is sent.
import { beforeAll, describe, expect, it } from "vitest";
import { McpAuthClientIdentityError, McpAuthIssuerError } from "./errors.js";
import type { McpOAuth } from "./mcp-oauth.js";
import { callbackUrlFor, nextPrompt, oauthTestbed } from "./sign-in-test-support.js";
import { createOAuthStorage } from "./storage.js";
import type { OAuthMock } from "./test-support.js";

const bed = oauthTestbed();
const { mockWith, serverFor, harness, browserUrls } = bed;

describe("mix-up defences against a hostile authorization server", () => {
  /** A well-behaved mock, for the attacks that happen at the paste. */
  let honest: OAuthMock;
  beforeAll(async () => {
    honest = await mockWith();
  });

  /** Signs in to a mock started with `args`; resolves with what the sign-in rejected with. */
  async function refusal(
    args: readonly string[],
  ): Promise<{ error: unknown; mock: OAuthMock; oauth: McpOAuth }> {
    const hostile = await mockWith(args);
    const { signIn, oauth } = harness();
    const error = await signIn(serverFor(hostile)).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, mock: hostile, oauth };
  }

  it("refuses a callback whose iss names another issuer, and never exchanges the code", async () => {
    const { error, mock, oauth } = await refusal(["--iss", "wrong"]);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toContain('"https://attacker.example"');
    expect(message).toContain(JSON.stringify(mock.base));
    expect((await mock.stats()).tokenAuthorizationCode).toBe(0);
    expect(await oauth.hasTokens(serverFor(mock))).toBe(false);
  });

  it("refuses a callback without iss when the server's metadata promises one", async () => {
    const { error, mock } = await refusal(["--iss", "omit"]);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    expect((error as Error).message).toMatch(/carries no issuer/);
    expect((error as Error).message).toContain(JSON.stringify(mock.base));
    expect((await mock.stats()).tokenAuthorizationCode).toBe(0);
  });

  it("accepts a callback without iss from a server that never promised one", async () => {
    const legacy = await mockWith(["--iss", "none"]);
    const { signIn } = harness();
    const connection = await signIn(serverFor(legacy));
    expect((await connection.listTools()).length).toBeGreaterThan(0);
  });

  it("checks a pasted callback URL's iss the same way", async () => {
    const { signIn, store } = harness({ env: { FAKE_BROWSER_MODE: "ignore" } });
    const signing = signIn(serverFor(honest));
    signing.catch(() => {});
    const prompt = await nextPrompt(store);
    const callback = new URL(await callbackUrlFor(prompt.url));
    expect(callback.searchParams.get("iss")).toBe(honest.base);
    callback.searchParams.set("iss", "https://attacker.example");
    prompt.submit(callback.href);
    const error = await signing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    expect((error as McpAuthIssuerError).received).toBe("https://attacker.example");
    expect((await honest.stats()).tokenAuthorizationCode).toBe(0);
  });

  it("refuses a pasted URL without iss when the server promises one", async () => {
    const { signIn, store } = harness({ env: { FAKE_BROWSER_MODE: "ignore" } });
    const signing = signIn(serverFor(honest));
    signing.catch(() => {});
    const prompt = await nextPrompt(store);
    const callback = new URL(await callbackUrlFor(prompt.url));
    callback.searchParams.delete("iss");
    prompt.submit(callback.href);
    const error = await signing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    expect((error as Error).message.split("\n")).toHaveLength(1);
    expect((error as Error).message).toContain(JSON.stringify(honest.base));
    expect((await honest.stats()).tokenAuthorizationCode).toBe(0);
  });

  it("an authorization-server migration re-registers; old credentials never reach the new one", async () => {
    const resource = await mockWith();
    const newAs = await mockWith();
    const server = serverFor(resource);
    const first = harness();
    await first.signIn(server);
    const storage = createOAuthStorage({
      dir: bed.paths.mcpOAuthDir,
      serverName: server.name,
      serverUrl: server.url,
    });
    const signedIn = await storage.read();
    expect(signedIn.tokens?.refresh_token).toBeDefined();
    const firstClient = signedIn.client?.information.client_id;
    const before = await resource.stats();

    // The resource now names another authorization server, and refuses the stored token.
    await resource.hook("move-as", `to=${encodeURIComponent(newAs.base)}`);
    await resource.hook("force-401");
    const second = harness();
    // The new server serves other resources, so this sign-in ends at its authorization
    // endpoint (invalid_target); what matters is where the credentials went.
    await second.signIn(server).catch(() => undefined);

    const after = await resource.stats();
    const moved = await newAs.stats();
    expect(after.tokenRefresh - before.tokenRefresh).toBe(0); // the old server is not asked again
    expect(moved.register).toBe(1); // registered anew at the new server
    expect(moved.authorize).toBe(1);
    expect(moved.tokenRefresh).toBe(0); // the old refresh token never reached it
    const state = await storage.read();
    expect(state.discovery?.authorizationServerUrl).toMatch(new RegExp(`^${newAs.base}/?$`));
    expect(state.tokens).toBeUndefined();
    expect(state.client?.information.client_id).not.toBe(firstClient);
  });

  it("a refused registration is one line naming the step and the way out", async () => {
    const { error, mock } = await refusal(["--reject-registration"]);
    expect(error).toBeInstanceOf(McpAuthClientIdentityError);
    expect((error as Error).message).toBe(
      `sign-in failed: no client identity at ${JSON.stringify(mock.base)} — dynamic client registration: refused (HTTP 400 invalid_client_metadata: registration is closed); configured client: oauth.clientId is not set; set oauth.clientId to a client registered for wren`,
    );
    expect((await mock.stats()).authorize).toBe(0);
  });

  it("refuses metadata whose issuer is not where it was found, before registering", async () => {
    const { error, mock } = await refusal(["--metadata-issuer", "https://other.example"]);
    expect(error).toBeInstanceOf(McpAuthIssuerError);
    const message = (error as Error).message;
    expect(message).toContain('"https://other.example"');
    expect(message).toContain(JSON.stringify(mock.base));
    const stats = await mock.stats();
    expect(stats.register).toBe(0);
    expect(stats.authorize).toBe(0);
    expect(await browserUrls()).toEqual([]);
  });
});
