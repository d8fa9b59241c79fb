// Helpers for the built-in tool tests: a temp project with files (tools/test-support.ts), and
// calling a tool. Used by *.test.ts only.
import { join } from "node:path";
import { createSensitivePaths, type SensitivePaths } from "../sensitive.js";
import { type TempProject, tempProject } from "../test-support.js";
import type { Tool, ToolContentPart, ToolContext, ToolOutcome } from "../types.js";

export { type TempProject, tempProject };

/** Credential stores of a user whose home and WREN_HOME sit in the temp root, outside the project. */
export function sensitiveIn(temp: TempProject): SensitivePaths {
  return createSensitivePaths({
    home: join(temp.root, "wren-home"),
    userHome: join(temp.root, "home"),
  });
}

/** Finds a tool by name in a list, failing the test when it is missing. */
export function toolNamed(tools: readonly Tool[], name: string): Tool {
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool;
}

/** Runs a tool with a fresh (or the given) signal. */
export function call(
  tool: Tool,
  args: unknown,
  context: Partial<ToolContext> = {},
): Promise<ToolOutcome> {
  return tool.execute(args, { signal: context.signal ?? new AbortController().signal, ...context });
}

/** The text of an outcome: content for ok, message (and content) for error. */
export function textOf(outcome: ToolOutcome): string {
  const parts = (list: readonly ToolContentPart[]): string =>
    list.map((p) => (p.type === "text" ? p.text : `[${p.type}]`)).join("\n");
  switch (outcome.status) {
    case "ok":
      return parts(outcome.content);
    case "error":
      return [outcome.message, outcome.content ? parts(outcome.content) : ""].join("\n").trim();
    case "denied":
      return outcome.reason;
    case "cancelled":
      return "(cancelled)";
  }
}
