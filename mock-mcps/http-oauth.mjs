#!/usr/bin/env node
// Over 400 lines: one authorization + resource server whose flows share its state, kept whole as the tests run it.
// OAuth-protected mock MCP server with its own authorization server, for wren's OAuth tests and
// `npm run demo`. Streamable HTTP at /mcp and legacy HTTP+SSE at /sse (+ /messages), both behind
// Bearer tokens and each its own protected resource; RFC 9728 + RFC 8414 metadata,
// RFC 7591 registration, /authorize (auto-approve, consent page or deny), /token with PKCE,
// single-use rotating refresh tokens with reuse detection, RFC 7009 revocation, insufficient_scope
// step-up, DPoP-bound tokens (--dpop, --dpop-nonce: RFC 9449), and /__test hooks. Prints "listening on <port>". See README.md.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { checkProof } from "./dpop.mjs";
import { exitWithUsageError, readOptions, UsageError } from "./faults.mjs";
import { createMcpHost, readBody, sendJson, serveHttp } from "./http-host.mjs";
import { createMockServer } from "./tools.mjs";

const USAGE =
  "usage: node mock-mcps/http-oauth.mjs [--port N] [--token-ttl SECONDS] [--consent] [--deny]" +
  " [--scopes 'A B'] [--require-scope TOOL=SCOPE] [--no-refresh-rotation] [--open-initialize]" +
  " [--client-credentials ID:SECRET] [--iss right|omit|wrong|none] [--metadata-issuer URL]" +
  " [--reject-registration] [--dpop] [--dpop-nonce] [--dpop-unadvertised]";

/** How the authorization responses carry RFC 9207 `iss` (and whether the metadata promises it). */
const ISS_MODES = ["right", "omit", "wrong", "none"];

const OPTION_SPEC = {
  port: { type: "integer", default: 0 },
  "token-ttl": { type: "integer", env: "MOCK_OAUTH_TOKEN_TTL", default: 3600 },
  consent: { type: "boolean", env: "MOCK_OAUTH_CONSENT", default: false },
  "open-initialize": { type: "boolean", env: "MOCK_OAUTH_OPEN_INITIALIZE", default: false },
  deny: { type: "boolean", env: "MOCK_OAUTH_DENY", default: false },
  scopes: { type: "string", env: "MOCK_OAUTH_SCOPES", default: "mcp:read mcp:write" },
  "require-scope": { type: "string", env: "MOCK_OAUTH_REQUIRE_SCOPE" },
  "no-refresh-rotation": { type: "boolean", default: false },
  "client-credentials": { type: "string", env: "MOCK_OAUTH_CLIENT_CREDENTIALS" },
  iss: { type: "string", env: "MOCK_OAUTH_ISS", default: "right" },
  "metadata-issuer": { type: "string", env: "MOCK_OAUTH_METADATA_ISSUER" },
  "reject-registration": { type: "boolean", default: false },
  /** Sender-constrained tokens: proofs at /token, `DPoP` scheme + proof at the resource. */
  dpop: { type: "boolean", default: false },
  /** With --dpop: both servers demand their nonce (RFC 9449 §8, §9). */
  "dpop-nonce": { type: "boolean", default: false },
  /** With --dpop: the metadata does not say so; only the resource server's challenge does. */
  "dpop-unadvertised": { type: "boolean", default: false },
};

function log(line) {
  process.stderr.write(`mock-oauth: ${line}\n`);
}

const token = (prefix) => `${prefix}_${randomBytes(18).toString("base64url")}`;
const sha256 = (text) => createHash("sha256").update(text).digest("base64url");

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function parseRequireScope(spec) {
  if (!spec) return null;
  const eq = spec.indexOf("=");
  if (eq <= 0) throw new UsageError(`--require-scope expects TOOL=SCOPE, got "${spec}"`);
  return { tool: spec.slice(0, eq), scope: spec.slice(eq + 1) };
}

