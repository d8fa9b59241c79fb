import { describe, expect, it } from "vitest";
import { resolvePaths } from "../utils/paths.js";
import { exitCommand, helpCommand } from "./builtin.js";
import { createCommandRegistry } from "./registry.js";
import type { Command, CommandContext } from "./types.js";

const mcp: Command = {
  name: "mcp",
  summary: "MCP servers",
  complete: (words) => (words.length === 0 ? ["list", "logout", "tools"] : ["notion", "github"]),
  run: () => ({}),
};
const model: Command = { name: "model", summary: "switch model", run: () => ({}) };

const registry = createCommandRegistry([helpCommand(() => registry), exitCommand, mcp, model]);
const context: CommandContext = {
  paths: resolvePaths({ WREN_HOME: "/tmp/x" }, "/tmp"),
  config: () => ({
    providers: {},
    permissions: { allow: [], deny: [] },
    display: "standard",
    servers: [],
    warnings: [],
    files: [],
  }),
  signal: new AbortController().signal,
};

describe("command registry", () => {
  it("accepts . and / as the same prefix, and aliases", () => {
    expect(registry.parse(".mcp list")).toMatchObject({
      kind: "command",
      command: mcp,
      args: "list",
    });
    expect(registry.parse("/mcp  auth notion ")).toMatchObject({
      kind: "command",
      args: "auth notion",
    });
    expect(registry.parse("/quit")).toMatchObject({ kind: "command", command: exitCommand });
    expect(registry.parse(".EXIT")).toMatchObject({ kind: "command", command: exitCommand });
  });

  it("leaves paths and ordinary text as messages", () => {
    for (const line of ["/etc/hosts looks odd", "./run.sh fails", "hello", "...", ". x"]) {
      expect(registry.parse(line)).toEqual({ kind: "message", text: line });
    }
  });

  it("suggests the nearest command for an unknown one", () => {
    expect(registry.parse(".mpc list")).toEqual({
      kind: "unknown",
      name: "mpc",
      suggestion: "mcp",
    });
    expect(registry.parse("/hepl")).toEqual({ kind: "unknown", name: "hepl", suggestion: "help" });
    expect(registry.parse(".zzzzzzzz")).toEqual({ kind: "unknown", name: "zzzzzzzz" });
  });

  it("completes command names and arguments", () => {
    expect(registry.complete(".e", context)).toEqual({ text: ".exit ", candidates: [] });
    expect(registry.complete("/mo", context)).toEqual({ text: "/model ", candidates: [] });
    expect(registry.complete(".m", context)).toEqual({ text: ".m", candidates: ["mcp", "model"] });
    expect(registry.complete(".mcp l", context)).toEqual({
      text: ".mcp l",
      candidates: ["list", "logout"],
    });
    expect(registry.complete(".mcp t", context)).toEqual({ text: ".mcp tools ", candidates: [] });
    expect(registry.complete(".mcp tools n", context)).toEqual({
      text: ".mcp tools notion ",
      candidates: [],
    });
    expect(registry.complete("hello", context)).toEqual({ text: "hello", candidates: [] });
  });

  it("refuses duplicate names", () => {
    expect(() => createCommandRegistry([exitCommand, exitCommand])).toThrow(/duplicate/);
  });

  it(".help lists every command with its summary", async () => {
    const result = await helpCommand(() => registry).run("", context);
    const text = result.output?.map((o) => (o.kind === "text" ? o.text : "")).join("\n") ?? "";
    for (const name of ["help", "exit", "mcp", "model"]) expect(text).toContain(`.${name}`);
    const one = await helpCommand(() => registry).run("exit", context);
    expect(one.output?.[0]).toMatchObject({ text: expect.stringContaining("aliases: .quit, .q") });
  });
});

describe("command sources (MCP prompts)", () => {
  const prompts: Command[] = [];
  const dynamic = createCommandRegistry([exitCommand, mcp]);
  dynamic.addSource(() => prompts);
  const review: Command = {
    name: "gh:Review",
    aliases: ["mcp__gh__Review"],
    summary: "MCP prompt",
    completeAsync: async (_words, typed) =>
      ["dept=Sales", "dept=Support", "city="].filter((v) => v.startsWith(typed)),
    run: () => ({}),
  };

  it("finds commands that come and go, by .server:prompt and /mcp__server__prompt", () => {
    expect(dynamic.parse(".gh:Review a=1").kind).toBe("unknown");
    prompts.push(review);
    expect(dynamic.parse(".gh:Review a=1")).toEqual({
      kind: "command",
      command: review,
      args: "a=1",
    });
    expect(dynamic.parse("/mcp__gh__Review")).toMatchObject({ kind: "command", command: review });
    expect(dynamic.parse(".gh:review")).toMatchObject({ kind: "command", command: review });
    expect(dynamic.parse(".gh:Reviev")).toMatchObject({ kind: "unknown", suggestion: "gh:Review" });
    // A colon followed by a space is prose, not a command.
    expect(dynamic.parse(".note: hi").kind).toBe("message");
    expect(dynamic.list()).toContain(review);
  });

  it("completes their names and, asynchronously, their arguments", async () => {
    prompts.splice(0, prompts.length, review);
    expect(dynamic.complete(".gh", context)).toEqual({ text: ".gh:Review ", candidates: [] });
    expect(dynamic.complete("/mcp__g", context)).toEqual({
      text: "/mcp__gh__Review ",
      candidates: [],
    });
    expect(await dynamic.complete(".gh:Review dept=S", context)).toEqual({
      text: ".gh:Review dept=S",
      candidates: ["dept=Sales", "dept=Support"],
    });
    expect(await dynamic.complete(".gh:Review ci", context)).toEqual({
      text: ".gh:Review city=",
      candidates: [],
    });
  });
});
