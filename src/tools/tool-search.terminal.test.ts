// Tool search through the REPL: with a stdio server's definitions over the configured budget
// (the bundled mock, which connects in about half the time server-everything takes), the model
// gets `search_tools` in place of them, finds the tool it names, and calls it on the
// next step; a tool it calls by name without searching runs at once; `.mcp list` says which
// mode is on.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STDIO_MOCK } from "../mcp/test-support.js";
import { mockModelHome } from "../provider/test-support.js";
import { Keys, useTerminals } from "../test-utils/pty.js";

const terminals = useTerminals();

const toolNames = (body: { tools?: { function: { name: string } }[] }): string[] =>
  (body.tools ?? []).map((t) => t.function.name);

/** The last message of a request, as the model got it: the tool result after a call. */
const lastMessage = (body: { messages?: { role: string; content?: unknown }[] }) => {
  const last = body.messages?.at(-1);
  return last && { role: last.role, content: last.content };
};

describe("tool search in the REPL", () => {
  it("past the budget: search_tools finds a named tool, which the model calls next step", {
    timeout: 120_000,
  }, async () => {
    const { server, home } = await mockModelHome(
      [
        [{ toolCall: { name: "search_tools", arguments: { query: "add" } } }],
        [{ toolCall: { name: "mcp__mock__add", arguments: { a: 2, b: 40 } } }],
        [{ text: "The sum is in." }],
        // Named without a search: one round trip, and offered from then on.
        [{ toolCall: { name: "mcp__mock__echo", arguments: { text: "straight" } } }],
        [{ text: "Echoed." }],
      ],
      {
        settings: {
          mcpServers: {
            mock: { command: process.execPath, args: [STDIO_MOCK] },
          },
          permissions: { allow: ["mcp__mock__*"] },
          // A 100-token budget: the mock's definitions are well over it.
          toolSearch: { budgetPercent: 10, contextWindow: 1000 },
        },
      },
    );
    const project = await mkdtemp(join(tmpdir(), "wren-tool-search-"));
    const wren = await terminals.startWren({ home, cwd: project });
    await wren.waitFor(/mock ✓ \d+/, { timeout: 60_000 });
    await wren.type(".mcp list");
    wren.press(Keys.enter);
    await wren.waitFor("tool mode: search");
    await wren.type("add 2 and 40");
    wren.press(Keys.enter);
    await wren.waitFor("The sum is in.", { timeout: 30_000 });
    const requests = await server.requests();
    const first = toolNames(requests[0]?.body);
    expect(first).toContain("search_tools");
    expect(first.filter((n) => n.startsWith("mcp__"))).toEqual([]);
    const second = toolNames(requests[1]?.body);
    expect(second).toContain("search_tools");
    expect(second).toContain("mcp__mock__add");
    expect(second).not.toContain("mcp__mock__echo");
    expect(lastMessage(requests[2]?.body)).toEqual({ role: "tool", content: "42" });

    await wren.type("echo straight");
    wren.press(Keys.enter);
    await wren.waitFor("Echoed.", { timeout: 30_000 });
    const all = await server.requests();
    expect(toolNames(all[3]?.body)).not.toContain("mcp__mock__echo");
    expect(lastMessage(all[4]?.body)).toEqual({ role: "tool", content: "straight" });
    expect(toolNames(all[4]?.body)).toContain("mcp__mock__echo");
  });
});
