import { describe, expect, it } from "vitest";
import { DEVICE_CODE_GRANT } from "./device-flow.js";
import {
  deviceEndpointFor,
  issuedTokens,
  signInMethod,
  withDeviceGrant,
} from "./device-sign-in.js";
import { McpDeviceGrantUnavailableError } from "./errors.js";

const endpoint = "https://as.example/device";
const offering = { device_authorization_endpoint: endpoint };
const browser = { openBrowser: async () => ({ opened: true as const, command: "xdg-open" }) };

describe("signInMethod", () => {
  it("takes --device over oauth.method, and oauth.method when the sign-in says nothing", () => {
    expect(signInMethod({ method: "browser" }, { method: "device" })).toBe("device");
    expect(signInMethod({ method: "device" }, {})).toBe("device");
    expect(signInMethod({}, undefined)).toBeUndefined();
  });
});

describe("withDeviceGrant", () => {
  const metadata = {
    redirect_uris: ["http://127.0.0.1/callback"],
    grant_types: ["authorization_code"],
  };

  it("registers for the device grant too where the authorization server offers it", () => {
    expect(withDeviceGrant(metadata, offering, undefined).grant_types).toEqual([
      "authorization_code",
      DEVICE_CODE_GRANT,
    ]);
  });

  it("leaves the metadata as it is when not offered, or when the method is the browser", () => {
    expect(withDeviceGrant(metadata, { issuer: "https://as.example" }, undefined)).toBe(metadata);
    expect(withDeviceGrant(metadata, offering, "browser")).toBe(metadata);
  });
});

describe("deviceEndpointFor", () => {
  it("is the endpoint when asked for, or when headless; never for the browser method", () => {
    expect(deviceEndpointFor("s", "device", offering, browser)).toBe(endpoint);
    expect(deviceEndpointFor("s", undefined, offering, {})).toBe(endpoint);
    expect(deviceEndpointFor("s", undefined, offering, browser)).toBeUndefined();
    expect(deviceEndpointFor("s", "browser", offering, {})).toBeUndefined();
  });

  it("asked for but not offered: one typed error saying so", () => {
    expect(() => deviceEndpointFor("s", "device", { issuer: "https://as.example" }, {})).toThrow(
      McpDeviceGrantUnavailableError,
    );
  });
});

describe("issuedTokens", () => {
  it("stamps the tokens with the issuer of the discovered authorization server", () => {
    const tokens = { access_token: "at", token_type: "Bearer" };
    const discovery = {
      authorizationServerUrl: "https://as.example",
      authorizationServerMetadata: {
        issuer: "https://as.example",
        authorization_endpoint: "https://as.example/authorize",
        token_endpoint: "https://as.example/token",
        response_types_supported: ["code"],
      },
    };
    expect(issuedTokens(tokens, discovery)).toEqual({ ...tokens, issuer: "https://as.example" });
    expect(issuedTokens(tokens, undefined)).toBe(tokens);
  });
});
