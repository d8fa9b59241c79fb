#!/usr/bin/env node
// Over 400 lines: oidc-provider's configuration and the resource server it guards belong to one process.
// A real, certified authorization server (oidc-provider 9.x) for black-box OAuth tests, with an
// optional MCP resource server it protects (--mcp, on its own port: another origin). The AS keeps
// oidc-provider's own behaviour: discovery documents relative to the issuer (OIDC's alone with
// --oidc-only), RFC 7591 registration, PKCE, RFC 8707 resource indicators, rotating refresh
// tokens with reuse detection, RFC 7009 revocation, RFC 7662 introspection, RFC 9207 `iss`, and
// its development login/consent pages at /interaction/:uid (any login and password). Flags only
// switch features and play faults; /__test hooks report counters and move the clock. Prints
// "mcp on <port>" (with --mcp) and then "listening on <port>" (the AS). See README.md.
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, verify } from "node:crypto";
import { createServer } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import Provider, { errors } from "oidc-provider";
import { checkProof } from "./dpop.mjs";
import { exitWithUsageError, readOptions, UsageError } from "./faults.mjs";
import { listen, readBody, sendJson } from "./http-json.mjs";
import { connectMockServer, createMockServer } from "./tools.mjs";

const USAGE =
  "usage: node mock-mcps/oidc-as.mjs [--port N] [--issuer-path /PATH] [--issuer URL]" +
  " [--access-token-ttl SECONDS] [--no-refresh-rotation] [--no-revocation] [--no-iss]" +
  " [--no-registration] [--no-resource-indicators] [--jwt-access-tokens] [--device-flow]" +
  " [--oidc-only] [--no-dpop] [--mcp] [--mcp-port N] [--scope SCOPE] [--introspection-client ID:SECRET]";

const OPTION_SPEC = {
  port: { type: "integer", default: 0 },
  "issuer-path": { type: "string", default: "" },
  issuer: { type: "string" },
  "access-token-ttl": { type: "integer", default: 3600 },
  "no-refresh-rotation": { type: "boolean", default: false },
  "no-revocation": { type: "boolean", default: false },
  "no-iss": { type: "boolean", default: false },
  "no-registration": { type: "boolean", default: false },
  "no-resource-indicators": { type: "boolean", default: false },
  "jwt-access-tokens": { type: "boolean", default: false },
  "device-flow": { type: "boolean", default: false },
  "oidc-only": { type: "boolean", default: false },
  "no-dpop": { type: "boolean", default: false },
  mcp: { type: "boolean", default: false },
  "mcp-port": { type: "integer", default: 0 },
  scope: { type: "string", default: "mcp:tools" },
  "introspection-client": { type: "string", default: "mcp-resource-server:rs-secret" },
};

/** `ID:SECRET` of the confidential client the resource server introspects with. */
function parseClient(spec) {
  const colon = spec.indexOf(":");
  if (colon <= 0 || colon === spec.length - 1) {
    throw new UsageError(`--introspection-client expects ID:SECRET, got "${spec}"`);
  }
  return { id: spec.slice(0, colon), secret: spec.slice(colon + 1) };
}

function log(line) {
  process.stderr.write(`oidc-as: ${line}\n`);
}

/**
 * The AS's clock: oidc-provider and jose read Date.now(), so /__test/clock moves it forward for
 * the whole process (tokens expire without waiting). Only this test server's clock moves.
 */
function installClock() {
  const real = Date.now.bind(Date);
  let offsetMs = 0;
  Date.now = () => real() + offsetMs;
  return {
    /** The clock of the machines whose time did not move (wren's, the resource server's). */
    real,
    advance(seconds) {
      offsetMs += seconds * 1000;
      return offsetMs;
    },
  };
}

