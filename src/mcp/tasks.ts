// MCP tasks (2025-11-25, SEP-1686) for tool calls: a tool that requires or offers task
// execution is called with a `task` field, answered with a task handle, polled with
// `tasks/get` until it settles, and its result fetched with `tasks/result`. Esc (the call's
// signal) sends `tasks/cancel`. The v2 SDK keeps the task wire schemas but no runtime, so the
// four requests go through the client's schema-typed `request()`.
import type {
  CallToolResult,
  Client,
  ServerCapabilities,
  Tool,
} from "@modelcontextprotocol/client";
import {
  CallToolResultSchema,
  CancelTaskResultSchema,
  CreateTaskResultSchema,
  GetTaskResultSchema,
} from "@modelcontextprotocol/core";
import * as z from "zod/mini";
import type { ToolProgress } from "../tools/types.js";
import { sleep as sleepFor } from "../utils/sleep.js";

/** Whether a tool may, must or must not run as a task (`execution.taskSupport`). */
export type TaskSupport = "required" | "optional" | "forbidden";

/** A tool's declared task support; `forbidden` when it declares none. */
export function taskSupportOf(tool: Pick<Tool, "execution">): TaskSupport {
  return tool.execution?.taskSupport ?? "forbidden";
}

/** True when the server accepts task-augmented `tools/call` (`capabilities.tasks.requests.tools.call`). */
export function serverRunsToolTasks(capabilities: ServerCapabilities | undefined): boolean {
  const tasks = TasksCapability.safeParse(capabilities?.tasks);
  return tasks.success && tasks.data?.requests?.tools?.call !== undefined;
}

const TasksCapability = z.optional(
  z.looseObject({
    requests: z.optional(
      z.looseObject({
        tools: z.optional(z.looseObject({ call: z.optional(z.unknown()) })),
      }),
    ),
  }),
);

/** Runs a tool call as a task when the tool asks for it and the server can; otherwise plainly. */
export function shouldRunAsTask(
  support: TaskSupport,
  capabilities: ServerCapabilities | undefined,
): boolean {
  // A tool that requires tasks is tried as one even if the server forgot to advertise it:
  // the plain call is sure to fail.
  if (support === "required") return true;
  return support === "optional" && serverRunsToolTasks(capabilities);
}

/** A result schema as the SDK client's `request(request, schema, options)` takes it. */
type ResultSchema = Parameters<Client["request"]>[1];

/** Sends one request with a result schema: the SDK client's `request(request, schema, options)`. */
export type SchemaRequest = (
  request: { method: string; params: Record<string, unknown> },
  schema: ResultSchema,
  options: { signal?: AbortSignal; timeout?: number },
) => Promise<unknown>;

/** Thrown when a task ends as `cancelled` on the server's side (not by our signal). */
export class McpTaskCancelledError extends Error {
  override readonly name = "McpTaskCancelledError";
}

/** Thrown when the task did not settle within the caller's deadline; it was cancelled. */
export class McpTaskTimeoutError extends Error {
  override readonly name = "McpTaskTimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`the task did not finish within ${timeoutMs} ms; it was cancelled`);
    this.timeoutMs = timeoutMs;
  }
}

