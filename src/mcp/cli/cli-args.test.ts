import { describe, expect, it } from "vitest";
import { ArgsError } from "../../utils/args.js";
import { UsageError } from "../../utils/errors.js";
import { MCP_CLI_USAGE, type McpCommand, parseMcpArgs } from "./cli-args.js";

/** The UsageError a command line is refused with (fails the test if it parses). */
function refusal(argv: string[]): UsageError {
  try {
    parseMcpArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`parsed: ${JSON.stringify(argv)}`);
}

const COMMANDS = [
  "list",
  "get",
  "tools",
  "resources",
  "call",
  "add",
  "add-json",
  "remove",
  "auth",
  "logout",
  "debug",
];

describe("parseMcpArgs: help", () => {
  it("shows the usage on stderr-as-error without a command, on request with help/--help/-h", () => {
    expect(parseMcpArgs([])).toEqual({ kind: "help", text: MCP_CLI_USAGE, asked: false });
    for (const flag of ["help", "--help", "-h"]) {
      expect(parseMcpArgs([flag])).toEqual({ kind: "help", text: MCP_CLI_USAGE, asked: true });
    }
  });

  it.each(COMMANDS)("%s --help / -h shows that command's usage", (sub) => {
    for (const flag of ["--help", "-h"]) {
      const help = parseMcpArgs([sub, "x", flag]);
      expect(help).toMatchObject({ kind: "help", asked: true });
      expect(help.kind === "help" && help.text).toMatch(new RegExp(`^usage: wren mcp ${sub} `));
    }
  });

  it("takes --help after -- as a stdio server's own argument", () => {
    expect(parseMcpArgs(["add", "fs", "--", "server", "--help"])).toMatchObject({
      kind: "add",
      entry: { type: "stdio", command: "server", args: ["--help"] },
    });
    expect(parseMcpArgs(["add", "--help", "fs", "--", "server"]).kind).toBe("help");
  });

  it("refuses an unknown command, including names of Object.prototype", () => {
    expect(refusal(["frob"]).message).toBe(
      'unknown command "mcp frob" (wren mcp --help lists them)',
    );
    expect(refusal(["toString"]).message).toContain('unknown command "mcp toString"');
  });
});

describe("parseMcpArgs: list, get, tools, resources, debug", () => {
  it("parses list with and without --json; refuses arguments", () => {
    expect(parseMcpArgs(["list"])).toEqual({ kind: "list", json: false });
    expect(parseMcpArgs(["list", "--json"])).toEqual({ kind: "list", json: true });
    expect(refusal(["list", "x"]).message).toBe("usage: wren mcp list [--json]");
    const unknown = refusal(["list", "--nope"]);
    expect(unknown).toBeInstanceOf(ArgsError);
    expect(unknown.message).toBe("unknown option --nope");
  });

  it.each(["get", "tools", "resources"] as const)("parses %s NAME [--json]", (kind) => {
    expect(parseMcpArgs([kind, "fs"])).toEqual({ kind, name: "fs", json: false });
    expect(parseMcpArgs([kind, "--json", "fs"])).toEqual({ kind, name: "fs", json: true });
    expect(refusal([kind]).message).toBe("missing server NAME");
    expect(refusal([kind, "--json"]).message).toBe("missing server NAME");
    expect(refusal([kind, "fs", "--jsn"]).message).toBe("unknown option --jsn");
  });

  it("parses debug NAME [--json]", () => {
    expect(parseMcpArgs(["debug", "fs"])).toEqual({ kind: "debug", name: "fs", json: false });
    expect(parseMcpArgs(["debug", "fs", "--json"])).toEqual({
      kind: "debug",
      name: "fs",
      json: true,
    });
    expect(refusal(["debug"]).message).toMatch(/^usage: wren mcp debug NAME/);
    expect(refusal(["debug", "a", "b"]).message).toMatch(/^usage: wren mcp debug NAME/);
  });
});

