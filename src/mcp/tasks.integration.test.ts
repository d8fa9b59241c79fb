// Task-based tools against the real reference server: server-everything's
// `simulate-research-query` declares `execution.taskSupport: "required"`, so a plain call fails;
// wren runs it as a task, reports each status, and cancels it on Esc.
import { describe, it } from "vitest";
import type { ToolProgress } from "../tools/types.js";
import type { McpManager } from "./manager.js";
import { everythingStdioArgs, stdioMock, useSharedManager } from "./test-support.js";

// One server for the file: every test starts its own task, and a task's status, result and
// cancellation belong to that call alone. Only the ambiguous query asks for the answer below.
const asked: string[] = [];
const sharedManager = useSharedManager({
  servers: [{ ...stdioMock("everything"), args: everythingStdioArgs() }],
  elicitation: async (_server, params) => {
    asked.push(params.message);
    return { action: "accept", content: { interpretation: "historical" } };
  },
});

function researchTool(m: McpManager) {
  const tool = m.tools().find((t) => t.name === "mcp__everything__simulate-research-query");
  if (!tool) throw new Error("no research tool");
  return tool;
}

// Concurrent: each task runs its four one-second stages on the server's clock; side by side they
// take the time of one.
describe.concurrent("task-based tools (server-everything)", () => {
  it("runs a task-only tool to completion, reporting each status on the way", async ({
    expect,
  }) => {
    const m = sharedManager();
    const progress: ToolProgress[] = [];
    const outcome = await researchTool(m).execute(
      { topic: "wrens" },
      { signal: new AbortController().signal, onProgress: (p) => progress.push(p) },
    );
    expect(outcome.status).toBe("ok");
    const text =
      outcome.status === "ok" ? outcome.content.map((p) => ("text" in p ? p.text : "")) : [];
    expect(text.join("")).toContain("Research Report: wrens");
    const messages = progress.map((p) => p.message);
    expect(messages[0]).toMatch(/^working: Gathering sources/);
    expect(messages).toContain("working: Generating report...");
    // Never the SDK's "requires task augmentation" error text.
    expect(text.join("")).not.toContain("requires task");
  }, 30_000);

  it("cancels the task on the server when the call is aborted (Esc)", async ({ expect }) => {
    const m = sharedManager();
    const abort = new AbortController();
    const statuses: string[] = [];
    const running = researchTool(m).execute(
      { topic: "cancel me" },
      {
        signal: abort.signal,
        onProgress: (p) => {
          statuses.push(p.message ?? "");
          abort.abort();
        },
      },
    );
    expect(await running).toEqual({ status: "cancelled" });
    expect(statuses).toHaveLength(1);
  }, 30_000);

  it("wren's timeout cancels a task that runs too long and says so", async ({ expect }) => {
    const m = sharedManager();
    await expect(
      m.callTool("everything", "simulate-research-query", { topic: "slow" }, { timeoutMs: 300 }),
    ).rejects.toThrow(/did not finish within 300 ms/);
  }, 30_000);

  it("a task that needs input asks through elicitation and finishes with the answer", async ({
    expect,
  }) => {
    const m = sharedManager();
    const progress: string[] = [];
    const outcome = await researchTool(m).execute(
      { topic: "wrens", ambiguous: true },
      { signal: new AbortController().signal, onProgress: (p) => progress.push(p.message ?? "") },
    );
    expect(asked[0]).toContain('"wrens" could have multiple interpretations');
    expect(progress.some((p) => p.startsWith("input_required"))).toBe(true);
    const text =
      outcome.status === "ok" ? outcome.content.map((p) => ("text" in p ? p.text : "")) : [];
    expect(text.join("")).toContain("Research Report: wrens (historical)");
  }, 30_000);
});
