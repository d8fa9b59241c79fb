import { describe, expect, it } from "vitest";
import { describeLogout } from "./logout-text.js";

describe("describeLogout", () => {
  it("says the tokens were revoked at the server", () => {
    const text = describeLogout("demo", {
      hadTokens: true,
      revocation: { kind: "revoked", count: 2 },
    });
    expect(text).toBe("demo: signed out (revoked at the server; tokens deleted here)");
  });

  it("says a self-contained access token outlives the logout, without calling it a failure", () => {
    const both = describeLogout("demo", {
      hadTokens: true,
      revocation: { kind: "revoked", count: 2, selfContained: 1 },
    });
    expect(both).toBe(
      "demo: signed out (revoked at the server, but the access token cannot be revoked and stays valid until it expires; tokens deleted here)",
    );
    const only = describeLogout("demo", {
      hadTokens: true,
      revocation: { kind: "revoked", count: 1, selfContained: 1 },
    });
    expect(only).toBe(
      "demo: signed out (the access token cannot be revoked and stays valid until it expires; tokens deleted here)",
    );
  });

  it("says when the server offers no revocation, and when revocation failed", () => {
    expect(describeLogout("demo", { hadTokens: true, revocation: { kind: "unsupported" } })).toBe(
      "demo: signed out (the server offers no revocation; tokens deleted here)",
    );
    expect(
      describeLogout("demo", {
        hadTokens: true,
        revocation: { kind: "failed", reason: "HTTP 500" },
      }),
    ).toBe("demo: signed out (revocation failed: HTTP 500; tokens deleted here)");
  });
});