describe("parseMcpArgs: call", () => {
  it("parses NAME TOOL, JSON arguments and --timeout", () => {
    expect(parseMcpArgs(["call", "fs", "read"])).toEqual({
      kind: "call",
      name: "fs",
      tool: "read",
      args: {},
    });
    expect(parseMcpArgs(["call", "fs", "read", "  "])).toMatchObject({ args: {} });
    expect(
      parseMcpArgs(["call", "fs", "add", '{"a":2,"b":{"c":[1]}}', "--timeout", "500"]),
    ).toEqual({
      kind: "call",
      name: "fs",
      tool: "add",
      args: { a: 2, b: { c: [1] } },
      timeoutMs: 500,
    });
  });

  it("refuses what is not a JSON object", () => {
    expect(refusal(["call", "fs", "add", "{nope"]).message).toMatch(
      /^arguments are not valid JSON: /,
    );
    for (const text of ["[1]", "null", "3", '"s"']) {
      expect(refusal(["call", "fs", "add", text]).message).toBe(
        "arguments must be a JSON object, for example '{\"a\":1}'",
      );
    }
  });

  it("refuses a missing tool, extra arguments and a bad --timeout", () => {
    for (const argv of [["call"], ["call", "fs"], ["call", "fs", "t", "{}", "extra"]]) {
      expect(refusal(argv).message, argv.join(" ")).toMatch(/^usage: wren mcp call NAME TOOL/);
    }
    for (const bad of ["0", "-5", "1.5", "soon", "1e400"]) {
      expect(refusal(["call", "fs", "t", `--timeout=${bad}`]).message).toBe(
        `--timeout expects a positive number of milliseconds, not "${bad}"`,
      );
    }
    expect(refusal(["call", "fs", "t", "--timeout"]).message).toBe("--timeout needs a value");
  });
});

describe("parseMcpArgs: add", () => {
  const add = (argv: string[]): McpCommand => parseMcpArgs(["add", ...argv]);

  it("adds a URL as http, with headers, in the default (local) scope", () => {
    expect(
      add(["web", "https://w.example/mcp", "-H", "X-A: 1", "--header", "B:two: three"]),
    ).toEqual({
      kind: "add",
      name: "web",
      entry: {
        type: "http",
        url: "https://w.example/mcp",
        headers: { "X-A": "1", B: "two: three" },
      },
      warnings: [],
    });
  });

  it("maps every transport name and the scope", () => {
    const cases: [string, string][] = [
      ["http", "http"],
      ["streamable-http", "http"],
      ["SSE", "sse"],
      ["sse", "sse"],
    ];
    for (const [given, type] of cases) {
      expect(add(["-t", given, "-s", "user", "x", "https://x/mcp"])).toEqual({
        kind: "add",
        name: "x",
        entry: { type, url: "https://x/mcp" },
        scope: "user",
        warnings: [],
      });
    }
    expect(add(["--scope", "project", "x", "https://x"])).toMatchObject({ scope: "project" });
    expect(add(["--scope", "local", "x", "https://x"])).toMatchObject({ scope: "local" });
  });

  it("adds a command as stdio: after --, bare, or with -t stdio; env with -e", () => {
    expect(add(["-e", "K=V=W", "--env", "A=", "fs", "--", "npx", "-y", "server-fs"])).toEqual({
      kind: "add",
      name: "fs",
      entry: { type: "stdio", command: "npx", args: ["-y", "server-fs"], env: { K: "V=W", A: "" } },
      warnings: [],
    });
    expect(add(["fs", "node", "server.js"])).toMatchObject({
      entry: { type: "stdio", command: "node", args: ["server.js"] },
    });
    expect(add(["-t", "stdio", "fs", "node", "--", "--flag"])).toMatchObject({
      entry: { type: "stdio", command: "node", args: ["--flag"] },
    });
    // Any scheme is a URL, so `ftp://` is not run as a command (config/ refuses the entry).
    expect(add(["x", "ftp://x"])).toMatchObject({ entry: { type: "http", url: "ftp://x" } });
    // A URL given as a stdio command's argument is just an argument.
    expect(add(["-t", "stdio", "proxy", "mcp-remote", "https://x/mcp"])).toMatchObject({
      entry: { type: "stdio", command: "mcp-remote", args: ["https://x/mcp"] },
    });
  });

  it.each([
    [
      ["bad name", "https://x"],
      'server names may use letters, digits, "_", "-" and "." only: "bad name"',
    ],
    [["x"], "a remote server takes one URL: wren mcp add [-t http|sse] NAME URL"],
    [
      ["x", "https://x", "more"],
      "a remote server takes one URL: wren mcp add [-t http|sse] NAME URL",
    ],
    [
      ["x", "https://x", "--", "cmd"],
      "a remote server takes one URL: wren mcp add [-t http|sse] NAME URL",
    ],
    [["-t", "http", "x"], "a remote server takes one URL: wren mcp add [-t http|sse] NAME URL"],
    [
      ["-e", "K=V", "x", "https://x"],
      "--env applies to stdio servers (wren mcp add NAME -- CMD ARGS...)",
    ],
    [
      ["-H", "A: 1", "x", "--", "cmd"],
      "--header applies to remote servers (wren mcp add NAME URL)",
    ],
    [["-t", "stdio", "x"], "missing the command: wren mcp add NAME -- CMD ARGS..."],
    [
      ["-t", "websocket", "x", "wss://x"],
      '--transport must be stdio, http, sse or streamable-http, not "websocket"',
    ],
    [["-H", "no-colon", "x", "https://x"], '--header expects "Name: value", got "no-colon"'],
    [["-H", ": v", "x", "https://x"], '--header expects "Name: value", got ": v"'],
    [["-e", "=v", "x", "--", "cmd"], '--env expects KEY=VALUE, got "=v"'],
    [["-e", "KV", "x", "--", "cmd"], '--env expects KEY=VALUE, got "KV"'],
    [
      ["x", "https://x", "--scope", "global"],
      '--scope must be local, user or project, not "global"',
    ],
    [
      ["x", "npx", "-y", "pkg"],
      "unknown option -y (a stdio server's own options go after --: wren mcp add NAME -- CMD ARGS...)",
    ],
    [["x", "-t"], "-t needs a value"],
  ])("refuses add %j", (argv, message) => {
    expect(refusal(["add", ...argv]).message).toBe(message);
  });

  it("shows the usage when NAME is missing", () => {
    expect(refusal(["add"]).message).toMatch(/^usage: wren mcp add \[options\] NAME URL/);
    expect(refusal(["add", "-s", "user"]).message).toMatch(/^usage: wren mcp add/);
  });
});

