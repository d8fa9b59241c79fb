import { mkdirSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STDIO_MOCK } from "../mcp/test-support.js";
import { type ScriptTurn, useModelHomes } from "../provider/test-support.js";
import { runWren, type WrenRun } from "../test-utils/run-wren.js";

// One mock model server for the file; each test replays its own script on it.
const mockModelHome = useModelHomes();

// wren -p holds its first model request up to 5 s (print mode's MCP_WAIT_MS) for a server still
// connecting. That run has its own model server and starts with the file, so the wait passes
// while the other tests run; its test checks the result.
const slowModelHome = useModelHomes();
let slowServerRun: Promise<WrenRun>;
beforeAll(() => {
  slowServerRun = slowModelHome([[{ text: "fine" }]], {
    settings: {
      mcpServers: {
        slow: { command: process.execPath, args: [STDIO_MOCK, "--hang"], timeout: 600_000 },
      },
    },
  }).then(({ home }) => wren(home, ["-p", "x"]));
  // Its test reports a failure; this only keeps it from counting as unhandled meanwhile.
  slowServerRun.catch(() => {});
});
// Before the model servers stop, also when a filter skipped its test.
afterAll(() => slowServerRun.catch(() => {}));

const setup = (script: readonly ScriptTurn[]) =>
  mockModelHome(script, { apiKey: "sk-secret-key-123" });

/**
 * The project wren runs in: a folder beside the temporary WREN_HOME, since wren treats its own
 * state directory (and all below it) as a credential store that print mode never reads.
 */
