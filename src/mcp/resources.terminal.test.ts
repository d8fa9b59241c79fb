// Resources as a person uses them, in a real terminal against server-everything: type `@`,
// complete the server, a resource and a template argument with Tab, send, and see the scripted
// model receive the contents; images from a tool reach a model configured for image input;
// content annotated for the user only is shown but not sent; `-p` reads mentions too; a
// hostile server's resource texts never drive the terminal.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HOSTILE_RESOURCE_URI } from "../../mock-mcps/tools.mjs";
import { type ScriptTurn, useModelHomes } from "../provider/test-support.js";
import { terminalInjections } from "../test-utils/hostile-strings.js";
import { Keys, useTerminals } from "../test-utils/pty.js";
import { everythingStdioArgs, STDIO_MOCK } from "./test-support.js";

const terminals = useTerminals();
// One scripted model server for the file; each test replays its own script on it.
const mockModelHome = useModelHomes();

const everything = { command: process.execPath, args: everythingStdioArgs() };

async function home(
  script: readonly ScriptTurn[],
  extra: Record<string, unknown> = {},
  mockProvider: Record<string, unknown> = {},
) {
  const made = await mockModelHome(script, {
    settings: { mcpServers: { everything }, ...extra },
  });
  if (Object.keys(mockProvider).length > 0) {
    const file = join(made.home, "settings.json");
    const settings = JSON.parse(await readFile(file, "utf8"));
    settings.providers.mock = { ...settings.providers.mock, ...mockProvider };
    await writeFile(file, JSON.stringify(settings));
  }
  return made;
}

describe("@ mentions in the REPL", () => {
  it("completes @server:, a resource and a template argument, and sends their contents", async () => {
    const { server, home: dir } = await home([[{ text: "read them both" }]]);
    const wren = await terminals.startWren({ home: dir, cols: 160 });
    await wren.waitFor(/everything ✓/, { timeout: 30_000 });
    await wren.type("summarize @ever");
    wren.press(Keys.tab);
    await wren.waitFor("summarize @everything:");
    wren.press(Keys.tab);
    // Several resources: the list shows them, templates with their pattern.
    await wren.waitFor("demo://resource/dynamic/text/{resourceId}");
    await wren.waitFor("› summarize @everything:demo://resource/");
    await wren.type("static/document/arch");
    wren.press(Keys.tab);
    await wren.waitFor("@everything:demo://resource/static/document/architecture.md");
    await wren.type("and @everything:demo://resource/dynamic/text/1");
    wren.press(Keys.tab);
    await wren.waitFor(/dynamic\/text\/1\s*$/m);
    wren.press(Keys.enter);
    await wren.waitFor("attached @everything:demo://resource/static/document/architecture.md");
    await wren.waitFor("attached @everything:demo://resource/dynamic/text/1");
    await wren.waitFor("read them both");
    const body = JSON.stringify((await server.requests())[0]?.body);
    expect(body).toContain("Everything Server");
    expect(body).toContain('source=\\"everything:demo://resource/dynamic/text/1\\"');
  }, 90_000);

  it("lists resources with .mcp resources", async () => {
    const { home: dir } = await home([]);
    const wren = await terminals.startWren({ home: dir, cols: 160 });
    await wren.waitFor(/everything ✓/, { timeout: 30_000 });
    await wren.type(".mcp resources everything");
    wren.press(Keys.enter);
    await wren.waitFor("demo://resource/static/document/architecture.md");
    await wren.waitFor("Mention one in a message as @everything:URI");
  }, 60_000);

  it("passes a tool's image to a model configured for image input; user-only content stays on screen", async () => {
    const annotated = "mcp__everything__get-annotated-message";
    const { server, home: dir } = await home(
      [
        [{ toolCall: { name: "mcp__everything__get-tiny-image", arguments: {} } }],
        [{ text: "a tiny image" }],
        [
          {
            toolCall: {
              name: annotated,
              arguments: { messageType: "success", includeImage: true },
            },
          },
        ],
        [{ text: "annotations seen" }],
      ],
      { permissions: { allow: ["mcp__everything__get-tiny-image", annotated] } },
      { imageInput: true },
    );
    const wren = await terminals.startWren({ home: dir });
    await wren.waitFor(/everything ✓/, { timeout: 30_000 });
    await wren.type("show me");
    wren.press(Keys.enter);
    await wren.waitFor("a tiny image", { timeout: 30_000 });
    const body = JSON.stringify((await server.requests())[1]?.body);
    expect(body).toContain("data:image/png;base64,");
    expect(body).toContain("[image attached in the next message]");

    // Annotations: content addressed to the user only (audience ["user"]) is shown, not sent.
    await wren.type("annotate");
    wren.press(Keys.enter);
    await wren.waitFor("annotations seen", { timeout: 30_000 });
    expect(wren.fullText()).toMatch(/Operation completed successfully \(1 image\)/);
    const toModel = JSON.stringify((await server.requests())[3]?.body);
    expect(toModel).toContain("[2 items addressed to the user only, not shown here]");
    expect(toModel).not.toContain("Operation completed successfully");
  }, 90_000);

  it("reads mentions in print mode, and notes images for a text-only model", async () => {
    const { server, home: dir } = await home([
      [{ toolCall: { name: "mcp__everything__get-tiny-image", arguments: {} } }],
      [{ text: "done" }],
    ]);
    const wren = await terminals.startWren({
      home: dir,
      args: [
        "--allowed-tools",
        "mcp__everything__get-tiny-image",
        "-p",
        "explain @everything:demo://resource/static/document/features.md",
      ],
    });
    expect((await wren.waitForExit({ timeout: 60_000 })).exitCode).toBe(0);
    expect(wren.fullText()).toContain(
      "attached @everything:demo://resource/static/document/features.md",
    );
    const requests = await server.requests();
    expect(JSON.stringify(requests[0]?.body)).toContain("features.md");
    const second = JSON.stringify(requests[1]?.body);
    expect(second).toContain("not shown: this model is not configured for image input");
    expect(second).not.toContain("data:image/png");
  }, 90_000);

  it("keeps a hostile server's resource names and texts inert", async () => {
    const hostile = { command: process.execPath, args: [STDIO_MOCK, "--hostile"] };
    const { home: dir } = await home([[{ text: "noted" }]], {
      mcpServers: { evil: hostile },
    });
    const wren = await terminals.startWren({ home: dir, cols: 160, rows: 50 });
    await wren.waitFor(/evil ✓/, { timeout: 30_000 });
    await wren.type(".mcp resources evil");
    wren.press(Keys.enter);
    await wren.waitFor(HOSTILE_RESOURCE_URI);
    await wren.type("@evil:mock://hostile/");
    wren.press(Keys.tab);
    await wren.waitFor(/mock:\/\/hostile\/evil\.txt {2}mock:\/\/hostile\/huge\.txt/);
    await wren.type("evil.txt");
    wren.press(Keys.enter);
    await wren.waitFor("attached @evil:mock://hostile/evil.txt", { timeout: 30_000 });
    await wren.waitFor("noted", { timeout: 30_000 });
    expect(wren.fullText()).toContain("mock-hostile");
    expect(terminalInjections(wren.output)).toEqual([]);
    expect(wren.titles).toEqual([]);
  }, 60_000);
});