function base64urlJson(part) {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/** The resource server's view of the AS: token validation by introspection, or JWT + JWKS. */
function createTokenValidator({ issuer, servedAt, resource, checkAudience, client }) {
  let discovered;
  async function metadata() {
    discovered ??= fetch(`${servedAt}/.well-known/openid-configuration`).then((r) => r.json());
    return discovered;
  }

  async function verifyJwt(token) {
    const [header64, payload64, signature64] = token.split(".");
    const header = base64urlJson(header64);
    if (header.alg !== "RS256") return { ok: false, why: `alg ${header.alg}` };
    const jwks = await (await fetch((await metadata()).jwks_uri)).json();
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    if (!jwk) return { ok: false, why: "unknown kid" };
    const valid = verify(
      "RSA-SHA256",
      Buffer.from(`${header64}.${payload64}`),
      createPublicKey({ key: jwk, format: "jwk" }),
      Buffer.from(signature64, "base64url"),
    );
    if (!valid) return { ok: false, why: "bad signature" };
    return { ok: true, claims: base64urlJson(payload64) };
  }

  async function introspect(token) {
    const { introspection_endpoint: endpoint } = await metadata();
    const basic = Buffer.from(`${client.id}:${client.secret}`);
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${basic.toString("base64")}`,
      },
      body: new URLSearchParams({ token }),
    });
    const claims = await response.json();
    return claims.active === true ? { ok: true, claims } : { ok: false, why: "inactive" };
  }

  return async function validate(token) {
    const isJwt = /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
    const result = isJwt ? await verifyJwt(token) : await introspect(token);
    if (!result.ok) return result;
    const { claims } = result;
    if (claims.iss !== issuer) return { ok: false, why: `iss ${claims.iss}` };
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= Date.now()) {
      return { ok: false, why: "expired" };
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (checkAudience && !audiences.includes(resource)) {
      return { ok: false, why: `aud ${audiences.join(" ")}` };
    }
    return { ok: true, claims };
  };
}

/** The MCP resource server: the mock tools over Streamable HTTP at /mcp, behind Bearer tokens. */
function createResourceServer({ scope, stats, now }) {
  const sessions = new Map();
  const seenJtis = new Set();
  let origin = "";
  let authorizationServer = "";
  let validate = async () => ({ ok: false, why: "not ready" });
  const resource = () => `${origin}/mcp`;
  const metadataUrl = () => `${origin}/.well-known/oauth-protected-resource/mcp`;

  function challenge(res, error) {
    stats.mcpUnauthorized += 1;
    const parts = [`resource_metadata="${metadataUrl()}"`, `scope="${scope}"`];
    if (error) parts.push(`error="${error}"`);
    sendJson(
      res,
      401,
      { error: error ?? "unauthorized" },
      {
        "www-authenticate": `Bearer ${parts.join(", ")}`,
      },
    );
  }

  async function handleMcp(req, res) {
    stats.mcpRequests += 1;
    let body;
    if (req.method === "POST") {
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return sendJson(res, 400, {
          jsonrpc: "2.0",
          error: { code: -32700, message: "Parse error" },
          id: null,
        });
      }
    }
    const header = req.headers.authorization ?? "";
    const space = header.indexOf(" ");
    const scheme = space > 0 ? header.slice(0, space).toLowerCase() : "";
    const presented = scheme === "bearer" || scheme === "dpop" ? header.slice(space + 1) : "";
    if (!presented) return challenge(res, undefined);
    const verdict = await validate(presented);
    if (!verdict.ok) {
      log(`mcp: token refused (${verdict.why})`);
      return challenge(res, "invalid_token");
    }
    // RFC 9449 §7: a DPoP-bound token (cnf.jkt) only with the DPoP scheme and a proof signed by
    // its key for this request; an unbound token never with the DPoP scheme.
    const jkt = verdict.claims.cnf?.jkt;
    if (jkt !== undefined || scheme === "dpop") {
      const proof =
        jkt !== undefined && scheme === "dpop"
          ? checkProof(req.headers.dpop, {
              htm: req.method ?? "",
              htu: resource(),
              accessToken: presented,
              seenJtis,
              now,
            })
          : { ok: false, error: `${scheme} scheme for a token ${jkt ? "" : "not "}bound to a key` };
      if (!proof.ok || proof.jkt !== jkt) {
        stats.mcpDpopRefused += 1;
        log(`mcp: DPoP refused (${proof.ok ? "proof signed by another key" : proof.error})`);
        return challenge(res, "invalid_token");
      }
      stats.mcpDpop += 1;
    }
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const session = sessions.get(sessionId);
      if (!session) {
        return sendJson(res, 404, {
          jsonrpc: "2.0",
          error: { code: -32001, message: "Session not found" },
          id: null,
        });
      }
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return sendJson(res, 400, {
        jsonrpc: "2.0",
        error: { code: -32000, message: "no valid session id" },
        id: null,
      });
    }
    const server = createMockServer({ name: "wren-mock-oidc", log });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => sessions.set(id, { server, transport }),
      onsessionclosed: () => void server.close(),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await connectMockServer(server, transport);
    return transport.handleRequest(req, res, body);
  }

  async function route(req, res) {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const prm = "/.well-known/oauth-protected-resource";
    if (req.method === "GET" && (path === prm || path === `${prm}/mcp`)) {
      return sendJson(res, 200, {
        resource: resource(),
        authorization_servers: [authorizationServer],
        scopes_supported: scope.split(" "),
        bearer_methods_supported: ["header"],
      });
    }
    if (path === "/mcp") return handleMcp(req, res);
    return sendJson(res, 404, { error: "not_found" });
  }

  const http = createServer((req, res) => {
    route(req, res).catch((error) => {
      log(
        `mcp: error on ${req.method} ${req.url}: ${error instanceof Error ? error.stack : error}`,
      );
      if (!res.headersSent) sendJson(res, 500, { error: "server_error" });
    });
  });

  return {
    http,
    resource,
    async listen(port) {
      const bound = await listen(http, port);
      origin = `http://127.0.0.1:${bound}`;
      return bound;
    },
    /** Binds the resource server to its authorization server once that one listens. */
    protectWith(asUrl, validator) {
      authorizationServer = asUrl;
      validate = validator;
    },
    async close() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map(({ server }) => server.close()));
      http.closeAllConnections();
      await new Promise((resolve) => http.close(() => resolve()));
    },
  };
}

