import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { callbackPage, LoopbackPortBusyError, startLoopback } from "./loopback.js";

describe("startLoopback", () => {
  it("binds 127.0.0.1 only and serves exactly GET /callback with a static, locked-down page", async () => {
    const loopback = await startLoopback(0);
    try {
      expect(loopback.redirectUrl).toBe(`http://127.0.0.1:${loopback.port}/callback`);
      const base = `http://127.0.0.1:${loopback.port}`;
      expect((await fetch(`${base}/other`)).status).toBe(404);
      expect((await fetch(`${base}/callback?code=x&state=s`, { method: "POST" })).status).toBe(404);
      const rejected: string[] = [];
      const waiting = loopback.waitForCallback({
        expectedState: "s",
        onRejected: (r) => rejected.push(r),
      });
      expect((await fetch(`${base}/callback?code=x&state=wrong`)).status).toBe(400);
      expect((await fetch(`${base}/callback?error=access_denied`)).status).toBe(400);
      const ok = await fetch(`${base}/callback?code=the-code&state=s`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-security-policy")).toBe("default-src 'none'");
      expect(await ok.text()).not.toContain("<script");
      expect(await waiting).toEqual({ kind: "code", code: "the-code" });
      expect(rejected).toHaveLength(2);
    } finally {
      await loopback.close();
    }
  });

  it("turns error=access_denied with our state into an outcome, and honours abort", async () => {
    const loopback = await startLoopback(0);
    const base = `http://127.0.0.1:${loopback.port}`;
    const waiting = loopback.waitForCallback({ expectedState: "s" });
    await fetch(`${base}/callback?error=access_denied&error_description=Nope&state=s`);
    expect(await waiting).toEqual({ kind: "error", error: "access_denied", description: "Nope" });
    const abort = new AbortController();
    const aborted = loopback.waitForCallback({ expectedState: "s", signal: abort.signal });
    abort.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    await loopback.close();
  });

  it("reports a busy port", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await expect(startLoopback(port)).rejects.toBeInstanceOf(LoopbackPortBusyError);
    blocker.close();
  });

  it("escapes text on the page", () => {
    expect(callbackPage("<b>", `"x" & 'y'`)).toContain("&#60;b&#62;");
  });
});
