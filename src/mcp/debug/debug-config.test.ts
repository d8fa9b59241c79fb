import { describe, expect, it } from "vitest";
import type { McpServerConfig } from "../../config/schema.js";
import { configSummary } from "./debug-config.js";

describe("configSummary", () => {
  it("hides header and env values, secret settings, URL credentials and secret arguments", () => {
    const remote: McpServerConfig = {
      name: "r",
      type: "http",
      url: "https://user:pa55word@mcp.example/mcp?api_key=key-in-url-0123",
      headers: { Authorization: "Bearer header-secret-0123456789" },
      oauth: { clientId: "wren-client", clientSecret: "client-secret-0123456789" },
      enabled: true,
      source: "s",
    };
    const summary = JSON.stringify(configSummary(remote, ["header-secret-0123456789"]));
    for (const secret of [
      "pa55word",
      "key-in-url-0123",
      "header-secret-0123456789",
      "client-secret-0123456789",
    ]) {
      expect(summary).not.toContain(secret);
    }
    expect(summary).toContain("wren-client");
    expect(summary).toContain("Authorization");

    const local: McpServerConfig = {
      name: "l",
      type: "stdio",
      command: "npx",
      args: ["server", "--api-key", "argument-secret-0123"],
      env: { GITHUB_TOKEN: "ghp_abcdefghijklmnop" },
      enabled: true,
      source: "s",
    };
    const stdio = JSON.stringify(configSummary(local, []));
    expect(stdio).not.toContain("argument-secret-0123");
    expect(stdio).not.toContain("ghp_abcdefghijklmnop");
    expect(stdio).toContain("GITHUB_TOKEN");
  });
});