function providerConfiguration(options, { jwk, resourceUrl }) {
  const resourceIndicators = !options.noResourceIndicators;
  return {
    clients: [
      {
        client_id: options.introspector.id,
        client_secret: options.introspector.secret,
        grant_types: [],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(24).toString("base64url")] },
    // The MCP scope is also one of the AS's own: clients register with it (RFC 7591 `scope`),
    // and it is what the AS grants when no resource indicator is used.
    scopes: ["openid", "offline_access", ...options.scope.split(" ")],
    pkce: { required: () => true },
    ttl: {
      AccessToken: options.accessTokenTtl,
      ClientCredentials: options.accessTokenTtl,
    },
    // A public client signing in to an MCP server gets a refresh token without asking for
    // offline_access (which only means something with OpenID Connect's openid scope).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: () => !options.noRefreshRotation,
    features: {
      devInteractions: { enabled: true },
      introspection: {
        enabled: true,
        allowedPolicy: async (ctx, client, token) =>
          client.clientAuthMethod !== "none" || token.clientId === ctx.oidc.client.clientId,
      },
      revocation: {
        enabled: !options.noRevocation,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      registration: { enabled: !options.noRegistration },
      deviceFlow: { enabled: options.deviceFlow },
      // On by default in oidc-provider: a client that sends a proof gets DPoP-bound tokens.
      // A nonce lets a proof through whose iat is judged by a clock that moved (/__test/clock):
      // RFC 9449 §8, and wren's nonce handling against a real server.
      dPoP: { enabled: !options.noDpop, nonceSecret: randomBytes(32) },
      resourceIndicators: {
        enabled: resourceIndicators,
        defaultResource: async () => undefined,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (resourceUrl === undefined || indicator !== resourceUrl) {
            throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          }
          return {
            scope: options.scope,
            audience: indicator,
            accessTokenTTL: options.accessTokenTtl,
            accessTokenFormat: options.jwtAccessTokens ? "jwt" : "opaque",
            ...(options.jwtAccessTokens && { jwt: { sign: { alg: "RS256" } } }),
          };
        },
      },
    },
  };
}

