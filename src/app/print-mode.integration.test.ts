import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mockModelHome, type ScriptTurn } from "../provider/test-support.js";
import { wrenBin } from "../test-utils/pty.js";

const setup = (script: readonly ScriptTurn[]) =>
  mockModelHome(script, { apiKey: "sk-secret-key-123" });

function wren(
  home: string,
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wrenBin, ...args], {
      env: { PATH: process.env.PATH, HOME: home, WREN_HOME: home },
      cwd: home,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
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

  it("prints one JSON object with --output-format json", async () => {
    const { home } = await setup([[{ text: "hi" }, { usage: { input: 10, output: 2 } }]]);
    const result = await wren(home, ["-p", "x", "--output-format", "json"]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({
      answer: "hi",
      end: "stop",
      model: "mock/mock-model",
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    expect(typeof parsed.sessionId).toBe("string");
  });

  it("prints one JSON event per line with --output-format stream-json", async () => {
    const { home } = await setup([[{ text: "a b c" }]]);
    const result = await wren(home, ["-p", "x", "--output-format", "stream-json"]);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(
      events
        .filter((e) => e.type === "text-delta")
        .map((e) => e.text)
        .join(""),
    ).toBe("a b c");
    expect(events.at(-1)).toMatchObject({ type: "done", end: "stop" });
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
