// The device authorization grant (RFC 8628) of mock-mcps/http-oauth.mjs --device: a device
// authorization endpoint, the device_code grant at /token, and /__test hooks that play the
// user (approve, deny) and the clock (expire). --device-slow-down N answers the first N polls
// `slow_down`; --device-user-code and --device-verification-uri send what a hostile
// authorization server would.
import { randomBytes } from "node:crypto";
import { readBody, sendJson } from "./http-host.mjs";

/** The grant type of RFC 8628 §3.4. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** Options of the device grant, merged into http-oauth.mjs's option spec. */
export const DEVICE_OPTION_SPEC = {
  device: { type: "boolean", default: false },
  "device-interval": { type: "integer", default: 5 },
  "device-expires": { type: "integer", default: 600 },
  "device-slow-down": { type: "integer", default: 0 },
  "device-user-code": { type: "string" },
  "device-verification-uri": { type: "string" },
};

/** The device grant of one authorization server at `base`. */
export function createDeviceGrant({ baseUrl, options, stats, authenticateClient }) {
  const codes = new Map(); // device_code -> { userCode, clientId, scope, state, expiresAt }
  let slowDowns = options.deviceSlowDown;
  stats.deviceAuthorizations = 0;
  stats.devicePolls = 0;

  function metadata() {
    return options.device
      ? { device_authorization_endpoint: `${baseUrl()}/device_authorization` }
      : {};
  }

  async function handleAuthorization(req, res) {
    const params = new URLSearchParams(await readBody(req));
    const client = authenticateClient(req, params);
    if (!client) return sendJson(res, 401, { error: "invalid_client" });
    if (!client.grant_types?.includes(DEVICE_CODE_GRANT)) {
      return sendJson(res, 400, { error: "unauthorized_client" });
    }
    stats.deviceAuthorizations += 1;
    const deviceCode = randomBytes(18).toString("base64url");
    const userCode = options.deviceUserCode ?? randomBytes(4).toString("hex").toUpperCase();
    codes.set(deviceCode, {
      userCode,
      clientId: client.client_id,
      scope: params.get("scope") ?? options.scopes,
      state: "pending",
      expiresAt: Date.now() + options.deviceExpires * 1000,
    });
    const verification = options.deviceVerificationUri ?? `${baseUrl()}/device`;
    return sendJson(res, 200, {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verification,
      verification_uri_complete: `${verification}?user_code=${encodeURIComponent(userCode)}`,
      expires_in: options.deviceExpires,
      interval: options.deviceInterval,
    });
  }

  /** The answer to a device_code token request: an error, or `{ scope }` to issue tokens for. */
  function tokenAnswer(params, client) {
    stats.devicePolls += 1;
    const entry = codes.get(params.get("device_code") ?? "");
    if (!entry || entry.clientId !== client.client_id) return { error: "invalid_grant" };
    if (entry.state === "expired" || entry.expiresAt < Date.now())
      return { error: "expired_token" };
    if (slowDowns > 0) {
      slowDowns -= 1;
      return { error: "slow_down" };
    }
    if (entry.state === "denied") return { error: "access_denied" };
    if (entry.state !== "approved") return { error: "authorization_pending" };
    codes.delete(params.get("device_code") ?? "");
    return { scope: entry.scope };
  }

  /** `/__test/device?do=approve|deny|expire`: the user (or the clock) acts on every open code. */
  function testHook(res, url) {
    const action = url.searchParams.get("do");
    const state = { approve: "approved", deny: "denied", expire: "expired" }[action ?? ""];
    if (!state) return sendJson(res, 400, { error: "do=approve|deny|expire" });
    for (const entry of codes.values()) entry.state = state;
    return sendJson(res, 200, { codes: codes.size });
  }

  return { metadata, handleAuthorization, tokenAnswer, testHook };
}
