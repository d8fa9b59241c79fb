import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ModelServer, startModelServer } from "../provider/test-support.js";
import { Keys, useTerminals } from "../test-utils/pty.js";

const terminals = useTerminals();
const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

type Script = NonNullable<Parameters<typeof startModelServer>[0]>["script"];

/** A WREN_HOME whose settings point the `mock` provider at a fresh mock model server. */
async function mockModel(script: Script): Promise<{ server: ModelServer; home: string }> {
  const server = await startModelServer({ script });
  servers.push(server);
  const home = await mkdtemp(join(tmpdir(), "wren-chat-home-"));
  await writeFile(
    join(home, "settings.json"),
    JSON.stringify({
      model: "mock/mock-model",
      providers: { mock: { type: "openai-compatible", baseURL: server.baseURL } },
    }),
  );
  return { server, home };
}

describe("chatting in a terminal", () => {
  it("streams a markdown answer and keeps the REPL usable", async () => {
    const { server, home } = await mockModel([
      [{ text: "Here is **bold** and a list:\n\n- one\n- two\n" }],
    ]);
    const wren = await terminals.startWren({ home });
    await wren.waitFor("Ask anything");
    await wren.type("hello model");
    wren.press(Keys.enter);
    const screen = await wren.waitFor("two");
    expect(screen).toContain("Here is bold and a list:");
    expect(screen).not.toContain("**bold**");
    expect(await server.requests()).toHaveLength(1);
    await wren.type(".usage");
    wren.press(Keys.enter);
    await wren.waitFor(/session\s+\d/);
  });

  it("interrupts a streaming answer with Esc, keeps the partial text, and takes the next message", async () => {
    const { home } = await mockModel([
      [{ text: "Starting a long answer." }, { slowTokens: { count: 5000, perSecond: 50 } }],
      [{ text: "Second answer." }],
    ]);
    const wren = await terminals.startWren({ home });
    await wren.waitFor("Ask anything");
    await wren.type("write a lot");
    wren.press(Keys.enter);
    await wren.waitFor("Starting a long answer.");
    wren.press(Keys.escape);
    await wren.waitFor("interrupted");
    await wren.waitFor("Ask anything");
    await wren.type("next");
    wren.press(Keys.enter);
    await wren.waitFor("Second answer.");
  });

  it("queues a message typed while the model answers and sends it afterwards", async () => {
    const { server, home } = await mockModel([
      [{ delayMs: 150 }, { text: "first reply takes a while to arrive in pieces" }],
      [{ text: "reply to the queued one" }],
    ]);
    const wren = await terminals.startWren({ home });
    await wren.waitFor("Ask anything");
    await wren.type("first");
    wren.press(Keys.enter);
    await wren.waitFor("Type to queue");
    await wren.type("queued question");
    wren.press(Keys.enter);
    await wren.waitFor("queued: queued question");
    await wren.waitFor("reply to the queued one");
    expect(await server.requests()).toHaveLength(2);
  });

  it("shows a model error as one line and stays usable", async () => {
    const { home } = await mockModel([
      [{ error: { status: 401, message: "bad key" } }],
      [{ text: "works again" }],
    ]);
    const wren = await terminals.startWren({ home });
    await wren.waitFor("Ask anything");
    await wren.type("hi");
    wren.press(Keys.enter);
    await wren.waitFor("✗");
    expect(wren.screen()).toMatch(/401/);
    await wren.type("again");
    wren.press(Keys.enter);
    await wren.waitFor("works again");
  });
});
