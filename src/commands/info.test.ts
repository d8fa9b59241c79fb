import { describe, expect, it } from "vitest";
import { redactSecrets } from "./info.js";

describe("redactSecrets", () => {
  it("hides keys, secrets, tokens and every header and env value, and keeps the rest", () => {
    const redacted = redactSecrets({
      providers: { p: { apiKey: "sk-1", baseURL: "http://x" } },
      servers: [
        {
          url: "https://mcp.example/mcp",
          headers: { "X-Custom": "bearer-ish" },
          env: { SOME_VAR: "hunter2" },
          oauth: { clientId: "public", clientSecret: "s3cret" },
        },
      ],
    });
    const text = JSON.stringify(redacted);
    for (const secret of ["sk-1", "bearer-ish", "hunter2", "s3cret"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("http://x");
    expect(text).toContain("public");
    expect(text).toContain("https://mcp.example/mcp");
  });
});
