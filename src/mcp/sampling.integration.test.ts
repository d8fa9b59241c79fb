// Sampling and task tools in print mode: the built wren as a script runs it, server-everything
// over stdio, the scripted model server behind it. Print mode cannot ask, so sampling is denied
// unless `--allowed-tools` names `sampling(NAME)`.
import { mkdirSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ScriptTurn, useModelHomes } from "../provider/test-support.js";
import { runWren } from "../test-utils/run-wren.js";
import { everythingStdioArgs } from "./test-support.js";

const mcpServers = { everything: { command: process.execPath, args: everythingStdioArgs() } };

// One scripted model server for the file; each test that talks to the model replays its own
// script on it, one at a time (the concurrent block below has a single such test).
const mockModelHome = useModelHomes();

async function setup(script: readonly ScriptTurn[]) {
  const { home, server } = await mockModelHome(script, { settings: { mcpServers } });
  const cwd = `${home}-project`;
  mkdirSync(cwd, { recursive: true });
  return { home, server, cwd };
}

/** A home with server-everything and no model: `wren mcp call` needs none. */
async function serverOnly(): Promise<{ home: string; cwd: string }> {
  const home = await mkdtemp(join(tmpdir(), "wren-sampling-home-"));
  await writeFile(join(home, "settings.json"), JSON.stringify({ mcpServers }));
  const cwd = `${home}-project`;
  mkdirSync(cwd, { recursive: true });
  return { home, cwd };
}

const sampling: readonly ScriptTurn[] = [
  [
    {
      toolCall: {
        name: "mcp__everything__trigger-sampling-request",
        arguments: { prompt: "name a bird", maxTokens: 50 },
      },
    },
    { usage: { input: 100, output: 10 } },
  ],
  [{ text: "A wren." }, { usage: { input: 5000, output: 500 } }],
  [{ text: "done" }, { usage: { input: 200, output: 20 } }],
];

describe("sampling in print mode", () => {
  it("is denied without sampling(NAME), and says how to allow it", async () => {
    const { home, server, cwd } = await setup([sampling[0] ?? [], [{ text: "denied" }]]);
    const run = await runWren(
      ["-p", "sample", "--allowed-tools", "mcp__everything__trigger-sampling-request"],
      { home, cwd },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "everything asked to use the model (sampling); denied: print mode cannot ask. To allow it, pass --allowed-tools 'sampling(everything)'",
    );
    expect(await server.requests()).toHaveLength(2);
  }, 60_000);

  it("sampling(NAME) allows it; the tokens count in the JSON result", async () => {
    const { home, server, cwd } = await setup(sampling);
    const run = await runWren(
      [
        "-p",
        "sample",
        "--output-format",
        "json",
        "--allowed-tools",
        "mcp__everything__trigger-sampling-request,sampling(everything)",
      ],
      { home, cwd },
    );
    expect(run.code).toBe(0);
    const requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain("name a bird");
    const result = JSON.parse(run.stdout);
    expect(result.usage).toMatchObject({ input_tokens: 5300, output_tokens: 530 });
  }, 60_000);
});

// Concurrent: each task runs its four one-second stages on the server's clock, and each test
// has its own wren and server; side by side they take the time of one.
describe.concurrent("task tools", () => {
  it("in print mode run a task-only tool to its result", async ({ expect }) => {
    const { home, server, cwd } = await setup([
      [
        {
          toolCall: {
            name: "mcp__everything__simulate-research-query",
            arguments: { topic: "wrens" },
          },
        },
      ],
      [{ text: "report read" }],
    ]);
    const run = await runWren(
      ["-p", "research", "--allowed-tools", "mcp__everything__simulate-research-query"],
      { home, cwd },
    );
    expect(run).toMatchObject({ code: 0, stdout: "report read\n" });
    const requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain("Research Report: wrens");
  }, 60_000);

  it("wren mcp call waits for the task, with its status on stderr and the result on stdout", async ({
    expect,
  }) => {
    const { home, cwd } = await serverOnly();
    const run = await runWren(
      ["mcp", "call", "everything", "simulate-research-query", '{"topic":"wrens"}'],
      { home, cwd },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "wren: everything/simulate-research-query: 1 working: Gathering sources...",
    );
    expect(run.stderr).toMatch(/completed/);
    expect(JSON.parse(run.stdout).content[0].text).toContain("Research Report: wrens");
  }, 60_000);

  it("wren mcp call --timeout cancels a task that takes longer and exits 1", async ({ expect }) => {
    const { home, cwd } = await serverOnly();
    const run = await runWren(
      ["mcp", "call", "everything", "simulate-research-query", '{"topic":"x"}', "--timeout", "500"],
      { home, cwd },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("did not finish within 500 ms; it was cancelled");
  }, 60_000);
});
