import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_BROWSER, type OAuthMock, startOAuthMock } from "../mcp/oauth/test-support.js";
import { Keys, useTerminals } from "../test-utils/pty.js";

const terminals = useTerminals();
// One mock for the file: every test signs in from a fresh WREN_HOME, so none sees another's
// tokens; the pre-registered machine client is there for the client_credentials test.
let mock: OAuthMock;
let port: number;
beforeAll(async () => {
  mock = await startOAuthMock(["--client-credentials", "bot:cc-secret-value"]);
  port = mock.port;
});
afterAll(() => mock.stop());

async function home(oauth?: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "wren-oauth-home-"));
  const demo = { type: "http", url: `http://127.0.0.1:${port}/mcp`, ...(oauth && { oauth }) };
  await writeFile(join(dir, "settings.json"), JSON.stringify({ mcpServers: { demo } }));
  return dir;
}

describe("signing in to an MCP server from the REPL", () => {
  it("marks the server as needing sign-in, then .mcp auth completes through the browser", async () => {
    const wren = await terminals.startWren({
      home: await home(),
      env: { BROWSER: `${process.execPath} ${FAKE_BROWSER}`, DISPLAY: ":0" },
    });
    await wren.waitFor("demo needs sign-in: run .mcp auth demo", { timeout: 15_000 });
    await wren.type(".mcp auth demo");
    wren.press(Keys.enter);
    await wren.waitFor(/demo.*(✓|connected)/, { timeout: 15_000 });
    // One dim line says where the new secrets went (the keychain, or the file without one).
    await wren.waitFor(/OAuth secrets: (state file \(0600\)|.*Keychain|Secret Service|Credential)/);
    const files = await readdir(join(wren.home, "mcp-oauth"));
    expect(files.some((f) => f.startsWith("demo-") && f.endsWith(".json"))).toBe(true);
    await wren.type(".mcp tools demo");
    wren.press(Keys.enter);
    await wren.waitFor("echo");
  });

  it("cancels with Esc and keeps the REPL usable", async () => {
    const wren = await terminals.startWren({
      home: await home(),
      env: {
        BROWSER: `${process.execPath} ${FAKE_BROWSER}`,
        DISPLAY: ":0",
        FAKE_BROWSER_MODE: "ignore",
      },
    });
    await wren.waitFor("needs sign-in", { timeout: 15_000 });
    await wren.type(".mcp auth demo");
    wren.press(Keys.enter);
    await wren.waitFor("Esc to cancel", { timeout: 15_000 });
    expect(wren.screen()).toContain(`http://127.0.0.1:${port}/authorize?`);
    wren.press(Keys.escape);
    await wren.waitFor("authorization cancelled");
    await wren.type(".help");
    wren.press(Keys.enter);
    await wren.waitFor("Commands (/ works as well as .)");
  });

  it("completes with a pasted callback URL when started with --no-browser", async () => {
    const wren = await terminals.startWren({ home: await home(), args: ["--no-browser"] });
    await wren.waitFor("needs sign-in", { timeout: 15_000 });
    await wren.type(".mcp auth demo");
    wren.press(Keys.enter);
    const screen = await wren.waitFor(/ssh -N -L/, { timeout: 15_000 });
    // The URL is shown in full, wrapped over the lines after "URL:" (which hold no spaces).
    const lines = screen.split("\n").map((line) => line.replace(/^[\s│]+|[\s│]+$/g, ""));
    const urlLines: string[] = [];
    for (const line of lines.slice(lines.indexOf("URL:") + 1)) {
      if (line === "" || line.includes(" ")) break;
      urlLines.push(line);
    }
    const url = urlLines.join("");
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/authorize\?/);
    // Play the browser: the authorization server redirects to the callback; paste that URL.
    const response = await fetch(url, { redirect: "manual" });
    const callback = response.headers.get("location");
    expect(callback, `${url}\n${screen}`).toContain("/callback?code=");
    wren.paste(callback!);
    await wren.waitFor("/callback?code=");
    wren.press(Keys.enter);
    await wren.waitFor(/demo.*(✓|connected)/, { timeout: 15_000 });
  });

  it("a machine client (client_credentials) connects by itself; .mcp auth says nobody signs in", async () => {
    const wren = await terminals.startWren({
      home: await home({
        grantType: "client_credentials",
        issuer: `http://127.0.0.1:${port}`,
        clientId: "bot",
        clientSecret: "${BOT_SECRET}",
      }),
      env: { BOT_SECRET: "cc-secret-value", BROWSER: `${process.execPath} ${FAKE_BROWSER}` },
    });
    await wren.waitFor(/demo ✓/, { timeout: 15_000 });
    await wren.type(".mcp auth demo");
    wren.press(Keys.enter);
    await wren.waitFor("demo uses client credentials: nobody signs in");
    await wren.type(".mcp");
    wren.press(Keys.enter);
    await wren.waitFor(/demo\s+http\s+connected.*oauth/);
    expect(wren.output).not.toContain("cc-secret-value");
  });

  it("shows the URL on unbordered lines, rejects a stray word in place and leaves the server needing sign-in", async () => {
    const wren = await terminals.startWren({
      home: await home(),
      args: ["--no-browser"],
      // A terminal that shows links: the URL is also an OSC 8 hyperlink.
      env: { FORCE_HYPERLINK: "1" },
      cols: 80,
    });
    await wren.waitFor("needs sign-in", { timeout: 15_000 });
    await wren.type(".mcp auth demo");
    wren.press(Keys.enter);
    const screen = await wren.waitFor(/ssh -N -L/, { timeout: 15_000 });
    const rows = screen.split("\n");
    const start = rows.findIndex((row) => row.startsWith(`http://127.0.0.1:${port}/authorize?`));
    expect(start, screen).toBeGreaterThanOrEqual(0);
    // Longer than a row, so wrapped: and no row of it carries a border character.
    expect(rows[start]?.length).toBe(80);
    expect(rows.slice(start, start + 4).join("")).not.toMatch(/[│╭╮╰╯]/);
    expect(wren.output).toContain(`\u001b]8;;http://127.0.0.1:${port}/authorize?`);
    await wren.type("hello");
    wren.press(Keys.enter);
    await wren.waitFor("that is not a callback URL or a code");
    expect(wren.screen()).toContain("Esc to cancel");
    wren.press(Keys.escape);
    await wren.waitFor("authorization cancelled");
    await wren.type(".mcp");
    wren.press(Keys.enter);
    await wren.waitFor(/demo\s+http\s+needs sign-in/);
  });
});
