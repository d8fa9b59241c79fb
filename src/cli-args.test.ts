import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./cli-args.js";

describe("parseCliArgs", () => {
  it("opens the REPL by default with global flags", () => {
    expect(parseCliArgs([])).toEqual({
      kind: "repl",
      options: { noBrowser: false, trustProject: false },
    });
    expect(
      parseCliArgs(["--model", "ollama/qwen3:8b", "--mcp-config", "x.json", "--no-browser"]),
    ).toEqual({
      kind: "repl",
      options: {
        noBrowser: true,
        trustProject: false,
        model: "ollama/qwen3:8b",
        mcpConfig: "x.json",
      },
    });
  });

  it("honours WREN_NO_BROWSER=1", () => {
    expect(parseCliArgs([], { WREN_NO_BROWSER: "1" })).toMatchObject({
      options: { noBrowser: true, trustProject: false },
    });
  });

  it("parses help and version, long and short", () => {
    expect(parseCliArgs(["--help"]).kind).toBe("help");
    expect(parseCliArgs(["-h"]).kind).toBe("help");
    expect(parseCliArgs(["--version"]).kind).toBe("version");
    expect(parseCliArgs(["-v"]).kind).toBe("version");
  });

  it("parses print mode with its options", () => {
    expect(
      parseCliArgs([
        "-p",
        "fix it",
        "--output-format",
        "json",
        "--allowed-tools",
        "read_file, grep",
      ]),
    ).toEqual({
      kind: "print",
      options: { noBrowser: false, trustProject: false },
      prompt: "fix it",
      outputFormat: "json",
      allowedTools: ["read_file", "grep"],
    });
    expect(parseCliArgs(["-p", "x"])).toMatchObject({ outputFormat: "text", allowedTools: [] });
  });

  it("parses resume flags", () => {
    expect(parseCliArgs(["--continue"])).toMatchObject({ kind: "repl", resume: { latest: true } });
    expect(parseCliArgs(["--resume", "abc"])).toMatchObject({
      kind: "repl",
      resume: { id: "abc" },
    });
    expect(parseCliArgs(["-c", "-p", "go"])).toMatchObject({
      kind: "print",
      resume: { latest: true },
    });
  });

  it("hands everything after `mcp` to the subcommand", () => {
    expect(
      parseCliArgs(["--mcp-config", "a.json", "mcp", "add", "fs", "--", "npx", "-y", "x"]),
    ).toEqual({
      kind: "mcp",
      options: { noBrowser: false, trustProject: false, mcpConfig: "a.json" },
      argv: ["add", "fs", "--", "npx", "-y", "x"],
    });
    expect(parseCliArgs(["mcp", "auth", "notion", "--no-browser"])).toMatchObject({
      kind: "mcp",
      argv: ["auth", "notion", "--no-browser"],
    });
  });

  it("parses --auth-mcp", () => {
    expect(parseCliArgs(["--auth-mcp", "notion"])).toEqual({
      kind: "auth-mcp",
      options: { noBrowser: false, trustProject: false },
      server: "notion",
    });
  });

  it("takes -p without a prompt (read from stdin), also before other options", () => {
    expect(parseCliArgs(["-p"])).toMatchObject({ kind: "print", prompt: "" });
    expect(parseCliArgs(["-p", "--output-format", "json"])).toMatchObject({
      kind: "print",
      prompt: "",
      outputFormat: "json",
    });
    expect(parseCliArgs(["--print", "hi", "--model", "a/b"])).toMatchObject({
      kind: "print",
      prompt: "hi",
      options: { model: "a/b" },
    });
  });

  it("turns bad input into usage errors", () => {
    const cases: [string[], RegExp][] = [
      [["--bogus"], /^unknown option --bogus$/],
      [["--model", "-p", "hi"], /^--model needs a value, but the next argument is the option -p/],
      [["--mcp-config"], /^--mcp-config needs a value$/],
      [["--help=yes"], /^--help takes no value$/],
      [["hello"], /unexpected argument "hello"/],
      [["--model", "gpt4"], /PROVIDER\/MODEL/],
      [["-p", "x", "--output-format", "xml"], /text, json or stream-json/],
      [["--output-format", "json"], /need -p/],
      [["--continue", "--resume", "a"], /cannot be combined/],
      [["-p", "x", "mcp", "list"], /takes no -p/],
      [["trust", "--yes"], /takes only --revoke/],
      [["-p", "x", "trust"], /takes no -p/],
    ];
    for (const [argv, message] of cases) {
      const request = parseCliArgs(argv);
      expect(request.kind, argv.join(" ")).toBe("usage-error");
      if (request.kind === "usage-error") expect(request.message).toMatch(message);
    }
  });

  it("parses --trust-project, WREN_TRUST_PROJECT=1 and wren trust [--revoke]", () => {
    expect(parseCliArgs(["--trust-project", "-p", "x"])).toMatchObject({
      kind: "print",
      options: { trustProject: true },
    });
    expect(parseCliArgs(["mcp", "list"], { WREN_TRUST_PROJECT: "1" })).toMatchObject({
      kind: "mcp",
      options: { trustProject: true },
    });
    expect(parseCliArgs([], { WREN_TRUST_PROJECT: "0" })).toMatchObject({
      options: { trustProject: false },
    });
    expect(parseCliArgs(["trust"])).toMatchObject({ kind: "trust", revoke: false });
    expect(parseCliArgs(["trust", "--revoke"])).toMatchObject({ kind: "trust", revoke: true });
  });
});
