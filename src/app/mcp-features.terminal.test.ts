// MCP prompts, roots, URL elicitation and server instructions through the built wren in a real
// terminal, as a person uses them: against server-everything and server-filesystem, with the
// scripted mock model.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { everythingStdioArgs, REPO_ROOT } from "../mcp/test-support.js";
import { type ScriptTurn, useModelHomes } from "../provider/test-support.js";
import { Keys, useTerminals } from "../test-utils/pty.js";

const terminals = useTerminals();
// One scripted model server for the file; each test replays its own script on it.
const mockModelHome = useModelHomes();
const FILESYSTEM_BIN = join(
  REPO_ROOT,
  "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js",
);
const fakeBrowser = fileURLToPath(
  new URL("../mcp/oauth/fixtures/fake-browser.mjs", import.meta.url),
);
const everything = { command: process.execPath, args: everythingStdioArgs() };

/** The text of every user message the model received in request `index`. */
function userTexts(body: { messages?: { role: string; content: unknown }[] }): string {
  return JSON.stringify((body.messages ?? []).filter((m) => m.role === "user"));
}

async function start(script: readonly ScriptTurn[], settings: Record<string, unknown>) {
  const { server, home } = await mockModelHome(script, { settings });
  const browserLog = join(await mkdtemp(join(tmpdir(), "wren-browser-")), "opened.txt");
  const wren = await terminals.startWren({
    home,
    rows: 50,
    cols: 120,
    env: {
      BROWSER: `${process.execPath} ${fakeBrowser}`,
      FAKE_BROWSER_MODE: "ignore",
      FAKE_BROWSER_LOG: browserLog,
      DISPLAY: ":0",
    },
  });
  return { server, wren, browserLog };
}

describe("MCP prompts in the REPL", () => {
  it("runs a prompt with arguments, completes names and values, and asks for missing ones", async () => {
    const { server, wren } = await start(
      [[{ text: "Sunny in Paris." }], [{ text: "Eve is promoted." }], [{ text: "Simple done." }]],
      { mcpServers: { everything } },
    );
    await wren.waitFor(/everything ✓/, { timeout: 30_000 });

    // Tab completes the command name, then the server suggests argument values.
    await wren.type(".everything:args-p");
    wren.press(Keys.tab);
    await wren.waitFor("› .everything:args-prompt");
    await wren.type("city=Paris");
    wren.press(Keys.enter);
    await wren.waitFor("Sunny in Paris.", { timeout: 20_000 });
    let requests = await server.requests();
    expect(userTexts(requests[0]?.body)).toContain("What's weather in Paris?");
    // The prompt's message shows in the transcript as what was sent.
    expect(wren.fullText()).toContain("What's weather in Paris?");

    // Required arguments left out are asked for in a form.
    await wren.type("/mcp__everything__completable-prompt");
    wren.press(Keys.enter);
    await wren.waitFor("everything asks: arguments of the prompt completable-prompt");
    await wren.type("Sales");
    await wren.waitFor("department* : Sales");
    wren.press(Keys.down);
    await wren.waitFor(/› name\*/);
    await wren.type("Eve");
    await wren.waitFor("name*       : Eve");
    wren.press(Keys.enter);
    await wren.waitFor("Eve is promoted.", { timeout: 20_000 });
    requests = await server.requests();
    expect(userTexts(requests[1]?.body)).toContain(
      "Please promote Eve to the head of the Sales team.",
    );

    // Argument values come from the server's completion/complete.
    await wren.type(".everything:completable-prompt Eng");
    wren.press(Keys.tab);
    await wren.waitFor("› .everything:completable-prompt Engineering");
    wren.press(Keys.ctrlU);
    await wren.type(".everything:simple");
    wren.press(Keys.tab);
    await wren.waitFor("› .everything:simple-prompt");
    wren.press(Keys.enter);
    await wren.waitFor("Simple done.", { timeout: 20_000 });

    // What the server tells the model is readable by the user too.
    await wren.type(".mcp tools everything");
    wren.press(Keys.enter);
    await wren.waitFor("instructions everything gives the model:", { timeout: 20_000 });
  }, 120_000);
});

describe("URL elicitation in the REPL", () => {
  it("shows server, domain and URL; opens only on Enter; declines unsafe and reveals hidden characters", async () => {
    const tool = "mcp__everything__trigger-url-elicitation";
    const { server, wren, browserLog } = await start(
      [
        [{ toolCall: { name: tool, arguments: { url: "https://example.com/sign?step=1" } } }],
        [{ text: "Signed in." }],
        [{ toolCall: { name: tool, arguments: { url: "javascript:alert(1)" } } }],
        [{ text: "Refused." }],
        [{ toolCall: { name: tool, arguments: { url: "https://example.com/\u202egpj.exe" } } }],
        [{ text: "Declined." }],
      ],
      { mcpServers: { everything }, permissions: { allow: [tool] } },
    );
    await wren.waitFor(/everything ✓/, { timeout: 30_000 });

    await wren.type("sign me in");
    wren.press(Keys.enter);
    const ask = await wren.waitFor("Enter open in browser", { timeout: 20_000 });
    expect(ask).toContain("everything wants you to open a page in your browser");
    expect(ask).toContain("domain: example.com");
    expect(ask).toContain("URL: https://example.com/sign?step=1");
    expect(existsSync(browserLog)).toBe(false);
    wren.press(Keys.enter);
    await wren.waitFor("Signed in.", { timeout: 20_000 });
    // The browser is its own process: wren does not wait for it, so neither can the screen.
    await vi.waitFor(
      async () =>
        expect(await readFile(browserLog, "utf8")).toBe("https://example.com/sign?step=1\n"),
      { timeout: 10_000 },
    );
    const requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain("User completed the URL elicitation flow");

    // Attacker: a javascript: URL is never opened, whatever the user presses.
    await wren.type("again");
    wren.press(Keys.enter);
    await wren.waitFor("wren will not open this URL", { timeout: 20_000 });
    wren.press(Keys.enter);
    await wren.waitFor("Refused.", { timeout: 20_000 });

    // Attacker: a right-to-left override in the URL is shown, not obeyed.
    await wren.type("once more");
    wren.press(Keys.enter);
    const hidden = await wren.waitFor("invisible characters in the URL", { timeout: 20_000 });
    expect(hidden).toContain("URL: https://example.com/<U+202E>gpj.exe");
    wren.press("n");
    await wren.waitFor("Declined.", { timeout: 20_000 });
    expect(await readFile(browserLog, "utf8")).toBe("https://example.com/sign?step=1\n");
  }, 120_000);
});