/** `ID:SECRET` → a pre-registered confidential client allowed the client_credentials grant. */
function parseClientCredentials(spec) {
  if (!spec) return null;
  const colon = spec.indexOf(":");
  if (colon <= 0 || colon === spec.length - 1) {
    throw new UsageError(`--client-credentials expects ID:SECRET, got "${spec}"`);
  }
  return {
    client_id: spec.slice(0, colon),
    client_secret: spec.slice(colon + 1),
    grant_types: ["client_credentials"],
  };
}

function createOAuthMock(options) {
  if (!ISS_MODES.includes(options.iss)) {
    throw new UsageError(`--iss expects one of ${ISS_MODES.join(", ")}, got "${options.iss}"`);
  }
  const stepUp = parseRequireScope(options.requireScope);
  const scopesSupported = options.scopes.split(/\s+/).filter(Boolean);
  if (stepUp && !scopesSupported.includes(stepUp.scope)) scopesSupported.push(stepUp.scope);
  const clients = new Map(); // client_id -> registration
  const machineClient = parseClientCredentials(options.clientCredentials);
  if (machineClient) clients.set(machineClient.client_id, machineClient);
  const codes = new Map(); // code -> { clientId, redirectUri, challenge, scope, resource, expiresAt }
  const accessTokens = new Map(); // token -> { family, scope, expiresAt, clientId }
  const refreshTokens = new Map(); // token -> { family, scope, clientId, used }
  const revokedFamilies = new Set();
  const pendingConsents = new Map(); // id -> authorize params
  const presentations = new Map(); // refresh token -> times presented
  const stats = {
    register: 0,
    authorize: 0,
    tokenAuthorizationCode: 0,
    tokenRefresh: 0,
    tokenClientCredentials: 0,
    refreshReuse: 0,
    revoke: 0,
    mcpRequests: 0,
    unauthorized: 0,
    insufficientScope: 0,
    metadata: 0,
    dpopTokenRequests: 0,
    dpopNonceChallenges: 0,
    dpopRejected: 0,
    /** A DPoP-bound access token presented with the Bearer scheme (a downgrade). */
    bearerWithBoundToken: 0,
  };
  const dpopJtis = new Set();
  const asNonce = token("asn");
  const rsNonce = token("rsn");
  let force401 = 0;
  /** Set by /__test/move-as: the authorization server the protected resource metadata names. */
  let movedTo;
  let base = "";

  // The protected resources: Streamable HTTP and legacy SSE, named by their endpoint paths.
  const RESOURCE_PATHS = ["/mcp", "/sse"];
  const isResource = (url) => RESOURCE_PATHS.some((path) => url === `${base}${path}`);
  const resourceMetadataUrl = (path) => `${base}/.well-known/oauth-protected-resource${path}`;

  function authServerMetadata() {
    return {
      // --metadata-issuer plays an authorization server whose metadata names another issuer.
      issuer: options.metadataIssuer ?? base,
      ...(options.iss !== "none" && { authorization_response_iss_parameter_supported: true }),
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      registration_endpoint: `${base}/register`,
      revocation_endpoint: `${base}/revoke`,
      response_types_supported: ["code"],
      grant_types_supported: [
        "authorization_code",
        "refresh_token",
        ...(machineClient ? ["client_credentials"] : []),
      ],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
      scopes_supported: scopesSupported,
      ...(options.dpop &&
        !options.dpopUnadvertised && { dpop_signing_alg_values_supported: ["ES256"] }),
    };
  }

  function issueTokens(family, scope, clientId, jkt) {
    const access = token("at");
    accessTokens.set(access, {
      family,
      scope,
      clientId,
      jkt,
      expiresAt: Date.now() + options.tokenTtl * 1000,
    });
    const refresh = token("rt");
    refreshTokens.set(refresh, { family, scope, clientId, jkt, used: false });
    return {
      access_token: access,
      token_type: jkt ? "DPoP" : "Bearer",
      expires_in: options.tokenTtl,
      refresh_token: refresh,
      scope,
    };
  }

  function revokeFamily(family) {
    revokedFamilies.add(family);
    for (const [t, info] of accessTokens) if (info.family === family) accessTokens.delete(t);
    for (const [t, info] of refreshTokens) if (info.family === family) refreshTokens.delete(t);
  }

  function revokeAll() {
    for (const info of [...refreshTokens.values(), ...accessTokens.values()]) {
      revokeFamily(info.family);
    }
  }

  /** Client authentication at /token and /revoke: Basic, post, or a public client_id. */
  function authenticateClient(req, params) {
    let clientId = params.get("client_id");
    let secret = params.get("client_secret");
    const header = req.headers.authorization;
    if (header?.startsWith("Basic ")) {
      const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      clientId = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
    const client = clientId ? clients.get(clientId) : undefined;
    if (!client) return null;
    if (client.client_secret && client.client_secret !== secret) return null;
    return client;
  }

  /** The `iss` an authorization response carries (RFC 9207), as --iss says. */
  function responseIssuer() {
    if (options.iss === "right") return base;
    if (options.iss === "wrong") return "https://attacker.example";
    return undefined;
  }

  function redirectWith(res, redirectUri, params) {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    const iss = responseIssuer();
    if (iss !== undefined) url.searchParams.set("iss", iss);
    res.writeHead(302, { location: url.href, "cache-control": "no-store" }).end();
  }

  function approve(res, request) {
    const code = token("code");
    codes.set(code, { ...request, expiresAt: Date.now() + 60_000 });
    redirectWith(res, request.redirectUri, { code, state: request.state });
  }

  function handleAuthorize(res, url) {
    stats.authorize += 1;
    const q = url.searchParams;
    const client = clients.get(q.get("client_id") ?? "");
    const redirectUri = q.get("redirect_uri") ?? "";
    if (!client?.redirect_uris.includes(redirectUri)) {
      return sendJson(res, 400, {
        error: "invalid_request",
        error_description: "unknown client or redirect_uri",
      });
    }
    if (
      q.get("response_type") !== "code" ||
      q.get("code_challenge_method") !== "S256" ||
      !q.get("code_challenge")
    ) {
      return redirectWith(res, redirectUri, {
        error: "invalid_request",
        error_description: "PKCE S256 is required",
        state: q.get("state") ?? undefined,
      });
    }
    const resource = q.get("resource");
    if (resource && !isResource(resource)) {
      return redirectWith(res, redirectUri, {
        error: "invalid_target",
        error_description: `unknown resource ${resource}`,
        state: q.get("state") ?? undefined,
      });
    }
    const request = {
      clientId: client.client_id,
      redirectUri,
      challenge: q.get("code_challenge"),
      scope: q.get("scope") ?? scopesSupported.join(" "),
      resource,
      state: q.get("state") ?? undefined,
    };
    if (options.deny) {
      return redirectWith(res, redirectUri, {
        error: "access_denied",
        error_description: "The user denied the request",
        state: request.state,
      });
    }
    if (!options.consent) return approve(res, request);
    const id = randomUUID();
    pendingConsents.set(id, request);
    const page = `<!doctype html><html><head><meta charset="utf-8"><title>Mock sign-in</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3em">
<h1>Allow ${escapeHtml(client.client_name ?? client.client_id)}?</h1>
<p>It asks for: <code>${escapeHtml(request.scope)}</code></p>
<p><a href="/authorize/decision?id=${id}&allow=1">Allow</a> &middot;
<a href="/authorize/decision?id=${id}&allow=0">Deny</a></p></body></html>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  }

  function handleDecision(res, url) {
    const request = pendingConsents.get(url.searchParams.get("id") ?? "");
    if (!request) return sendJson(res, 400, { error: "invalid_request" });
    pendingConsents.delete(url.searchParams.get("id"));
    if (url.searchParams.get("allow") === "1") return approve(res, request);
    return redirectWith(res, request.redirectUri, {
      error: "access_denied",
      error_description: "The user denied the request",
      state: request.state,
    });
  }

  async function handleRegister(req, res) {
    stats.register += 1;
    if (options.rejectRegistration) {
      return sendJson(res, 400, {
        error: "invalid_client_metadata",
        error_description: "registration is closed",
      });
    }
    let metadata;
    try {
      metadata = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, { error: "invalid_client_metadata" });
    }
    if (!Array.isArray(metadata.redirect_uris) || metadata.redirect_uris.length === 0) {
      return sendJson(res, 400, {
        error: "invalid_redirect_uri",
        error_description: "redirect_uris required",
      });
    }
    const isPublic = (metadata.token_endpoint_auth_method ?? "client_secret_basic") === "none";
    const registration = {
      ...metadata,
      client_id: `client_${randomBytes(8).toString("hex")}`,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      token_endpoint_auth_method: isPublic ? "none" : "client_secret_basic",
      ...(!isPublic && { client_secret: token("secret"), client_secret_expires_at: 0 }),
    };
    clients.set(registration.client_id, registration);
    sendJson(res, 201, registration);
  }

  async function handleToken(req, res) {
    const params = new URLSearchParams(await readBody(req));
    const client = authenticateClient(req, params);
    if (!client)
      return sendJson(res, 401, { error: "invalid_client", error_description: "unknown client" });
    const resource = params.get("resource");
    if (resource && !isResource(resource)) {
      return sendJson(res, 400, { error: "invalid_target" });
    }
    // --dpop: every token request carries a proof; the tokens are bound to its key.
    let jkt;
    if (options.dpop) {
      const proof = checkProof(req.headers.dpop, {
        htm: "POST",
        htu: `${base}/token`,
        ...(options.dpopNonce && { nonce: asNonce }),
        seenJtis: dpopJtis,
      });
      if (!proof.ok && proof.nonceNeeded) {
        stats.dpopNonceChallenges += 1;
        return sendJson(
          res,
          400,
          { error: "use_dpop_nonce", error_description: "use the nonce" },
          { "dpop-nonce": asNonce },
        );
      }
      if (!proof.ok) {
        stats.dpopRejected += 1;
        return sendJson(res, 400, { error: "invalid_dpop_proof", error_description: proof.error });
      }
      stats.dpopTokenRequests += 1;
      jkt = proof.jkt;
    }
    const grant = params.get("grant_type");
    if (grant === "authorization_code") {
      stats.tokenAuthorizationCode += 1;
      const code = codes.get(params.get("code") ?? "");
      codes.delete(params.get("code") ?? "");
      if (!code || code.expiresAt < Date.now() || code.clientId !== client.client_id) {
        return sendJson(res, 400, {
          error: "invalid_grant",
          error_description: "unknown or expired code",
        });
      }
      if (code.redirectUri !== params.get("redirect_uri")) {
        return sendJson(res, 400, {
          error: "invalid_grant",
          error_description: "redirect_uri mismatch",
        });
      }
      if (sha256(params.get("code_verifier") ?? "") !== code.challenge) {
        return sendJson(res, 400, {
          error: "invalid_grant",
          error_description: "PKCE verification failed",
        });
      }
      return sendJson(res, 200, issueTokens(randomUUID(), code.scope, client.client_id, jkt));
    }
    if (grant === "client_credentials") {
      stats.tokenClientCredentials += 1;
      if (!client.grant_types?.includes("client_credentials") || !client.client_secret) {
        return sendJson(res, 400, { error: "unauthorized_client" });
      }
      // OAuth 2.1 §4.2: no refresh token; the client asks again when it needs one.
      const { refresh_token: _none, ...issued } = issueTokens(
        randomUUID(),
        params.get("scope") ?? options.scopes,
        client.client_id,
      );
      return sendJson(res, 200, issued);
    }
    if (grant === "refresh_token") {
      stats.tokenRefresh += 1;
      const presented = params.get("refresh_token") ?? "";
      presentations.set(presented, (presentations.get(presented) ?? 0) + 1);
      const info = refreshTokens.get(presented);
      if (!info || info.clientId !== client.client_id) {
        return sendJson(res, 400, {
          error: "invalid_grant",
          error_description: "unknown refresh token",
        });
      }
      if (info.jkt !== undefined && info.jkt !== jkt) {
        // RFC 9449 §5: a public client's refresh token is bound to the key it was issued to.
        stats.dpopRejected += 1;
        return sendJson(res, 400, {
          error: "invalid_grant",
          error_description: "refresh token bound to another DPoP key",
        });
      }
      if (info.used) {
        stats.refreshReuse += 1;
        log(`refresh token reuse detected: revoking family ${info.family}`);
        revokeFamily(info.family);
        return sendJson(res, 400, {
          error: "invalid_grant",
          error_description: "refresh token reuse detected",
        });
      }
      if (options.noRefreshRotation) {
        const access = token("at");
        accessTokens.set(access, {
          family: info.family,
          scope: info.scope,
          clientId: client.client_id,
          expiresAt: Date.now() + options.tokenTtl * 1000,
        });
        return sendJson(res, 200, {
          access_token: access,
          token_type: "Bearer",
          expires_in: options.tokenTtl,
          scope: info.scope,
        });
      }
      info.used = true;
      return sendJson(res, 200, issueTokens(info.family, info.scope, client.client_id, jkt));
    }
    return sendJson(res, 400, { error: "unsupported_grant_type" });
  }

  async function handleRevoke(req, res) {
    stats.revoke += 1;
    const params = new URLSearchParams(await readBody(req));
    if (!authenticateClient(req, params)) return sendJson(res, 401, { error: "invalid_client" });
    const value = params.get("token") ?? "";
    const info = refreshTokens.get(value) ?? accessTokens.get(value);
    if (info) revokeFamily(info.family);
    res.writeHead(200).end();
  }

  function challenge(res, status, resourcePath, error, extra = {}) {
    const parts = [`resource_metadata="${resourceMetadataUrl(resourcePath)}"`];
    if (error) parts.push(`error="${error}"`);
    if (extra.scope) parts.push(`scope="${extra.scope}"`);
    res
      .writeHead(status, {
        "content-type": "application/json",
        "www-authenticate": `${options.dpop ? "DPoP" : "Bearer"} ${parts.join(", ")}`,
        ...(error === "use_dpop_nonce" && { "dpop-nonce": rsNonce }),
      })
      .end(JSON.stringify({ error: error ?? "unauthorized" }));
  }

  /**
   * The Bearer check of both transports: sends the 401/403 challenge for `resourcePath` and
   * returns false when the request may not go on.
   */
  function admits(req, res, body, resourcePath) {
    stats.mcpRequests += 1;
    const header = req.headers.authorization ?? "";
    const scheme = options.dpop ? "DPoP " : "Bearer ";
    const presented = header.startsWith(scheme) ? header.slice(scheme.length) : "";
    const info = accessTokens.get(presented);
    if (options.dpop && header.startsWith("Bearer ") && accessTokens.get(header.slice(7))?.jkt) {
      stats.bearerWithBoundToken += 1;
      challenge(res, 401, resourcePath, "invalid_token");
      return false;
    }
    if (options.dpop && info) {
      const proof = checkProof(req.headers.dpop, {
        htm: req.method,
        htu: `${base}${new URL(req.url ?? "/", base).pathname}`,
        accessToken: presented,
        ...(options.dpopNonce && { nonce: rsNonce }),
        seenJtis: dpopJtis,
      });
      if (!proof.ok || proof.jkt !== info.jkt) {
        if (proof.nonceNeeded) stats.dpopNonceChallenges += 1;
        else stats.dpopRejected += 1;
        challenge(res, 401, resourcePath, proof.nonceNeeded ? "use_dpop_nonce" : "invalid_token");
        return false;
      }
    }
    if (force401 > 0) {
      force401 -= 1;
      stats.unauthorized += 1;
      challenge(res, 401, resourcePath, "invalid_token");
      return false;
    }
    // --open-initialize: the handshake needs no token, listing and calling tools do.
    const handshake =
      req.method === "GET" ||
      body?.method === "initialize" ||
      body?.method === "notifications/initialized";
    if (options.openInitialize && !presented && handshake) return true;
    if (!info || info.expiresAt < Date.now()) {
      stats.unauthorized += 1;
      challenge(res, 401, resourcePath, presented ? "invalid_token" : undefined);
      return false;
    }
    if (stepUp && body?.method === "tools/call" && body.params?.name === stepUp.tool) {
      const granted = info.scope.split(/\s+/);
      if (!granted.includes(stepUp.scope)) {
        stats.insufficientScope += 1;
        challenge(res, 403, resourcePath, "insufficient_scope", { scope: stepUp.scope });
        return false;
      }
    }
    return true;
  }

  const host = createMcpHost({
    newServer: () => createMockServer({ name: "wren-mock-oauth", log }),
    log,
    admit: admits,
  });

  function handleTestHook(res, url) {
    switch (url.pathname) {
      case "/__test/stats":
        return sendJson(res, 200, {
          ...stats,
          clients: clients.size,
          maxRefreshPresentations: Math.max(0, ...presentations.values()),
          revokedFamilies: revokedFamilies.size,
        });
      case "/__test/force-401":
        force401 += Number(url.searchParams.get("count") ?? "1");
        return sendJson(res, 200, { force401 });
      case "/__test/expire-access-tokens":
        for (const info of accessTokens.values()) info.expiresAt = 0;
        return sendJson(res, 200, { expired: accessTokens.size });
      case "/__test/forget-clients":
        // As if the authorization server was reset: registrations and their tokens are gone.
        revokeAll();
        clients.clear();
        return sendJson(res, 200, { ok: true });
      case "/__test/revoke-all":
        revokeAll();
        return sendJson(res, 200, { ok: true });
      case "/__test/move-as":
        // The resource now names another authorization server (an AS migration).
        movedTo = url.searchParams.get("to") ?? undefined;
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: "not_found" });
    }
  }

  async function route(req, res, url) {
    const path = url.pathname;
    if (path.startsWith("/__test/")) return handleTestHook(res, url);
    const prm = "/.well-known/oauth-protected-resource";
    if (req.method === "GET" && (path === prm || path.startsWith(`${prm}/`))) {
      // The root document describes /mcp; /mcp and /sse each have their own.
      const resourcePath = path === prm ? "/mcp" : path.slice(prm.length);
      if (!RESOURCE_PATHS.includes(resourcePath)) {
        return sendJson(res, 404, { error: "not_found", error_description: `no resource ${path}` });
      }
      stats.metadata += 1;
      return sendJson(res, 200, {
        resource: `${base}${resourcePath}`,
        authorization_servers: [movedTo ?? base],
        scopes_supported: options.scopes.split(/\s+/).filter(Boolean),
        bearer_methods_supported: ["header"],
      });
    }
    if (req.method === "GET" && path === "/.well-known/oauth-authorization-server") {
      stats.metadata += 1;
      return sendJson(res, 200, authServerMetadata());
    }
    if (req.method === "POST" && path === "/register") return handleRegister(req, res);
    if (req.method === "GET" && path === "/authorize") return handleAuthorize(res, url);
    if (req.method === "GET" && path === "/authorize/decision") return handleDecision(res, url);
    if (req.method === "POST" && path === "/token") return handleToken(req, res);
    if (req.method === "POST" && path === "/revoke") return handleRevoke(req, res);
    if (await host.serve(req, res, url)) return;
    return sendJson(res, 404, { error: "not_found", error_description: `no route ${path}` });
  }

  return {
    route,
    close: host.close,
    /** The server's own URL, once it is listening: the issuer and the resources' origin. */
    listening(port) {
      base = `http://127.0.0.1:${port}`;
    },
  };
}

async function main() {
  let options;
  try {
    options = readOptions(process.argv.slice(2), process.env, OPTION_SPEC);
    parseRequireScope(options.requireScope);
    parseClientCredentials(options.clientCredentials);
  } catch (error) {
    if (error instanceof UsageError) exitWithUsageError(error, USAGE);
    throw error;
  }
  const mock = createOAuthMock(options);
  await serveHttp({
    port: options.port,
    log,
    route: mock.route,
    close: mock.close,
    onListening: mock.listening,
  });
}

main().catch((error) => {
  log(`fatal: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
