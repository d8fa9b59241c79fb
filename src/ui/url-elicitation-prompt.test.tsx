import { describe, expect, it } from "vitest";
import { createUrlElicitationStore } from "../mcp/url-elicitation-store.js";
import { Keys, renderInk } from "../test-utils/render.js";
import { UrlElicitationPrompt } from "./url-elicitation-prompt.js";

const signal = new AbortController().signal;

function setup() {
  const opened: string[] = [];
  const store = createUrlElicitationStore({
    open: async (url) => {
      opened.push(url);
      return { opened: true, command: "fake-browser" };
    },
  });
  const ui = renderInk(<UrlElicitationPrompt store={store} />);
  const ask = (url: string) =>
    store.elicitor.ask(
      "srv",
      { mode: "url", url, message: "Sign in", elicitationId: "e1" },
      signal,
    );
  return { opened, store, ui, ask };
}

describe("UrlElicitationPrompt", () => {
  it("shows server, domain and URL, and opens only after Enter", async () => {
    const { opened, ui, ask } = setup();
    const answer = ask("https://login.example.com/start?session=1");
    const frame = await ui.waitForFrame("Enter open in browser");
    expect(frame).toContain("srv wants you to open a page");
    expect(frame).toContain("domain: login.example.com");
    expect(frame).toContain("URL: https://login.example.com/start?session=1");
    expect(opened).toEqual([]);
    await ui.press(Keys.enter);
    expect(await answer).toEqual({ action: "accept" });
    expect(opened).toEqual(["https://login.example.com/start?session=1"]);
  });

  it("declines with n, and Esc cancels", async () => {
    const { opened, ui, ask } = setup();
    const first = ask("https://example.com/a");
    await ui.waitForFrame("example.com/a");
    await ui.press("n");
    expect(await first).toEqual({ action: "decline" });
    const second = ask("https://example.com/b");
    await ui.waitForFrame("example.com/b");
    await ui.press(Keys.escape);
    expect(await second).toEqual({ action: "cancel" });
    expect(opened).toEqual([]);
  });

  // Attacker: a hostile server sends URLs that would run code, read local files, or travel in
  // clear text; none may reach the opener, whatever the user presses.
  it.each([
    "javascript:alert(document.cookie)",
    "file:///etc/passwd",
    "http://evil.example/steal",
    "smb://evil.example/share",
    "data:text/html,<script>alert(1)</script>",
  ])("never opens %s: it says why and Enter only declines", async (url) => {
    const { opened, ui, ask } = setup();
    const answer = ask(url);
    const frame = await ui.waitForFrame("wren will not open this URL");
    expect(frame).toContain("Enter or n decline");
    await ui.press(Keys.enter);
    expect(await answer).toEqual({ action: "decline" });
    expect(opened).toEqual([]);
  });

  it("opens http on loopback (a local server's page)", async () => {
    const { opened, ui, ask } = setup();
    const answer = ask("http://127.0.0.1:8123/done");
    await ui.waitForFrame("Enter open in browser");
    await ui.press(Keys.enter);
    expect(await answer).toEqual({ action: "accept" });
    expect(opened).toEqual(["http://127.0.0.1:8123/done"]);
  });

  it("reveals hidden characters and shows a lookalike domain in its xn-- form", async () => {
    const { ui, ask } = setup();
    // A right-to-left override makes "evil.com/moc.lapyap" read as something else; the
    // Cyrillic "а" makes the host look like paypal.com.
    void ask("https://p\u0430ypal.com/login\u202e\u200bgpj.exe");
    const frame = await ui.waitForFrame("invisible characters in the URL");
    expect(frame).toContain("domain: xn--pypal-4ve.com");
    expect(frame).toContain("<U+202E><U+200B>gpj.exe");
    expect(frame).toContain("U+202E, U+200B");
    expect(frame).not.toContain("\u202e");
  });

  it("after -32042 consent, waits for Enter (or the server's completion) before the retry", async () => {
    const { store, ui } = setup();
    const params = {
      mode: "url" as const,
      url: "https://example.com/pay",
      message: "Pay first",
      elicitationId: "pay-1",
    };
    const first = store.elicitor.satisfy("srv", params, signal);
    await ui.waitForFrame("Enter open in browser");
    await ui.press(Keys.enter);
    await ui.waitForFrame("Enter when done in the browser");
    await ui.press(Keys.enter);
    expect(await first).toBe(true);
    const second = store.elicitor.satisfy("srv", { ...params, elicitationId: "pay-2" }, signal);
    await ui.waitForFrame("Enter open in browser");
    await ui.press(Keys.enter);
    await ui.waitForFrame("waiting for you to finish at example.com");
    // Another server's notice for the same id does not count.
    store.elicitor.complete("other", "pay-2");
    expect(store.getSnapshot()).toHaveLength(1);
    store.elicitor.complete("srv", "pay-2");
    expect(await second).toBe(true);
  });
});
