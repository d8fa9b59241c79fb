import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import {
  callToolAsTask,
  McpTaskCancelledError,
  McpTaskTimeoutError,
  type SchemaRequest,
  serverRunsToolTasks,
  shouldRunAsTask,
  taskSupportOf,
} from "./tasks.js";

const task = (status: string, statusMessage?: string) => ({
  taskId: "t1",
  status,
  ttl: 60_000,
  createdAt: "2026-01-01T00:00:00Z",
  lastUpdatedAt: "2026-01-01T00:00:00Z",
  pollInterval: 10,
  ...(statusMessage !== undefined && { statusMessage }),
});

/** A server answering from a script: each `tasks/get` takes the next status. */
function scripted(statuses: Array<ReturnType<typeof task>>, result: unknown = { content: [] }) {
  const sent: string[] = [];
  const request: SchemaRequest = async (req) => {
    sent.push(req.method);
    if (req.method === "tools/call") return { task: statuses.shift() };
    if (req.method === "tasks/get") return statuses.shift();
    if (req.method === "tasks/result") return result;
    if (req.method === "tasks/cancel") return task("cancelled");
    throw new Error(`unexpected ${req.method}`);
  };
  return { request, sent };
}

const noSleep = async (_ms: number, signal: AbortSignal): Promise<void> => {
  if (signal.aborted) throw signal.reason;
};

describe("task support", () => {
  it("reads execution.taskSupport and the server's tasks capability", () => {
    expect(taskSupportOf({})).toBe("forbidden");
    expect(taskSupportOf({ execution: { taskSupport: "optional" } })).toBe("optional");
    const caps = { tasks: { requests: { tools: { call: {} } } } };
    expect(serverRunsToolTasks(caps)).toBe(true);
    expect(serverRunsToolTasks({ tasks: { list: {} } })).toBe(false);
    expect(shouldRunAsTask("optional", caps)).toBe(true);
    expect(shouldRunAsTask("optional", {})).toBe(false);
    expect(shouldRunAsTask("required", {})).toBe(true);
    expect(shouldRunAsTask("forbidden", caps)).toBe(false);
  });
});

describe("callToolAsTask", () => {
  it("polls until completed, reports each new status once, then fetches the result", async () => {
    const { request, sent } = scripted(
      [task("working", "a"), task("working", "a"), task("working", "b"), task("completed", "b")],
      { content: [{ type: "text", text: "done" }] },
    );
    const progress: unknown[] = [];
    const result = await callToolAsTask({
      request,
      name: "t",
      args: {},
      sleep: noSleep,
      onProgress: (p) => progress.push(p),
    });
    expect(result.content).toEqual([{ type: "text", text: "done" }]);
    expect(sent).toEqual(["tools/call", "tasks/get", "tasks/get", "tasks/get", "tasks/result"]);
    expect(progress).toEqual([
      { progress: 1, message: "working: a" },
      { progress: 2, message: "working: b" },
      { progress: 3, message: "completed: b" },
    ]);
  });

  it("takes a plain result when the server chose not to make a task", async () => {
    const request: SchemaRequest = async () => ({ content: [{ type: "text", text: "now" }] });
    const result = await callToolAsTask({ request, name: "t", args: {}, sleep: noSleep });
    expect(result.content).toEqual([{ type: "text", text: "now" }]);
  });

  it("a failed task is an error result carrying the server's message", async () => {
    const { request } = scripted([task("working"), task("failed", "disk full")]);
    const result = await callToolAsTask({ request, name: "t", args: {}, sleep: noSleep });
    expect(result).toEqual({ content: [{ type: "text", text: "disk full" }], isError: true });
  });

  it("a task the server cancelled is a typed error", async () => {
    const { request } = scripted([task("working"), task("cancelled", "operator stopped it")]);
    await expect(callToolAsTask({ request, name: "t", args: {}, sleep: noSleep })).rejects.toThrow(
      McpTaskCancelledError,
    );
  });

  it("aborting sends tasks/cancel and gives up", async () => {
    const { request, sent } = scripted([task("working"), task("working"), task("working")]);
    const abort = new AbortController();
    await expect(
      callToolAsTask({
        request,
        name: "t",
        args: {},
        signal: abort.signal,
        sleep: async (_ms, signal) => {
          abort.abort(new Error("esc"));
          if (signal.aborted) throw signal.reason;
        },
      }),
    ).rejects.toThrow("esc");
    expect(sent).toEqual(["tools/call", "tasks/cancel"]);
  });

  it("the deadline cancels the task and says how long it waited", async () => {
    const { request, sent } = scripted([task("working"), task("working")]);
    await expect(
      callToolAsTask({
        request,
        name: "t",
        args: {},
        timeoutMs: 1,
        // Waits until the deadline fires: the clock is the test's, not a fixed sleep.
        sleep: (_ms, signal) =>
          new Promise((_resolve, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
          ),
      }),
    ).rejects.toThrow(McpTaskTimeoutError);
    expect(sent.at(-1)).toBe("tasks/cancel");
  });

  it("gives each request its own signal, so polling never piles listeners on one", async () => {
    const statuses = [...Array.from({ length: 15 }, () => task("working")), task("completed")];
    const { request: scriptedRequest } = scripted(statuses);
    const signals: (AbortSignal | undefined)[] = [];
    const request: SchemaRequest = (req, schema, options) => {
      signals.push(options.signal);
      return scriptedRequest(req, schema, options);
    };
    const outer = new AbortController();
    await callToolAsTask({ request, name: "t", args: {}, signal: outer.signal, sleep: noSleep });
    expect(signals).toHaveLength(17);
    expect(new Set(signals).size).toBe(17);
    expect(getEventListeners(outer.signal, "abort")).toHaveLength(0);
  });
});
