import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STDIO_MOCK } from "../mcp/test-support.js";
import type { ChatMessage } from "../messages.js";
import { useModelHomes } from "../provider/test-support.js";
import { createSessionStore } from "../session/session-store.js";
import { Keys, useTerminals } from "../test-utils/pty.js";
import { resolvePaths } from "../utils/paths.js";

// One mock model server for the file; each test replays its own script on it.
const mockModelHome = useModelHomes();

const terminals = useTerminals();

describe("chatting in a terminal", () => {
  it("streams a markdown answer and keeps the REPL usable", async () => {
    const { server, home } = await mockModelHome([
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
    const { home } = await mockModelHome([
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
    const { server, home } = await mockModelHome([
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
    const { home } = await mockModelHome([
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

describe("tools and sessions in a terminal", () => {
  it("runs an MCP tool the model calls and feeds the result back", async () => {
    const stdioMock = STDIO_MOCK;
    const { server, home } = await mockModelHome(
      [
        [{ toolCall: { name: "mcp__mock__echo", arguments: { text: "ping" } } }],
        [{ text: "The server echoed ping back." }],
      ],
      { settings: { mcpServers: { mock: { command: process.execPath, args: [stdioMock] } } } },
    );
    const wren = await terminals.startWren({ home });
    await wren.waitFor(/mock ✓|mock.*1\d? tools|✓/);
    await wren.type("use the echo tool");
    wren.press(Keys.enter);
    // MCP tools ask first; the prompt shows the server and the arguments.
    const prompt = await wren.waitFor("Allow once");
    expect(prompt).toContain("mcp__mock__echo");
    expect(prompt).toContain('"text": "ping"');
    wren.press(Keys.enter);
    await wren.waitFor("The server echoed ping back.");
    expect(wren.screen()).toMatch(/✓ mcp__mock__echo/);
    const requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain("ping");
  });

  it("resumes the latest session with --continue", async () => {
    const { home } = await mockModelHome([
      [{ text: "Noted: the codeword is heron." }],
      [{ text: "It was heron." }],
    ]);
    const first = await terminals.startWren({ home });
    await first.waitFor("Ask anything");
    await first.type("remember the codeword heron");
    first.press(Keys.enter);
    await first.waitFor("Noted: the codeword is heron.");
    first.press(Keys.ctrlD);
    await first.waitForExit();
    const second = await terminals.startWren({ home, cwd: first.cwd, args: ["--continue"] });
    await second.waitFor("resumed session");
    expect(second.screen()).toContain("Noted: the codeword is heron.");
  });

  it("resumes a long session with its tool lines and interrupted marker, without a listener per message", async () => {
    const { home } = await mockModelHome([]);
    const cwd = join(home, "project");
    await mkdir(cwd, { recursive: true });
    const time = new Date().toISOString();
    const messages: ChatMessage[] = [
      { role: "user", id: "u1", time, text: "what does notes.txt say?" },
      {
        role: "assistant",
        id: "a1",
        time,
        parts: [
          { type: "text", text: "Reading it." },
          { type: "tool-call", id: "c1", name: "read_file", input: { path: "notes.txt" } },
        ],
      },
      {
        role: "tool",
        id: "t1",
        time,
        results: [
          {
            callId: "c1",
            name: "read_file",
            outcome: { status: "ok", content: [{ type: "text", text: "buy milk" }] },
          },
        ],
      },
      { role: "assistant", id: "a2", time, parts: [{ type: "text", text: "It says buy milk." }] },
      // Twelve more exchanges: more than ten answers are drawn at once on resume.
      ...Array.from({ length: 12 }, (_, i): ChatMessage[] => [
        { role: "user", id: `u${i + 2}`, time, text: `question ${i}` },
        {
          role: "assistant",
          id: `a${i + 3}`,
          time,
          parts: [{ type: "text", text: `answer ${i}` }],
        },
      ]).flat(),
      { role: "user", id: "u99", time, text: "write a long story" },
      {
        role: "assistant",
        id: "a99",
        time,
        parts: [{ type: "text", text: "Once upon a time" }],
        interrupted: true,
      },
    ];
    const writer = createSessionStore(resolvePaths({ WREN_HOME: home }, cwd)).create();
    for (const message of messages) await writer.append(message);
    await writer.close();

    const wren = await terminals.startWren({ home, cwd, args: ["--continue"], rows: 60 });
    await wren.waitFor("resumed session");
    const text = wren.fullText();
    expect(text).toMatch(/✓ read_file\(notes\.txt\)/);
    expect(text).toMatch(/Once upon a time\s+interrupted/);
    wren.press(Keys.ctrlD);
    await wren.waitForExit();
    const log = await readFile(join(home, "logs", "wren.log"), "utf8").catch(() => "");
    expect(log).not.toContain("MaxListenersExceededWarning");
  });

  it("/compact replaces the conversation with the model's summary, also in the session file", async () => {
    const { server, home } = await mockModelHome([
      [{ text: "Noted: the codeword is heron." }],
      [{ text: "The user set the codeword heron." }],
      [{ text: "It was heron." }],
    ]);
    const first = await terminals.startWren({ home });
    await first.waitFor("Ask anything");
    await first.type("remember the codeword heron");
    first.press(Keys.enter);
    await first.waitFor("Noted: the codeword is heron.");
    await first.type("/compact");
    first.press(Keys.enter);
    await first.waitFor("compacted: 2 messages");
    await first.type("what was it?");
    first.press(Keys.enter);
    await first.waitFor("It was heron.");
    const requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain("Summarise our conversation");
    const sent = JSON.stringify(requests[2]?.body.messages);
    expect(sent).toContain("The user set the codeword heron.");
    expect(sent).not.toContain("remember the codeword heron");
    first.press(Keys.ctrlD);
    await first.waitForExit();
    // The session continues from the summary: summary, question, answer.
    const second = await terminals.startWren({ home, cwd: first.cwd, args: ["--continue"] });
    await second.waitFor("(3 messages)");
  });
});
