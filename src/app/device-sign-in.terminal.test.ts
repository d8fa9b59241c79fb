// The device sign-in (RFC 8628) in the REPL: a variant of the sign-in modal with the user code,
// the verification link and a QR code; Esc cancels; a hostile authorization server's user code
// and verification URI never reach the terminal as escape sequences or links.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type OAuthMock, startOAuthMock } from "../mcp/oauth/test-support.js";
import { HOSTILE_TITLE } from "../test-utils/hostile-strings.js";
import { Keys, useTerminals } from "../test-utils/pty.js";

const terminals = useTerminals();
const mocks: OAuthMock[] = [];
afterAll(() => Promise.all(mocks.map((m) => m.stop())));

async function mock(args: readonly string[]): Promise<OAuthMock> {
  const started = await startOAuthMock(["--device", "--device-interval", "1", ...args]);
  mocks.push(started);
  return started;
}

async function home(server: OAuthMock, oauth?: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "wren-device-home-"));
  const demo = { type: "http", url: server.url, ...(oauth && { oauth }) };
  await writeFile(join(dir, "settings.json"), JSON.stringify({ mcpServers: { demo } }));
  return dir;
}

describe("device sign-in in the REPL", () => {
  it("headless: the modal shows the code, link and QR code; approving elsewhere signs in", async () => {
    const server = await mock(["--device-user-code", "WDJB-MJHT"]);
    const wren = await terminals.startWren({ home: await home(server), args: ["--no-browser"] });
    await wren.waitFor("needs sign-in", { timeout: 15_000 });
    await wren.type(".mcp auth demo");
    wren.press(Keys.enter);
    const screen = await wren.waitFor("W D J B - M J H T", { timeout: 15_000 });
    expect(screen).toContain("Sign in to demo on another device");
    expect(screen).toContain(`${server.base}/device`);
    expect(screen).toContain("(to copy: WDJB-MJHT)");
    expect(screen).toMatch(/[█▀▄]{10}/);
    await wren.waitFor("Esc to cancel");
    await server.hook("device", "do=approve");
    await wren.waitFor(/demo.*(✓|connected)/, { timeout: 15_000 });
  });

  it("oauth.method device, with a browser at hand: Esc cancels and the REPL stays usable", async () => {
    const server = await mock([]);
    const wren = await terminals.startWren({
      home: await home(server, { method: "device" }),
      env: { BROWSER: "/bin/false", DISPLAY: ":0" },
    });
    await wren.waitFor("needs sign-in", { timeout: 15_000 });
    await wren.type(".mcp auth demo");
    wren.press(Keys.enter);
    await wren.waitFor("Enter this code", { timeout: 15_000 });
    wren.press(Keys.escape);
    await wren.waitFor("authorization cancelled");
    expect(wren.screen()).not.toContain("Enter this code");
    await wren.type(".help");
    wren.press(Keys.enter);
    await wren.waitFor("Commands (/ works as well as .)");
  });

  it("attacker: escape sequences in the user code are shown inert, never run", async () => {
    const server = await mock([
      "--device-user-code",
      `AB\u001b]0;${HOSTILE_TITLE}\u0007CD\u001b[2J`,
    ]);
    const wren = await terminals.startWren({ home: await home(server), args: ["--no-browser"] });
    await wren.waitFor("needs sign-in", { timeout: 15_000 });
    await wren.type(".mcp auth demo");
    wren.press(Keys.enter);
    // The controls are gone; what is left is plain text.
    await wren.waitFor("(to copy: AB ]0;PWNED-TITLE CD [2J)", { timeout: 15_000 });
    expect(wren.output).not.toContain(`\u001b]0;${HOSTILE_TITLE}`);
    expect(wren.output).not.toContain("\u001b[2J");
    wren.press(Keys.escape);
    await wren.waitFor("authorization cancelled");
  });

  it("attacker: a javascript: verification URI is refused, never shown as a link", async () => {
    const server = await mock(["--device-verification-uri", "javascript:alert(document.cookie)"]);
    const wren = await terminals.startWren({ home: await home(server), args: ["--no-browser"] });
    await wren.waitFor("needs sign-in", { timeout: 15_000 });
    await wren.type(".mcp auth demo");
    wren.press(Keys.enter);
    await wren.waitFor("verification URI is refused", { timeout: 15_000 });
    expect(wren.output).not.toContain("Enter this code");
    expect(wren.output).not.toContain("\u001b]8;;javascript:");
  });
});
