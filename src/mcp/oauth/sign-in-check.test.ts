import { describe, expect, it } from "vitest";
import type { McpServerConfig, RemoteServerConfig } from "../../config/schema.js";
import { whyNoSignIn } from "./sign-in-check.js";

const remote = (oauth: RemoteServerConfig["oauth"]): McpServerConfig => ({
  name: "r",
  type: "http",
  url: "https://r.example/mcp",
  headers: {},
  oauth,
  enabled: true,
  source: "settings.json",
});

describe("whyNoSignIn", () => {
  it("lets people sign in to remote OAuth servers only", () => {
    expect(whyNoSignIn(remote({}))).toBeUndefined();
    expect(whyNoSignIn(remote(false))).toBe('OAuth is disabled for r ("oauth": false)');
    expect(
      whyNoSignIn(
        remote({
          grantType: "client_credentials",
          clientId: "b",
          clientSecret: "s",
          issuer: "https://as",
        }),
      ),
    ).toBe("r uses client credentials: nobody signs in; .mcp reconnect r gets a new token");
    expect(
      whyNoSignIn(
        remote({ grantType: "jwt_bearer", clientId: "w", issuer: "https://as", assertionEnv: "T" }),
        "cli",
      ),
    ).toBe(
      "r uses a workload identity token: nobody signs in; wren gets a new token each time it connects",
    );
    expect(
      whyNoSignIn(
        remote({
          grantType: "enterprise",
          clientId: "w",
          clientSecret: "s",
          issuer: "https://as",
          idpIssuer: "https://idp",
          idpClientId: "c",
          idTokenFile: "t",
        }),
      ),
    ).toBe(
      "r uses the enterprise identity provider: nobody signs in; .mcp reconnect r gets a new token",
    );
    expect(
      whyNoSignIn({
        name: "s",
        type: "stdio",
        command: "x",
        args: [],
        env: {},
        enabled: true,
        source: "",
      }),
    ).toBe("s is a stdio server; only remote servers sign in");
  });
});
