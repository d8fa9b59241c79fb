import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuthorizationServerMetadata, FetchLike } from "@modelcontextprotocol/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAuthPromptStore } from "./auth-store.js";
import {
  ClientIdentity,
  type ClientSettings,
  type IdentityRequest,
  presentable,
  refusedClientId,
  storedClient,
} from "./client-identity.js";
import { McpAuthClientIdentityError } from "./errors.js";
import type { StoredClient } from "./oauth-state.js";
import { WrenOAuthProvider } from "./provider.js";
import { createOAuthStorage, type OAuthStorage } from "./storage.js";

const ISSUER = "https://as.example";
const CIMD = "https://wren.example/client.json";

function metadata(extra: Partial<AuthorizationServerMetadata> = {}): AuthorizationServerMetadata {
  return {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/authorize`,
    token_endpoint: `${ISSUER}/token`,
    response_types_supported: ["code"],
    ...extra,
  };
}

const WITH_DCR = { registration_endpoint: `${ISSUER}/register` };

function request(meta: AuthorizationServerMetadata | undefined): IdentityRequest {
  return {
    issuer: ISSUER,
    authorizationServerUrl: ISSUER,
    metadata: meta,
    clientMetadata: { client_name: "wren", redirect_uris: ["http://127.0.0.1:4711/callback"] },
    scope: undefined,
    redirectPort: 4711,
  };
}

/** A fake authorization server: records every request, answers registrations with `answer`. */
function authorizationServer(answer: () => Response): FetchLike & { seen: string[] } {
  const seen: string[] = [];
  const fn = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    seen.push(`${init?.method ?? "GET"} ${String(url)} ${String(init?.body ?? "")}`);
    return answer();
  };
  return Object.assign(fn, { seen });
}

const registered = (): Response =>
  Response.json(
    { client_id: "dcr-1", redirect_uris: ["http://127.0.0.1:4711/callback"] },
    { status: 201 },
  );
const closed = (): Response =>
  Response.json(
    { error: "invalid_client_metadata", error_description: "registration is\nclosed" },
    { status: 400 },
  );

function identity(
  settings: ClientSettings,
  fetch: FetchLike,
): { chain: ClientIdentity; saved: StoredClient[]; log: string[] } {
  const saved: StoredClient[] = [];
  const log: string[] = [];
  const chain = new ClientIdentity({
    server: "s",
    settings,
    fetch,
    save: async (client) => {
      saved.push(client);
    },
    log: (line) => log.push(line),
  });
  return { chain, saved, log };
}

describe("the client identity chain: the configured client, then CIMD, then DCR", () => {
  it("uses the client ID metadata document when the server takes them: nothing is registered", async () => {
    const as = authorizationServer(registered);
    const { chain, saved } = identity({ clientMetadataUrl: CIMD }, as);
    const client = await chain.obtain(
      request(metadata({ ...WITH_DCR, client_id_metadata_document_supported: true })),
    );
    expect(client).toEqual({
      kind: "metadata-url",
      information: { client_id: CIMD, issuer: ISSUER },
      redirectPort: 4711,
    });
    expect(saved).toEqual([client]);
    expect(as.seen).toEqual([]);
  });

  it("registers dynamically when the server takes no metadata documents, naming the bound port", async () => {
    const as = authorizationServer(registered);
    const { chain } = identity({ clientMetadataUrl: CIMD }, as);
    const client = await chain.obtain(request(metadata(WITH_DCR)));
    expect(client).toMatchObject({
      kind: "dcr",
      information: { client_id: "dcr-1", issuer: ISSUER },
    });
    expect(as.seen).toHaveLength(1);
    expect(as.seen[0]).toContain(`POST ${ISSUER}/register`);
    expect(as.seen[0]).toContain("http://127.0.0.1:4711/callback");
    expect(as.seen[0]).not.toContain(CIMD);
  });

  it("a configured oauth.clientId goes first: no metadata document, no registration", async () => {
    const as = authorizationServer(registered);
    const { chain, log } = identity(
      { clientId: "cfg", clientSecret: "s3cret", clientMetadataUrl: CIMD },
      as,
    );
    const client = await chain.obtain(
      request(metadata({ ...WITH_DCR, client_id_metadata_document_supported: true })),
    );
    // Stored without the secret: it stays in settings and is joined again when presented.
    expect(client).toEqual({
      kind: "configured",
      information: { client_id: "cfg", issuer: ISSUER },
    });
    expect(presentable(client, { clientId: "cfg", clientSecret: "s3cret" })).toEqual({
      client_id: "cfg",
      client_secret: "s3cret",
      issuer: ISSUER,
    });
    expect(as.seen).toEqual([]);
    expect(log.join("\n")).toContain("signing in as the configured client");
  });

  it("goes straight to oauth.clientId when the server offers no registration: no request", async () => {
    const as = authorizationServer(registered);
    const { chain } = identity({ clientId: "cfg" }, as);
    expect((await chain.obtain(request(metadata()))).kind).toBe("configured");
    expect(as.seen).toEqual([]);
  });

  it("registers at /register of a 2025-03-26 server without metadata", async () => {
    const as = authorizationServer(registered);
    const { chain } = identity({}, as);
    expect((await chain.obtain(request(undefined))).kind).toBe("dcr");
    expect(as.seen[0]).toContain(`POST ${ISSUER}/register`);
  });

  it("when every step fails: one line naming each step and why, with the way out", async () => {
    const as = authorizationServer(closed);
    const { chain, saved } = identity({ clientMetadataUrl: CIMD }, as);
    const error = await chain.obtain(request(metadata(WITH_DCR))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthClientIdentityError);
    const message = (error as Error).message;
    expect(message).toBe(
      `sign-in failed: no client identity at "${ISSUER}" — client metadata document: the server does not take them; dynamic client registration: refused (HTTP 400 invalid_client_metadata: registration is closed); configured client: oauth.clientId is not set; set oauth.clientId to a client registered for wren`,
    );
    expect((error as McpAuthClientIdentityError).steps.map((s) => s.step)).toEqual([
      "client metadata document",
      "dynamic client registration",
      "configured client",
    ]);
    expect(saved).toEqual([]);
  });

  it("attacker: a metadata URL that is not https is never sent, even to a server that takes them", async () => {
    const as = authorizationServer(registered);
    const plain = "http://attacker.example/client.json";
    const { chain } = identity({ clientMetadataUrl: plain }, as);
    const client = await chain.obtain(
      request(metadata({ ...WITH_DCR, client_id_metadata_document_supported: true })),
    );
    expect(client.kind).toBe("dcr");
    expect(client.information.client_id).not.toBe(plain);
    expect(as.seen.join("\n")).not.toContain(plain);
    // Nor does the SDK see it: the provider offers no metadata URL at all.
    const storage = createOAuthStorage({
      dir: tmpdir(),
      serverName: "x",
      serverUrl: "https://s/mcp",
    });
    const provider = new WrenOAuthProvider({
      server: { name: "x", url: "https://s/mcp", oauth: { clientMetadataUrl: plain } },
      storage,
    });
    expect(provider.clientMetadataUrl).toBeUndefined();
  });

  it("concurrent sign-ins share one run: one registration, one client", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const as = authorizationServer(registered);
    const slow: FetchLike = async (url, init) => {
      await gate;
      return as(url, init);
    };
    const { chain, saved } = identity({}, slow);
    const both = Promise.all([
      chain.obtain(request(metadata(WITH_DCR))),
      chain.obtain(request(metadata(WITH_DCR))),
    ]);
    release();
    const [a, b] = await both;
    expect(a).toBe(b);
    expect(as.seen).toHaveLength(1);
    expect(saved).toHaveLength(1);
  });
});

describe("stored clients", () => {
  it("a configured client whose oauth.clientId changed, or a stale metadata URL, is not presented", () => {
    const configured: StoredClient = { kind: "configured", information: { client_id: "old" } };
    expect(presentable(configured, { clientId: "new" })).toBeUndefined();
    const cimd: StoredClient = { kind: "metadata-url", information: { client_id: CIMD } };
    expect(presentable(cimd, {})).toBeUndefined();
    expect(presentable(cimd, { clientMetadataUrl: CIMD })).toEqual({ client_id: CIMD });
  });

  it("tokens stored before the chain, with no client, belong to oauth.clientId", () => {
    const state = {
      version: 1 as const,
      serverUrl: "https://s/mcp",
      issuer: ISSUER,
      tokens: { access_token: "a", token_type: "Bearer" },
    };
    expect(storedClient(state, { clientId: "cfg" })).toEqual({
      kind: "configured",
      information: { client_id: "cfg", issuer: ISSUER },
    });
    expect(storedClient(state, {})).toBeUndefined();
  });
});

describe("the provider's client identity", () => {
  let dir: string;
  let storage: OAuthStorage;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "wren-identity-"));
    storage = createOAuthStorage({ dir, serverName: "s", serverUrl: "https://s/mcp" });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("signing in as the configured client stores its id with the issuer, never its secret", async () => {
    const as = authorizationServer(registered);
    const provider = new WrenOAuthProvider({
      server: {
        name: "s",
        url: "https://s/mcp",
        oauth: { clientId: "cfg", clientSecret: "s3cret" },
      },
      storage,
      fetch: as,
      signIn: { interaction: createAuthPromptStore() },
    });
    try {
      await provider.discoveryState(); // binds the callback listener, as a sign-in does
      await provider.saveDiscoveryState({
        authorizationServerUrl: ISSUER,
        authorizationServerMetadata: metadata(),
      });
      expect(await provider.clientInformation({ issuer: ISSUER })).toEqual({
        client_id: "cfg",
        client_secret: "s3cret",
        issuer: ISSUER,
      });
      expect((await storage.read()).client).toEqual({
        kind: "configured",
        information: { client_id: "cfg", issuer: ISSUER },
      });
      expect(await readFile(storage.file, "utf8")).not.toContain("s3cret");
      expect(as.seen).toEqual([]);
    } finally {
      await provider.close();
    }
  });

  it("a client stamped with another issuer is never presented: the chain runs for the new one", async () => {
    await storage.update((s) => ({
      ...s,
      issuer: "https://old-as.example",
      client: {
        kind: "dcr",
        information: { client_id: "old-client", issuer: "https://old-as.example" },
      },
    }));
    const as = authorizationServer(registered);
    const provider = new WrenOAuthProvider({
      server: { name: "s", url: "https://s/mcp", oauth: {} },
      storage,
      fetch: as,
      signIn: { interaction: createAuthPromptStore() },
    });
    try {
      await provider.discoveryState();
      await provider.saveDiscoveryState({
        authorizationServerUrl: ISSUER,
        authorizationServerMetadata: metadata(WITH_DCR),
      });
      expect((await storage.read()).client).toBeUndefined(); // dropped: another issuer's
      const information = await provider.clientInformation({ issuer: ISSUER });
      expect(information?.client_id).toBe("dcr-1");
      expect(as.seen.join("\n")).not.toContain("old-client");
    } finally {
      await provider.close();
    }
  });

  it("without a sign-in starting, no client is obtained: it needs sign-in, nothing is registered", async () => {
    const as = authorizationServer(registered);
    const provider = new WrenOAuthProvider({
      server: { name: "s", url: "https://s/mcp", oauth: {} },
      storage,
      fetch: as,
    });
    await expect(provider.clientInformation({ issuer: ISSUER })).rejects.toThrow(/needs sign-in/);
    expect(as.seen).toEqual([]);
  });
});

describe("refusedClientId", () => {
  const refusal = (error: string): Response => Response.json({ error }, { status: 401 });

  it("names the client of a POST the server answered invalid_client or unauthorized_client", async () => {
    const form = { method: "POST", body: new URLSearchParams({ client_id: "pub" }) };
    expect(await refusedClientId(form, refusal("invalid_client"))).toBe("pub");
    const basic = {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from("conf%3Aid:secret").toString("base64")}` },
      body: "grant_type=refresh_token",
    };
    expect(
      await refusedClientId(
        basic,
        Response.json({ error: "unauthorized_client" }, { status: 400 }),
      ),
    ).toBe("conf:id");
  });

  it("ignores other errors, other methods and bodies that are not JSON", async () => {
    const form = { method: "POST", body: "client_id=pub" };
    expect(await refusedClientId(form, refusal("invalid_grant"))).toBeUndefined();
    expect(await refusedClientId({ method: "GET" }, refusal("invalid_client"))).toBeUndefined();
    expect(await refusedClientId(form, new Response("nope", { status: 401 }))).toBeUndefined();
    const response = refusal("invalid_client");
    await refusedClientId(form, response);
    expect(await response.json()).toEqual({ error: "invalid_client" });
  });
});