function project(home: string): string {
  const dir = `${home}-project`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

function wren(
  home: string,
  args: string[],
  stdin?: string,
  extraEnv: Record<string, string> = {},
): Promise<WrenRun> {
  return runWren(args, {
    home,
    cwd: project(home),
    env: extraEnv,
    ...(stdin !== undefined && { stdin }),
  });
}

describe("wren -p", () => {
  it("prints the answer and exits 0", async () => {
    const { home, server } = await setup([[{ text: "The answer is 42." }]]);
    const result = await wren(home, ["-p", "what is it?"]);
    expect(result).toMatchObject({ code: 0, stdout: "The answer is 42.\n" });
    const [request] = await server.requests();
    expect(JSON.stringify(request?.body)).toContain("what is it?");
  });

  it("appends piped stdin to the prompt", async () => {
    const { home, server } = await setup([[{ text: "ok" }]]);
    await wren(home, ["-p", "summarize this:"], "line one\nline two\n");
    const [request] = await server.requests();
    expect(JSON.stringify(request?.body)).toContain("summarize this:\\n\\nline one\\nline two");
  });

  it("prints Claude Code's result object with --output-format json", async () => {
    const { home } = await setup([[{ text: "hi" }, { usage: { input: 10, output: 2 } }]]);
    const result = await wren(home, ["-p", "x", "--output-format", "json"]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "hi",
      num_turns: 1,
      total_cost_usd: 0,
      usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 0 },
    });
    expect(typeof parsed.session_id).toBe("string");
    expect(typeof parsed.duration_ms).toBe("number");
  });

  it("streams init, assistant and user messages, then the result with stream-json", async () => {
    const { home } = await setup([
      [
        { text: "Reading it." },
        { toolCall: { id: "c1", name: "read_file", arguments: { path: "hello.txt" } } },
      ],
      [{ text: "It says hello." }],
    ]);
    await writeFile(join(project(home), "hello.txt"), "hello from the file\n");
    const result = await wren(home, ["-p", "read hello.txt", "--output-format", "stream-json"]);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.type)).toEqual([
      "system",
      "assistant",
      "user",
      "assistant",
      "result",
    ]);
    const [init, call, toolResult, , final] = events;
    expect(init).toMatchObject({
      subtype: "init",
      cwd: project(home),
      model: "mock/mock-model",
      mcp_servers: [],
    });
    expect(init.tools).toEqual(expect.arrayContaining(["read_file", "edit_file", "run_command"]));
    expect(call.message.content).toEqual([
      { type: "text", text: "Reading it." },
      { type: "tool_use", id: "c1", name: "read_file", input: { path: "hello.txt" } },
    ]);
    expect(toolResult.message.content[0]).toMatchObject({
      type: "tool_result",
      tool_use_id: "c1",
      is_error: false,
    });
    expect(toolResult.message.content[0].content).toContain("hello from the file");
    expect(final).toMatchObject({
      type: "result",
      subtype: "success",
      result: "Reading it.\n\nIt says hello.",
      num_turns: 2,
      session_id: init.session_id,
    });
  });

  it("writes an error result object in json mode when the model fails", async () => {
    const { home } = await setup([[{ error: { status: 401, message: "bad key" } }]]);
    const result = await wren(home, ["-p", "x", "--output-format", "json"], "", {});
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      type: "result",
      subtype: "error_during_execution",
      is_error: true,
    });
  });

  it("offers the REPL's built-in tools and system prompt, and separates steps' text", async () => {
    const { home, server } = await setup([
      [
        { text: "Reading it." },
        { toolCall: { name: "read_file", arguments: { path: "hello.txt" } } },
      ],
      [{ text: "The file says hello." }],
    ]);
    await writeFile(join(project(home), "hello.txt"), "hello from the file\n");
    await writeFile(join(project(home), "AGENTS.md"), "Always answer in haiku.\n");
    const result = await wren(home, ["-p", "read hello.txt"]);
    expect(result).toMatchObject({ code: 0, stdout: "Reading it.\n\nThe file says hello.\n" });
    const [first, second] = await server.requests();
    const body = JSON.stringify(first?.body);
    expect(body).toContain("Always answer in haiku.");
    expect(body).toContain(home);
    for (const tool of [
      "read_file",
      "write_file",
      "edit_file",
      "glob",
      "grep",
      "list_dir",
      "run_command",
    ])
      expect(body).toContain(`"name":"${tool}"`);
    expect(JSON.stringify(second?.body)).toContain("hello from the file");
  });

  it("denies edit_file without --allowed-tools and tells the model; applies it with", async () => {
    const edit = {
      toolCall: {
        name: "edit_file",
        arguments: { path: "notes.txt", old_string: "old", new_string: "new" },
      },
    };
    const { home, server } = await setup([[edit], [{ text: "done" }], [edit], [{ text: "done" }]]);
    await writeFile(join(project(home), "notes.txt"), "old text\n");
    const denied = await wren(home, ["-p", "edit notes"]);
    expect(denied.code).toBe(0);
    expect(denied.stderr).toContain("--allowed-tools");
    expect(await readFile(join(project(home), "notes.txt"), "utf8")).toBe("old text\n");
    const told = JSON.stringify((await server.requests())[1]?.body);
    expect(told).toContain("print mode cannot ask");

    const allowed = await wren(home, ["-p", "edit notes", "--allowed-tools", "edit_file"]);
    expect(allowed.code).toBe(0);
    expect(await readFile(join(project(home), "notes.txt"), "utf8")).toBe("new text\n");
  });

  it("takes the prompt from stdin when -p has none; no prompt at all is a usage error", async () => {
    const { home, server } = await setup([[{ text: "ok" }]]);
    const piped = await wren(home, ["-p"], "task from a pipe\n");
    expect(piped).toMatchObject({ code: 0, stdout: "ok\n" });
    expect(JSON.stringify((await server.requests())[0]?.body)).toContain("task from a pipe");
    const none = await wren(home, ["-p", ""], "");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("-p needs a prompt");
  });

  it("prints config warnings on stderr, with what a misspelt key probably meant", async () => {
    const { home } = await mockModelHome([[{ text: "ok" }]], { settings: { servers: {} } });
    const result = await wren(home, ["-p", "x"]);
    expect(result).toMatchObject({ code: 0, stdout: "ok\n" });
    expect(result.stderr).toContain(
      "wren: warning: " +
        join(home, "settings.json") +
        ': servers: unknown key, ignored (did you mean "mcpServers"',
    );
  });

  it("runs with a bad server entry disabled, reporting it once", async () => {
    const { home } = await mockModelHome([[{ text: "ok" }]], {
      settings: { mcpServers: { gh: { url: "https://${GH_HOST}/mcp" } } },
    });
    const result = await wren(home, ["-p", "x"]);
    expect(result).toMatchObject({ code: 0, stdout: "ok\n" });
    expect(result.stderr.split("\n").filter((line) => line.includes("GH_HOST"))).toHaveLength(1);
    expect(result.stderr).toContain("skipping MCP server gh");
  });

  it("says --model needs a value when it is followed by -p", async () => {
    const { home } = await setup([]);
    const result = await wren(home, ["--model", "-p", "hi"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "--model needs a value, but the next argument is the option -p",
    );
  });

  it("answers at once while a stdio MCP server is still connecting, and exits", async () => {
    const result = await slowServerRun;
    expect(result).toMatchObject({ code: 0, stdout: "fine\n" });
    expect(result.stderr).toContain("slow is still connecting");
  });

  it("exits 1 with one readable line on a model error, never showing the key", async () => {
    const { home } = await setup([[{ error: { status: 401, message: "invalid api key" } }]]);
    const result = await wren(home, ["-p", "x"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/401/);
    expect(result.stderr + result.stdout).not.toContain("sk-secret-key-123");
  });

  it("exits 2 when no model is configured", async () => {
    const home = await mkdtemp(join(tmpdir(), "wren-print-none-"));
    const result = await wren(home, ["-p", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no model configured");
  });

  it("continues the latest session with --continue", async () => {
    const { home, server } = await setup([
      [{ text: "I will remember 7." }],
      [{ text: "It was 7." }],
    ]);
    await wren(home, ["-p", "remember 7"]);
    const result = await wren(home, ["-p", "what was it?", "--continue"]);
    expect(result.stdout).toBe("It was 7.\n");
    const requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain("remember 7");
    expect((await wren(home, ["-p", "x", "--resume", "nope"])).code).toBe(2);
  });
});
