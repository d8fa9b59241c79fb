import { describe, expect, it } from "vitest";
import { remoteServer, stdioMock } from "../mcp/test-support.js";
import { redactServer } from "./redact-server.js";

describe("redactServer", () => {
  it("redacts secret-looking env values and keeps plain ones", () => {
    const redacted = redactServer(
      stdioMock("s", [], {
        env: { GITHUB_TOKEN: "ghp_x", LOG_LEVEL: "debug", OPAQUE: "a".repeat(40) },
      }),
    );
    expect(redacted.env).toEqual({ GITHUB_TOKEN: "***", LOG_LEVEL: "debug", OPAQUE: "***" });
    expect(redactServer(remoteServer("r", "https://u:p@x.example/mcp")).url).toBe(
      "https://u:***@x.example/mcp",
    );
  });

  it("redacts every oauth secret: client secrets, the IdP's, an inline key", () => {
    const oauth = {
      grantType: "enterprise",
      clientId: "w",
      clientSecret: "as-secret",
      issuer: "https://as.example",
      idpIssuer: "https://idp.example",
      idpClientId: "c",
      idpClientSecret: "idp-secret",
      idTokenFile: "~/.id-token",
    } as const;
    const shown = JSON.stringify(redactServer(remoteServer("r", "https://x.example", { oauth })));
    expect(shown).not.toContain("as-secret");
    expect(shown).not.toContain("idp-secret");
    expect(shown).toContain('"idTokenFile":"~/.id-token"');
    const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----";
    const keyed = redactServer(
      remoteServer("k", "https://x.example", {
        oauth: {
          grantType: "client_credentials",
          clientId: "b",
          issuer: "https://as",
          privateKey: pem,
        },
      }),
    );
    expect(JSON.stringify(keyed)).not.toContain("MIIEvQ");
  });
});
