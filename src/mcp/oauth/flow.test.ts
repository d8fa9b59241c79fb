import { describe, expect, it } from "vitest";
import type { AuthInteraction, AuthPromptHandlers, BrowserState } from "./auth-store.js";
import { McpAuthCancelledError, McpAuthDeniedError, McpAuthTimeoutError } from "./errors.js";
import { sshForwardHint, waitForAuthorizationCode } from "./flow.js";
import { startLoopback } from "./loopback.js";

function interaction(): Pick<AuthInteraction, "open"> & {
  handlers: () => AuthPromptHandlers;
  errors: string[];
  browser: BrowserState[];
  closed: () => boolean;
} {
  let handlers: AuthPromptHandlers | undefined;
  const errors: string[] = [];
  const browser: BrowserState[] = [];
  let closed = false;
  return {
    open(init, h) {
      handlers = h;
      browser.push(init.browser);
      return {
        update(patch) {
          if (patch.error) errors.push(patch.error);
          if (patch.browser) browser.push(patch.browser);
        },
        close() {
          closed = true;
        },
      };
    },
    handlers: () => {
      if (!handlers) throw new Error("not open");
      return handlers;
    },
    errors,
    browser,
    closed: () => closed,
  };
}

describe("waitForAuthorizationCode", () => {
  it("a valid paste wins; a wrong state is rejected in place; the prompt closes", async () => {
    const loopback = await startLoopback(0);
    const ui = interaction();
    const code = waitForAuthorizationCode({
      server: "s",
      authorizationUrl: "http://as/authorize",
      expectedState: "st",
      loopback,
      interaction: ui,
      openBrowser: async () => ({ opened: false, reason: "xdg-open: ENOENT" }),
    });
    ui.handlers().onSubmit("code=c1&state=other");
    ui.handlers().onSubmit("?code=c2&state=st&iss=https%3A%2F%2Fas.example");
    // The issuer travels with the code: the exchange checks it (RFC 9207).
    expect(await code).toEqual({ code: "c2", iss: "https://as.example" });
    expect(ui.errors).toEqual([expect.stringMatching(/state does not match/)]);
    expect(ui.browser[0]).toEqual({ kind: "opening" });
    expect(ui.closed()).toBe(true);
    await loopback.close();
  });

  it("rejects on Esc, on a pasted error redirect, and after the timeout", async () => {
    const loopback = await startLoopback(0);
    const base = { server: "s", authorizationUrl: "http://as/a", expectedState: "st", loopback };
    const esc = interaction();
    const cancelled = waitForAuthorizationCode({ ...base, interaction: esc });
    esc.handlers().onCancel();
    await expect(cancelled).rejects.toBeInstanceOf(McpAuthCancelledError);
    expect(esc.browser[0]).toEqual({ kind: "off", reason: "no browser" });

    const denied = interaction();
    const deniedCode = waitForAuthorizationCode({ ...base, interaction: denied });
    denied.handlers().onSubmit("error=access_denied&state=st");
    await expect(deniedCode).rejects.toBeInstanceOf(McpAuthDeniedError);

    const slow = waitForAuthorizationCode({ ...base, interaction: interaction(), timeoutMs: 20 });
    await expect(slow).rejects.toBeInstanceOf(McpAuthTimeoutError);
    await loopback.close();
  });
});

describe("sshForwardHint", () => {
  it("names the address the user dialled, else the host name", () => {
    expect(
      sshForwardHint(5000, { SSH_CONNECTION: "1.2.3.4 55 10.0.0.9 22", USER: "me" }, "box"),
    ).toBe("ssh -N -L 5000:127.0.0.1:5000 me@10.0.0.9");
    expect(sshForwardHint(5000, {}, "box")).toBe("ssh -N -L 5000:127.0.0.1:5000 box");
  });
});