describe("roots in the REPL", () => {
  it("gives server-filesystem the project directory, and .roots add extends it", async () => {
    const tool = "mcp__fs__list_allowed_directories";
    const { server, wren } = await start(
      [
        [{ toolCall: { name: tool, arguments: {} } }],
        [{ text: "Listed once." }],
        [{ toolCall: { name: tool, arguments: {} } }],
        [{ text: "Listed twice." }],
      ],
      {
        mcpServers: { fs: { command: process.execPath, args: [FILESYSTEM_BIN] } },
        permissions: { allow: [tool] },
      },
    );
    await wren.waitFor(/fs ✓/, { timeout: 30_000 });
    await wren.type(".roots");
    wren.press(Keys.enter);
    await wren.waitFor(/project directory/);
    await wren.type("where may you go");
    wren.press(Keys.enter);
    await wren.waitFor("Listed once.", { timeout: 20_000 });
    let requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain(wren.cwd);

    const extra = join(wren.cwd, "..", "extra");
    await mkdir(extra, { recursive: true });
    await wren.type(".roots add ../extra");
    wren.press(Keys.enter);
    await wren.waitFor("added root");
    // The server asks for the roots again when told they changed; a person would not type
    // faster than that round trip, a test can: wait until the server says it has both.
    const fsLog = join(wren.home, "logs", "mcp-fs.log");
    await expect
      .poll(() => readFile(fsLog, "utf8"), { timeout: 20_000 })
      .toContain("Updated allowed directories from MCP roots: 2 valid directories");
    await wren.type("and now");
    wren.press(Keys.enter);
    await wren.waitFor("Listed twice.", { timeout: 20_000 });
    requests = await server.requests();
    expect(JSON.stringify(requests[3]?.body)).toContain(extra);
    const log = await readFile(join(wren.home, "logs", "mcp-fs.log"), "utf8");
    expect(log).not.toContain("Client does not support MCP Roots");
  }, 120_000);
});

describe("print mode", () => {
  it("runs an MCP prompt named in -p, and refuses one missing its arguments", async () => {
    const { server, home } = await mockModelHome([[{ text: "Rainy in Oslo." }]], {
      settings: { mcpServers: { everything } },
    });
    const run = await terminals.startWren({
      home,
      args: ["-p", "/mcp__everything__args-prompt city=Oslo"],
    });
    expect((await run.waitForExit({ timeout: 60_000 })).exitCode).toBe(0);
    expect(run.fullText()).toContain("Rainy in Oslo.");
    const requests = await server.requests();
    expect(userTexts(requests[0]?.body)).toContain("What's weather in Oslo?");

    const missing = await terminals.startWren({ home, args: ["-p", ".everything:args-prompt"] });
    const status = await missing.waitForExit({ timeout: 60_000 });
    expect(missing.fullText()).toContain(".everything:args-prompt takes city=VALUE [state=VALUE]");
    expect(status.exitCode).toBe(2);
  }, 120_000);

  it("gives server-filesystem the project directory as its root", async () => {
    const tool = "mcp__fs__list_allowed_directories";
    const { server, home } = await mockModelHome(
      [[{ toolCall: { name: tool, arguments: {} } }], [{ text: "Listed." }]],
      { settings: { mcpServers: { fs: { command: process.execPath, args: [FILESYSTEM_BIN] } } } },
    );
    const run = await terminals.startWren({
      home,
      args: ["-p", "where may you go", "--allowed-tools", tool],
    });
    expect((await run.waitForExit({ timeout: 60_000 })).exitCode).toBe(0);
    expect(run.fullText()).toContain("Listed.");
    const requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain(run.cwd);
  }, 90_000);

  it("declines URL elicitation with a line on stderr and gives the model the server's instructions", async () => {
    const tool = "mcp__everything__trigger-url-elicitation";
    const { server, home } = await mockModelHome(
      [
        [{ toolCall: { name: tool, arguments: { url: "https://example.com/x" } } }],
        [{ text: "ok" }],
      ],
      { settings: { mcpServers: { everything } } },
    );
    const wren = await terminals.startWren({
      home,
      args: ["-p", "go", "--allowed-tools", tool],
    });
    await wren.waitForExit({ timeout: 60_000 });
    expect(wren.fullText()).toContain(
      "everything asks you to open a page at example.com; declined (not interactive)",
    );
    const requests = await server.requests();
    const system = JSON.stringify(requests[0]?.body.messages?.[0]);
    expect(system).toContain('<server-instructions server=\\"everything\\">');
  }, 90_000);
});
