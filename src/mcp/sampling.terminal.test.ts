// Sampling and task tools through the REPL as a person uses it: the built wren in a pty, the
// real server-everything over stdio, and the scripted model server answering both the
// conversation and the server's sampling request.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ScriptTurn, useModelHomes } from "../provider/test-support.js";
import { Keys, useTerminals } from "../test-utils/pty.js";
import { everythingStdioArgs } from "./test-support.js";

const terminals = useTerminals();
// One scripted model server for the file; each test replays its own script on it.
const mockModelHome = useModelHomes();

const everything = {
  everything: { command: process.execPath, args: everythingStdioArgs() },
};

async function setup(script: readonly ScriptTurn[]) {
  const { server, home } = await mockModelHome(script, {
    settings: {
      mcpServers: everything,
      // The tool call itself is allowed up front: the sampling consent is what is tested.
      permissions: { allow: ["mcp__everything__*"] },
    },
  });
  const project = await mkdtemp(join(tmpdir(), "wren-sampling-project-"));
  const wren = await terminals.startWren({ home, cwd: project });
  await wren.waitFor("Ask anything");
  return { server, wren };
}

const samplingScript: readonly ScriptTurn[] = [
  [
    {
      toolCall: {
        name: "mcp__everything__trigger-sampling-request",
        arguments: { prompt: "name a bird", maxTokens: 50 },
      },
    },
    { usage: { input: 100, output: 10 } },
  ],
  // The server's sampling request, answered by the user's model.
  [{ text: "A wren." }, { usage: { input: 5000, output: 500 } }],
  [{ text: "The server heard back." }, { usage: { input: 200, output: 20 } }],
];

describe("sampling consent in the REPL", () => {
  it("shows the request and token limit; allowed once, the user's model answers the server", {
    timeout: 120_000,
  }, async () => {
    const { wren, server } = await setup(samplingScript);
    await wren.waitFor(/everything ✓ \d+/, { timeout: 60_000 });
    await wren.type("ask the server to sample");
    wren.press(Keys.enter);
    const screen = await wren.waitFor("wants to use your model", { timeout: 30_000 });
    expect(screen).toContain("up to 50 output tokens");
    expect(screen).toContain("system: You are a helpful test server.");
    expect(screen).toContain("user: Resource trigger-sampling-request context: name a bird");
    wren.press(Keys.down);
    wren.press(Keys.enter);
    await wren.waitFor("The server heard back.", { timeout: 30_000 });
    const requests = await server.requests();
    const sampled = JSON.stringify(requests[1]?.body);
    expect(sampled).toContain("name a bird");
    expect(requests[1]?.body.max_tokens ?? requests[1]?.body.max_completion_tokens).toBe(50);
    // The tool result the model saw carries the sampled answer.
    expect(JSON.stringify(requests[2]?.body)).toContain("A wren.");
    await wren.type(".usage");
    wren.press(Keys.enter);
    // The session counts the conversation (300 in, 30 out) and the sampling (5000 in, 500 out).
    await wren.waitFor(/session\s+5\.3k\s+0\s+530/);
  });

  it("Enter typed ahead denies: the model never sees the server's prompt", {
    timeout: 120_000,
  }, async () => {
    const { wren, server } = await setup([
      samplingScript[0] ?? [],
      [{ text: "Denied, as expected." }],
    ]);
    await wren.waitFor(/everything ✓ \d+/, { timeout: 60_000 });
    await wren.type("ask the server to sample");
    wren.press(Keys.enter);
    await wren.waitFor("wants to use your model", { timeout: 30_000 });
    wren.press(Keys.enter);
    await wren.waitFor("Denied, as expected.", { timeout: 30_000 });
    const requests = await server.requests();
    expect(requests).toHaveLength(2);
    expect(JSON.stringify(requests[1]?.body)).toContain("rejected");
  });
});

describe("task tools in the REPL", () => {
  it("runs a task-only tool with its status showing, Esc cancels one, and a long tool shows progress", {
    timeout: 120_000,
  }, async () => {
    const research = (topic: string): ScriptTurn => [
      { toolCall: { name: "mcp__everything__simulate-research-query", arguments: { topic } } },
    ];
    const { wren } = await setup([
      research("wrens"),
      [{ text: "Report received." }],
      research("endless"),
      [
        {
          toolCall: {
            name: "mcp__everything__trigger-long-running-operation",
            arguments: { duration: 60, steps: 60 },
          },
        },
      ],
    ]);
    await wren.waitFor(/everything ✓ \d+/, { timeout: 60_000 });
    await wren.type("research wrens");
    wren.press(Keys.enter);
    await wren.waitFor(/working: (Gathering sources|Analyzing content)/, { timeout: 30_000 });
    await wren.waitFor("Report received.", { timeout: 30_000 });
    await wren.type("research more");
    wren.press(Keys.enter);
    await wren.waitFor(/working: (Gathering sources|Analyzing content)/, { timeout: 30_000 });
    wren.press(Keys.escape);
    await wren.waitFor("interrupted", { timeout: 10_000 });

    // A long-running (non-task) tool: its progress notifications show on its line; Esc stops it.
    await wren.type("run the long operation");
    wren.press(Keys.enter);
    await wren.waitFor(/ [1-9]\d*\/60/, { timeout: 30_000 });
    wren.press(Keys.escape);
    await wren.waitFor(/interrupted[\s\S]*interrupted/, { timeout: 10_000 });
  });
});
