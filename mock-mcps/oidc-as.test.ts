// The oidc-provider harness (mock-mcps/oidc-as.mjs) on its own, without wren: its switches
// change what the authorization server publishes, and a plain OAuth client (registration, code
// with PKCE, token) gets an access token its MCP resource server accepts.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as z from "zod/v4";
import {
  authorizeInBrowser,
  bearerInitialize,
  type OidcAs,
  startOidcAs,
} from "../src/mcp/oauth/oidc-test-support.js";

// Each test starts its own authorization server (oidc-provider loads in a second or more).
vi.setConfig({ testTimeout: 60_000 });

const started: OidcAs[] = [];

afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

async function start(args: readonly string[] = []): Promise<OidcAs> {
  const as = await startOidcAs(args);
  started.push(as);
  return as;
}

const DiscoverySchema = z.looseObject({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  registration_endpoint: z.optional(z.string()),
  revocation_endpoint: z.optional(z.string()),
  device_authorization_endpoint: z.optional(z.string()),
  authorization_response_iss_parameter_supported: z.optional(z.boolean()),
});

async function discovery(as: OidcAs): Promise<z.infer<typeof DiscoverySchema>> {
  const response = await fetch(`${as.issuer}/.well-known/openid-configuration`);
  return DiscoverySchema.parse(await response.json());
}

async function statusOf(url: string, init?: RequestInit): Promise<number> {
  const response = await fetch(url, init);
  await response.body?.cancel();
  return response.status;
}

interface Issued {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly clientId: string;
}

/** A public client's whole code flow with PKCE and a resource indicator. */
async function codeFlow(as: OidcAs): Promise<Issued> {
  const metadata = await discovery(as);
  const redirectUri = "http://127.0.0.1:1/callback";
  const registration = await fetch(metadata.registration_endpoint ?? "", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      redirect_uris: [redirectUri],
      application_type: "native",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }),
  });
  const { client_id: clientId } = z
    .looseObject({ client_id: z.string() })
    .parse(await registration.json());
  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL(metadata.authorization_endpoint);
  for (const [key, value] of Object.entries({
    client_id: clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: "mcp:tools",
    resource: as.mcpUrl,
    state: "s1",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  })) {
    authorize.searchParams.set(key, value);
  }
  const callback = new URL(await authorizeInBrowser(authorize.href));
  expect(callback.origin + callback.pathname).toBe(redirectUri);
  const token = await fetch(metadata.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: callback.searchParams.get("code") ?? "",
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: clientId,
      resource: as.mcpUrl,
    }),
  });
  const body = z
    .looseObject({ access_token: z.string(), refresh_token: z.string() })
    .parse(await token.json());
  return { accessToken: body.access_token, refreshToken: body.refresh_token, clientId };
}

/** A refresh-token grant; the HTTP status. */
async function refresh(as: OidcAs, issued: Issued): Promise<number> {
  const metadata = await discovery(as);
  return statusOf(metadata.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: issued.refreshToken,
      client_id: issued.clientId,
      resource: as.mcpUrl,
    }),
  });
}

describe("mock-mcps/oidc-as.mjs", () => {
  it("by default: registration, revocation and iss advertised; the resource server names the AS", async () => {
    const as = await start();
    const metadata = await discovery(as);
    expect(metadata.issuer).toBe(as.issuer);
    expect(metadata.registration_endpoint).toBeDefined();
    expect(metadata.revocation_endpoint).toBeDefined();
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.device_authorization_endpoint).toBeUndefined();
    const prm = await fetch(new URL("/.well-known/oauth-protected-resource/mcp", as.mcpUrl).href);
    expect(await prm.json()).toMatchObject({
      resource: as.mcpUrl,
      authorization_servers: [as.issuer],
    });
    const anonymous = await fetch(as.mcpUrl, bearerInitialize(""));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("resource_metadata=");
    await anonymous.body?.cancel();

    const issued = await codeFlow(as);
    expect(await statusOf(as.mcpUrl, bearerInitialize(issued.accessToken))).toBe(200);
    await as.advanceClock(3700);
    expect(await statusOf(as.mcpUrl, bearerInitialize(issued.accessToken))).toBe(401);

    // Rotation with reuse detection, as the counters the wren tests rely on report it.
    expect(await refresh(as, issued)).toBe(200);
    expect(await refresh(as, issued)).toBe(400);
    const stats = await as.stats();
    expect(stats).toMatchObject({ tokenRefresh: 2, refreshReuse: 1, maxRefreshPresentations: 2 });
    expect(stats.revokedGrants).toBeGreaterThan(0);
  });

  it("switches: device flow on; registration, revocation, iss and RFC 8414 discovery off", async () => {
    const as = await start([
      "--device-flow",
      "--no-registration",
      "--no-revocation",
      "--no-iss",
      "--oidc-only",
      "--issuer-path",
      "/tenant",
    ]);
    const metadata = await discovery(as);
    expect(metadata.issuer).toBe(`${as.origin}/tenant`);
    expect(metadata.device_authorization_endpoint).toBe(`${as.issuer}/device/auth`);
    expect(metadata.registration_endpoint).toBeUndefined();
    expect(metadata.revocation_endpoint).toBeUndefined();
    expect(metadata.authorization_response_iss_parameter_supported).toBeUndefined();
    expect(await statusOf(`${as.issuer}/.well-known/oauth-authorization-server`)).toBe(404);
  });

  it("JWT access tokens are accepted by its resource server", async () => {
    const jwt = await start(["--jwt-access-tokens"]);
    const jwtToken = (await codeFlow(jwt)).accessToken;
    expect(jwtToken.split(".")).toHaveLength(3);
    expect(await statusOf(jwt.mcpUrl, bearerInitialize(jwtToken))).toBe(200);
  });

  it("tokens without resource indicators are accepted by its resource server", async () => {
    const plain = await start(["--no-resource-indicators"]);
    expect(
      await statusOf(plain.mcpUrl, bearerInitialize((await codeFlow(plain)).accessToken)),
    ).toBe(200);
  });
});
