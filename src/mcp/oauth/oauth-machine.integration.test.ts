// Client credentials (machine to machine) against mock-mcps/http-oauth.mjs: no prompt, no
// browser, nothing on disk, and the credentials only ever sent to the configured issuer.

import { readdir } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { STATIC_RESOURCE_URI } from "../../../mock-mcps/tools.mjs";
import type { RemoteServerConfig } from "../../config/schema.js";
import { McpConnectionError } from "../errors.js";
import { oauthTestbed } from "./sign-in-test-support.js";
import type { OAuthMock } from "./test-support.js";

const bed = oauthTestbed();
const { mockWith, serverFor, harness, settledManager, browserUrls } = bed;

describe("client credentials (machine to machine) against the mock", () => {
  let mock: OAuthMock;
  beforeAll(async () => {
    mock = await mockWith(["--client-credentials", "svc-bot:cc-s3cret-value"]);
  });

  const machine = (clientSecret: string): RemoteServerConfig => ({
    ...serverFor(mock, "machine"),
    oauth: {
      grantType: "client_credentials",
      clientId: "svc-bot",
      clientSecret,
      issuer: mock.base,
    },
  });

  it("gets a token with no prompt, no browser and nothing on disk, and a new one when it expires", async () => {
    const { connect, store } = harness();
    const before = await mock.stats();
    const connection = await connect(machine("cc-s3cret-value"));
    expect(connection.auth).toBe("oauth");
    expect((await connection.callTool("echo", { text: "m2m" })).content).toEqual([
      { type: "text", text: "m2m" },
    ]);
    await mock.hook("expire-access-tokens");
    expect((await connection.callTool("echo", { text: "again" })).isError).toBeFalsy();
    const after = await mock.stats();
    expect(after.tokenClientCredentials - before.tokenClientCredentials).toBe(2);
    expect(after.register).toBe(before.register);
    expect(after.authorize).toBe(before.authorize);
    expect(store.getSnapshot()).toEqual([]);
    expect(await browserUrls()).toEqual([]);
    expect(await readdir(bed.paths.mcpOAuthDir).catch(() => [])).toEqual([]);
  });

  it("reads the server's resources through the grant's connection too", async () => {
    const connection = await harness().connect(machine("cc-s3cret-value"));
    const read = await connection.resources?.read(STATIC_RESOURCE_URI);
    expect(read?.contents[0]).toMatchObject({ uri: STATIC_RESOURCE_URI });
  });

  it("a wrong secret is one readable line that does not quote the secret", async () => {
    const { connect, store } = harness();
    const error = await connect(machine("not-the-secret")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error).toMatchObject({ kind: "auth" });
    expect((error as Error).message).toMatch(/^client credentials refused \(invalid_client/);
    expect((error as Error).message).not.toContain("not-the-secret");
    expect(store.getSnapshot()).toEqual([]);
    expect(await browserUrls()).toEqual([]);
  });

  it("never sends the credentials to an authorization server other than the configured issuer", async () => {
    const before = await mock.stats();
    const server = machine("cc-s3cret-value");
    const elsewhere = {
      ...server,
      oauth: { ...(server.oauth || {}), issuer: "https://as.elsewhere.example" },
    };
    const error = await harness()
      .connect(elsewhere)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error).toMatchObject({ kind: "auth" });
    expect((error as Error).message).toBe(
      `the server sends sign-ins to ${mock.base}, not to oauth.issuer https://as.elsewhere.example: the client credentials were not sent`,
    );
    expect((await mock.stats()).tokenClientCredentials).toBe(before.tokenClientCredentials);
  });

  it("through the manager: connected at start with auth oauth; .mcp auth is not a thing for it", async () => {
    const { manager } = await settledManager(machine("cc-s3cret-value"));
    try {
      expect(manager.getSnapshot()[0]?.status).toMatchObject({ state: "connected", auth: "oauth" });
    } finally {
      await manager.close();
    }
  });
});
