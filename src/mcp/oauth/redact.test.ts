import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact.js";

describe("redactSecrets", () => {
  it("hides bearer values, token fields, token query parameters and known secrets", () => {
    const text =
      'HTTP 400: Authorization: Bearer abc.def-123 {"access_token":"at_1","refresh_token": "rt_2","scope":"read"} ' +
      "https://x/cb?code=c0de&state=ok&client_secret=s3 my-secret-value";
    const out = redactSecrets(text, ["my-secret-value"]);
    for (const secret of ["abc.def-123", "at_1", "rt_2", "c0de", "s3", "my-secret-value"]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('"scope":"read"');
    expect(out).toContain("state=ok");
  });
});