/** What running one tool as a task needs. */
export interface TaskCallOptions {
  readonly request: SchemaRequest;
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly signal?: AbortSignal;
  /** Status changes, as progress: the message carries the task's status and status message. */
  readonly onProgress?: (progress: ToolProgress) => void;
  /** Whole-task deadline (ms), after which the task is cancelled. */
  readonly timeoutMs?: number;
  /** Per-request timeout of the SDK (ms). */
  readonly requestTimeoutMs?: number;
  /** How long the server should keep the task (ms). */
  readonly ttlMs?: number;
  /** Waits between polls; the clock seam for tests. Rejects when the signal aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const DEFAULT_TTL_MS = 10 * 60_000;
/** Poll bounds: a server's `pollInterval` is a hint, not a licence to spin or to stall. */
const MIN_POLL_MS = 200;
const MAX_POLL_MS = 5_000;
const DEFAULT_POLL_MS = 1_000;

/** What a first answer to a task-augmented call can be: a task handle, or a plain result. */
const FirstAnswer = z.looseObject({});

/**
 * Calls a tool as a task and waits for its result, reporting each status change as progress.
 * Aborting the signal (Esc) or passing the deadline sends `tasks/cancel` before giving up.
 * A server that answers with a plain result (it chose not to make a task) is fine too.
 */
export async function callToolAsTask(options: TaskCallOptions): Promise<CallToolResult> {
  const { request, name, args } = options;
  const sleep = options.sleep ?? sleepFor;
  const own = new AbortController();
  const outer = options.signal;
  const forward = (): void => own.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener("abort", forward, { once: true });
  let timedOut = false;
  const deadline =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          own.abort(new McpTaskTimeoutError(options.timeoutMs ?? 0));
        }, options.timeoutMs);
  deadline?.unref();
  const signal = own.signal;
  // Each request gets a signal of its own that follows the task's: the SDK adds an abort
  // listener to every request's signal and never removes it, and a task polls many times.
  const send: SchemaRequest = async (req, schema) => {
    const child = new AbortController();
    const forwardAbort = (): void => child.abort(signal.reason);
    if (signal.aborted) forwardAbort();
    else signal.addEventListener("abort", forwardAbort, { once: true });
    try {
      return await request(req, schema, {
        signal: child.signal,
        ...(options.requestTimeoutMs !== undefined && { timeout: options.requestTimeoutMs }),
      });
    } finally {
      signal.removeEventListener("abort", forwardAbort);
    }
  };
  const perRequest = {};
  let taskId: string | undefined;
  try {
    const first = await send(
      {
        method: "tools/call",
        params: { name, arguments: args, task: { ttl: options.ttlMs ?? DEFAULT_TTL_MS } },
      },
      FirstAnswer,
      perRequest,
    );
    const created = CreateTaskResultSchema.safeParse(first);
    if (!created.success) return CallToolResultSchema.parse(first);
    let task = created.data.task;
    taskId = task.taskId;
    let step = 0;
    let last = "";
    const report = (): void => {
      const text = task.statusMessage ? `${task.status}: ${task.statusMessage}` : task.status;
      if (text === last) return;
      last = text;
      options.onProgress?.({ progress: ++step, message: text });
    };
    report();
    while (task.status === "working") {
      const wait = Math.min(
        MAX_POLL_MS,
        Math.max(MIN_POLL_MS, task.pollInterval ?? DEFAULT_POLL_MS),
      );
      await sleep(wait, signal);
      task = GetTaskResultSchema.parse(
        await send({ method: "tasks/get", params: { taskId } }, GetTaskResultSchema, perRequest),
      );
      report();
    }
    if (task.status === "cancelled") {
      throw new McpTaskCancelledError(task.statusMessage ?? "the server cancelled the task");
    }
    if (task.status === "failed") {
      return {
        content: [{ type: "text", text: task.statusMessage ?? "the task failed" }],
        isError: true,
      };
    }
    // completed, or input_required: `tasks/result` delivers the server's questions (elicitation,
    // sampling) through the normal handlers and answers once the task is done.
    const result = await send(
      { method: "tasks/result", params: { taskId } },
      CallToolResultSchema,
      perRequest,
    );
    return CallToolResultSchema.parse(result);
  } catch (error) {
    if (signal.aborted && taskId !== undefined) await cancelTask(request, taskId);
    if (timedOut) throw new McpTaskTimeoutError(options.timeoutMs ?? 0);
    throw error;
  } finally {
    if (deadline) clearTimeout(deadline);
    outer?.removeEventListener("abort", forward);
  }
}

/** Best effort, bounded: a server that does not answer must not hold the user's Esc. */
async function cancelTask(request: SchemaRequest, taskId: string): Promise<void> {
  await request({ method: "tasks/cancel", params: { taskId } }, CancelTaskResultSchema, {
    timeout: 5_000,
  }).catch(() => {});
}
