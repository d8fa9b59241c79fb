import { describe, expect, it } from "vitest";
import { createAuthPromptStore } from "../mcp/oauth/auth-store.js";
import { HOSTILE_STRINGS, terminalInjections } from "../test-utils/hostile-strings.js";
import { Keys, renderInk } from "../test-utils/render.js";
import { AuthModal } from "./auth-modal.js";

const URL_TEXT = "http://127.0.0.1:9/authorize?client_id=c&state=s";

describe("AuthModal", () => {
  it.each(HOSTILE_STRINGS)("shows $name in a server name, URL or error inert", async ({ text }) => {
    const store = createAuthPromptStore();
    const ui = renderInk(<AuthModal store={store} />);
    const handle = store.open(
      {
        server: `demo ${text}`,
        url: `${URL_TEXT}${text}`,
        callbackPort: 9,
        browser: { kind: "failed", reason: text },
      },
      { onSubmit: () => {}, onCancel: () => {} },
    );
    handle.update({ error: `rejected: ${text}` });
    await ui.waitForFrame("rejected:");
    expect(terminalInjections(ui.frames.join(""))).toEqual([]);
  });

  it("shows the server, the full URL and Esc to cancel; Esc cancels", async () => {
    const store = createAuthPromptStore();
    const ui = renderInk(<AuthModal store={store} />);
    expect(await ui.settle()).toBe("");
    let cancelled = 0;
    const handle = store.open(
      { server: "demo", url: URL_TEXT, callbackPort: 9, browser: { kind: "opening" } },
      { onSubmit: () => {}, onCancel: () => cancelled++ },
    );
    await ui.waitForFrame("Sign in to demo");
    expect(ui.frame()).toContain(URL_TEXT);
    expect(ui.frame()).toContain("Esc to cancel");
    handle.update({ browser: { kind: "opened", command: "xdg-open" } });
    await ui.waitForFrame("Waiting for you to finish in the browser");
    await ui.press(Keys.escape);
    expect(cancelled).toBe(1);
    handle.close();
    expect(await ui.settle()).toBe("");
  });

  it("headless: leads with the paste input, shows the ssh hint and rejections in place", async () => {
    const store = createAuthPromptStore();
    const ui = renderInk(<AuthModal store={store} />);
    const submitted: string[] = [];
    const handle = store.open(
      {
        server: "demo",
        url: URL_TEXT,
        callbackPort: 9,
        browser: { kind: "off", reason: "ssh" },
        sshHint: "ssh -N -L 9:127.0.0.1:9 dev@host",
      },
      {
        onSubmit: (text) => {
          submitted.push(text);
          handle.update({ error: "state does not match this sign-in" });
        },
        onCancel: () => {},
      },
    );
    await ui.waitForFrame("No browser here (ssh)");
    expect(ui.frame()).toContain("ssh -N -L 9:127.0.0.1:9 dev@host");
    await ui.type("code=abc&state=x");
    await ui.press(Keys.enter);
    expect(submitted).toEqual(["code=abc&state=x"]);
    await ui.waitForFrame("state does not match this sign-in");
    expect(ui.frame()).toContain("Sign in to demo");
  });

  it("takes a pasted URL and its Enter sent faster than it renders, and edits the field", async () => {
    const store = createAuthPromptStore();
    const ui = renderInk(<AuthModal store={store} />);
    const submitted: string[] = [];
    store.open(
      { server: "demo", url: URL_TEXT, callbackPort: 9, browser: { kind: "off", reason: "ssh" } },
      { onSubmit: (text) => submitted.push(text), onCancel: () => {} },
    );
    await ui.waitForFrame("No browser here (ssh)");
    await ui.burst([
      "\u001b[200~",
      "http://127.0.0.1:9/callback?code=a",
      "\u001b[201~",
      Keys.enter,
    ]);
    expect(submitted).toEqual(["http://127.0.0.1:9/callback?code=a"]);
    // ←, Backspace and typing edit in place; a chunk ending in Enter submits.
    await ui.burst([
      "cde",
      Keys.left,
      Keys.left,
      "o",
      Keys.right,
      Keys.right,
      "xx",
      Keys.backspace,
      "\r",
    ]);
    expect(submitted.at(-1)).toBe("codex");
  });
});