async function main() {
  let options;
  try {
    options = readOptions(process.argv.slice(2), process.env, OPTION_SPEC);
    options.introspector = parseClient(options.introspectionClient);
    if (options.issuerPath && !/^(\/[\w.-]+)+$/.test(options.issuerPath)) {
      throw new UsageError(`--issuer-path expects /a/path, got "${options.issuerPath}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) exitWithUsageError(error, USAGE);
    throw error;
  }
  const clock = installClock();
  const stats = {
    authorize: 0,
    registrations: 0,
    tokenAuthorizationCode: 0,
    tokenRefresh: 0,
    refreshReuse: 0,
    refreshErrors: 0,
    revocations: 0,
    revocationErrors: 0,
    revokedGrants: 0,
    introspections: 0,
    mcpRequests: 0,
    mcpUnauthorized: 0,
    mcpDpop: 0,
    mcpDpopRefused: 0,
    dpopNonceChallenges: 0,
  };
  const presentations = new Map(); // refresh token -> times presented

  const mcp = options.mcp
    ? createResourceServer({ scope: options.scope, stats, now: clock.real })
    : undefined;
  const mcpPort = mcp ? await mcp.listen(options.mcpPort) : undefined;

  let handler = (_req, res) => sendJson(res, 503, { error: "starting" });
  const http = createServer((req, res) => handler(req, res));
  const port = await listen(http, options.port);
  const servedAt = `http://127.0.0.1:${port}${options.issuerPath}`;
  // --issuer: the metadata names another issuer than the URL it is served at (RFC 8414 §3.3).
  const issuer = options.issuer ?? servedAt;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "k1", use: "sig", alg: "RS256" };
  const provider = new Provider(
    issuer,
    providerConfiguration(options, { jwk, resourceUrl: mcp?.resource() }),
  );
  provider.on("grant.revoked", () => {
    stats.revokedGrants += 1;
  });
  // A spent refresh token presented again: oidc-provider revokes the grant (reuse detection).
  provider.on("grant.error", (_ctx, error) => {
    if (error?.error_detail === "refresh token already used") stats.refreshReuse += 1;
  });
  provider.on("server_error", (_ctx, error) => log(`server_error: ${error.stack ?? error}`));

  // Counters, and --no-iss: an AS that neither advertises nor sends RFC 9207 `iss`.
  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route;
    const params = ctx.oidc?.params ?? {};
    if (route === "authorization") stats.authorize += 1;
    if (route === "registration" && ctx.status === 201) stats.registrations += 1;
    if (route === "introspection") stats.introspections += 1;
    if (route === "revocation") {
      if (ctx.status === 200) stats.revocations += 1;
      else stats.revocationErrors += 1;
    }
    // A token request answered use_dpop_nonce was not processed: the client retries with the
    // nonce, and only that retry counts (a refresh token is not spent by the challenge).
    const nonceChallenge = route === "token" && ctx.body?.error === "use_dpop_nonce";
    if (nonceChallenge) stats.dpopNonceChallenges += 1;
    if (route === "token" && params.grant_type === "authorization_code" && !nonceChallenge) {
      stats.tokenAuthorizationCode += 1;
    }
    if (route === "token" && params.grant_type === "refresh_token" && !nonceChallenge) {
      stats.tokenRefresh += 1;
      const presented = String(params.refresh_token ?? "");
      presentations.set(presented, (presentations.get(presented) ?? 0) + 1);
      if (ctx.status !== 200) stats.refreshErrors += 1;
    }
    if (options.noIss) {
      if (route === "discovery" && ctx.body) {
        delete ctx.body.authorization_response_iss_parameter_supported;
      }
      const location = ctx.response.get("location");
      if (location?.includes("iss=")) {
        const url = new URL(location);
        url.searchParams.delete("iss");
        ctx.response.set("location", url.href);
      }
    }
  });

  const callback = provider.callback();
  const wellKnown = "/.well-known/oauth-authorization-server";

  function testHook(res, url) {
    switch (url.pathname) {
      case "/__test/stats":
        return sendJson(res, 200, {
          ...stats,
          maxRefreshPresentations: Math.max(0, ...presentations.values()),
        });
      case "/__test/clock": {
        const seconds = Number(url.searchParams.get("advance") ?? "0");
        return sendJson(res, 200, { offsetMs: clock.advance(seconds) });
      }
      default:
        return sendJson(res, 404, { error: "not_found" });
    }
  }

  handler = (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith("/__test/")) return testHook(res, url);
    // --oidc-only: OpenID Connect discovery alone, as many identity providers publish it.
    if (options.oidcOnly && url.pathname.includes(wellKnown)) {
      return sendJson(res, 404, { error: "not_found" });
    }
    if (options.issuerPath) {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      if (path !== options.issuerPath && !path.startsWith(`${options.issuerPath}/`)) {
        return sendJson(res, 404, { error: "not_found" });
      }
      // Mounted under the issuer path: oidc-provider reads the mount point from originalUrl.
      req.originalUrl = req.url;
      req.url = req.url.slice(options.issuerPath.length) || "/";
    }
    return callback(req, res);
  };

  if (mcp)
    mcp.protectWith(
      servedAt,
      createTokenValidator({
        issuer,
        servedAt,
        resource: mcp.resource(),
        checkAudience: !options.noResourceIndicators,
        client: options.introspector,
      }),
    );

  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => {
      http.closeAllConnections();
      http.close();
      void (mcp?.close() ?? Promise.resolve()).then(() => process.exit(0));
    });
  }
  if (mcpPort !== undefined) process.stdout.write(`mcp on ${mcpPort}\n`);
  process.stdout.write(`listening on ${port}\n`);
}

main().catch((error) => {
  log(`fatal: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
