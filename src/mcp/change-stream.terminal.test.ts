// Resource subscriptions against a 2026-07-28-only server (mock-mcps/http-modern.mjs), through
// the REPL as a person uses them: attach a resource with @, let a tool change it, see wren say
// so, find the server's new resource in `.mcp resources`, and send the new content.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useModelHomes } from "../provider/test-support.js";
import { Keys, useTerminals } from "../test-utils/pty.js";
import { startModernMock, type TestServer } from "./test-support.js";

const terminals = useTerminals();
const modelHome = useModelHomes();
let modern: TestServer;

beforeAll(async () => {
  modern = await startModernMock();
});
afterAll(() => modern.stop());

describe("resource subscriptions on a 2026-07-28 server", () => {
  it("an attached resource that changes is reported, listed and read anew", {
    timeout: 120_000,
  }, async () => {
    const { server, home } = await modelHome(
      [
        [{ text: "Count noted." }],
        [{ toolCall: { name: "mcp__modern__bump", arguments: {} } }],
        [{ text: "Bumped." }],
        [{ text: "Now it is one." }],
      ],
      {
        settings: {
          mcpServers: { modern: { type: "http", url: `${modern.origin}/mcp`, oauth: false } },
          permissions: { allow: ["mcp__modern__bump"] },
        },
      },
    );
    const wren = await terminals.startWren({ home, cols: 160 });
    await wren.waitFor(/modern ✓/, { timeout: 60_000 });
    await wren.type("what is @modern:mock://counter");
    wren.press(Keys.enter);
    await wren.waitFor("attached @modern:mock://counter", { timeout: 30_000 });
    await wren.waitFor("Count noted.", { timeout: 30_000 });
    expect(JSON.stringify((await server.requests())[0]?.body)).toContain("count is 0");

    await wren.type("bump it");
    wren.press(Keys.enter);
    await wren.waitFor("modern: mock://counter changed since it was attached", {
      timeout: 30_000,
    });
    await wren.waitFor("Bumped.", { timeout: 30_000 });
    // bump says so when no listen stream watched the counter within its wait.
    expect(JSON.stringify((await server.requests())[2]?.body)).not.toContain("nobody was watching");

    await wren.type(".mcp resources modern");
    wren.press(Keys.enter);
    await wren.waitFor("mock://notes/1", { timeout: 30_000 });

    await wren.type("and now @modern:mock://counter");
    wren.press(Keys.enter);
    await wren.waitFor("Now it is one.", { timeout: 30_000 });
    expect(JSON.stringify((await server.requests())[3]?.body)).toContain("count is 1");
  });
});
