import { describe, expect, it } from "vitest";
import type { McpServerState, McpServerStatus } from "./status.js";
import { authLabel, describeStatus, statusBadges, statusLabel } from "./status-text.js";
import { remoteServer, stdioMock } from "./test-support.js";

describe("status text", () => {
  it("describes each state in a short phrase", () => {
    const cases: [McpServerStatus, string, string][] = [
      [{ state: "disabled" }, "disabled", "disabled"],
      [{ state: "connecting" }, "connecting", "connecting…"],
      [{ state: "connected", toolCount: 1 }, "connected (1 tool)", "connected"],
      [{ state: "needs-auth", message: "m" }, "needs sign-in", "needs sign-in"],
      [{ state: "failed", reason: "refused" }, "failed: refused", "failed: refused"],
    ];
    for (const [status, phrase, label] of cases) {
      expect(describeStatus(status)).toBe(phrase);
      expect(statusLabel(status)).toBe(label);
    }
  });

  it("labels auth without revealing secrets", () => {
    const connected: McpServerStatus = { state: "connected", toolCount: 2 };
    expect(authLabel(stdioMock("s"), connected)).toBe("-");
    expect(authLabel(remoteServer("r", "https://x"), connected)).toBe("none");
    expect(authLabel(remoteServer("r", "https://x"), { state: "needs-auth", message: "" })).toBe(
      "needs sign-in",
    );
    const withHeader = remoteServer("r", "https://x", { headers: { authorization: "Bearer x" } });
    expect(authLabel(withHeader, connected)).toBe("header");
    expect(authLabel(remoteServer("r", "https://x"), { ...connected, auth: "oauth" })).toBe(
      "oauth",
    );
  });

  it("leaves disabled servers out of the footer", () => {
    const badges = statusBadges([
      { name: "a", config: stdioMock("a"), status: { state: "disabled" } },
      { name: "b", config: stdioMock("b"), status: { state: "connected", toolCount: 3 } },
    ]);
    expect(badges).toEqual([{ name: "b", text: "b ✓ 3", tone: "success" }]);
  });

  it("summarizes many servers as counts and names only those needing attention", () => {
    const state = (i: number, status: McpServerStatus): McpServerState => ({
      name: `s${i}`,
      config: stdioMock(`s${i}`),
      status,
    });
    const states = Array.from({ length: 8 }, (_, i) =>
      state(i, { state: "connected", toolCount: 1 }),
    );
    states[1] = state(1, { state: "connecting" });
    states[2] = state(2, { state: "failed", reason: "x" });
    states[3] = state(3, { state: "needs-auth", message: "" });
    expect(statusBadges(states).map((b) => b.text)).toEqual([
      "5 ✓",
      "1 …",
      "s2 ✗",
      "s3 needs sign-in",
    ]);
  });
});
