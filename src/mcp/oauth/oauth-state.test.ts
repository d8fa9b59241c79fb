import { describe, expect, it } from "vitest";
import { oauthStateFileName } from "./oauth-state.js";

describe("oauthStateFileName", () => {
  it("is a flat, safe stem plus a short hash of the URL", () => {
    const name = oauthStateFileName(
      "https://mcp.atlassian.com/v1/mcp",
      "https://mcp.atlassian.com/v1/mcp",
    );
    expect(name).toMatch(/^https_mcp.atlassian.com_v1_mcp-[0-9a-f]{12}\.json$/);
    expect(name).not.toContain("/");
    expect(oauthStateFileName("../..", "u")).toMatch(/^server-[0-9a-f]{12}\.json$/);
    expect(oauthStateFileName("a", "https://one")).not.toBe(oauthStateFileName("a", "https://two"));
  });
});