describe("parseMcpArgs: add-json", () => {
  it("validates the entry and keeps unknown keys as warnings", () => {
    expect(
      parseMcpArgs(["add-json", "-s", "project", "j", '{"type":"sse","url":"https://s/sse"}']),
    ).toEqual({
      kind: "add",
      name: "j",
      entry: { type: "sse", url: "https://s/sse" },
      scope: "project",
      warnings: [],
    });
    const warned = parseMcpArgs(["add-json", "j", '{"url":"https://s","colour":"red"}']);
    expect(warned).toMatchObject({ kind: "add", entry: { url: "https://s" } });
    expect(warned.kind === "add" && warned.warnings.join()).toContain("colour");
  });

  it("refuses bad JSON, an invalid entry, a bad name, a bad scope and extra arguments", () => {
    expect(refusal(["add-json", "j", "{"]).message).toMatch(
      /^the server entry is not valid JSON: /,
    );
    expect(refusal(["add-json", "k", '{"type":"websocket"}']).message).toMatch(/^invalid server: /);
    expect(refusal(["add-json", "a b", "{}"]).message).toContain("server names may use");
    expect(refusal(["add-json", "-s", "all", "j", '{"url":"https://s"}']).message).toBe(
      '--scope must be local, user or project, not "all"',
    );
    for (const argv of [["add-json"], ["add-json", "j"], ["add-json", "j", "{}", "x"]]) {
      expect(refusal(argv).message).toMatch(/^usage: wren mcp add-json /);
    }
  });
});

describe("parseMcpArgs: remove, auth, logout", () => {
  it("parses remove NAME [-s SCOPE]", () => {
    expect(parseMcpArgs(["remove", "a"])).toEqual({ kind: "remove", name: "a" });
    expect(parseMcpArgs(["remove", "a", "-s", "user"])).toEqual({
      kind: "remove",
      name: "a",
      scope: "user",
    });
    expect(refusal(["remove", "a", "-s", "x"]).message).toBe(
      '--scope must be local, user or project, not "x"',
    );
    expect(refusal(["remove"]).message).toMatch(/^usage: wren mcp remove /);
    expect(refusal(["remove", "a", "b"]).message).toMatch(/^usage: wren mcp remove /);
  });

  it("parses auth NAME with --scope, --no-browser and --device", () => {
    expect(parseMcpArgs(["auth", "gh"])).toEqual({
      kind: "auth",
      name: "gh",
      noBrowser: false,
      device: false,
    });
    expect(
      parseMcpArgs(["auth", "gh", "--scope", "  repo read:org ", "--no-browser", "--device"]),
    ).toEqual({ kind: "auth", name: "gh", scope: "repo read:org", noBrowser: true, device: true });
    expect(refusal(["auth", "gh", "--scope", " "]).message).toBe(
      '--scope needs the scopes to ask for, e.g. --scope "repo read:org"',
    );
    expect(refusal(["auth", "gh", "-s", "x"]).message).toBe("unknown option -s");
    expect(refusal(["auth"]).message).toMatch(/^usage: wren mcp auth NAME/);
    expect(refusal(["auth", "a", "b"]).message).toMatch(/^usage: wren mcp auth NAME/);
  });

  it("parses logout NAME and takes no options", () => {
    expect(parseMcpArgs(["logout", "gh"])).toEqual({ kind: "logout", name: "gh" });
    expect(refusal(["logout", "gh", "--scope", "x"]).message).toBe("unknown option --scope");
    expect(refusal(["logout"]).message).toMatch(/^usage: wren mcp logout NAME/);
  });
});
