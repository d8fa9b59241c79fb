import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cannotAskMessage,
  createAuthorizer,
  createPermissions,
  type PermissionAnswer,
  type PermissionDecision,
  type PermissionRequest,
} from "./permissions.js";
import { fakeTool, type TempProject, tempProject, tools } from "./test-support.js";
import type { Tool } from "./types.js";

describe("createPermissions", () => {
  let temp: TempProject;
  beforeAll(async () => {
    temp = await tempProject({ "src/a.ts": "", "docs/x.md": "" });
    await mkdir(join(temp.root, "outside"));
    await symlink(join(temp.root, "outside"), join(temp.project, "escape"));
  });
  afterAll(() => temp.cleanup());

  const allow = [
    "run_command(git status)",
    "run_command(npm test:*)",
    "mcp__github__*",
    "write_file(src/**)",
    "read_file",
  ];
  const deny = [
    "run_command(rm:*)",
    "edit_file(src/secret/**)",
    "mcp__github__delete_*",
    "read_file(**/.env)",
  ];

  type Row = [string, string, unknown, PermissionDecision, RegExp?];
  const rows: Row[] = [
    // reads inside the project
    ["read inside", "read_file", { path: "src/a.ts" }, "allow"],
    ["grep the project", "grep", { path: "." }, "allow"],
    // outside the project always asks, even for reads and even when an allow rule matches
    ["read via ..", "read_file", { path: "../outside/x" }, "ask", /outside the project/],
    ["read via symlink", "read_file", { path: "escape/x" }, "ask", /outside the project/],
    ["read absolute", "grep", { path: "/etc" }, "ask"],
    ["write via symlink despite src/** rule", "write_file", { path: "escape/a" }, "ask"],
    // deny wins
    ["deny a path glob", "read_file", { path: "src/.env" }, "deny", /read_file\(\*\*\/\.env\)/],
    [
      "a relative deny glob stops at the project; outside asks",
      "read_file",
      { path: "../.env" },
      "ask",
    ],
    ["deny an edit", "edit_file", { path: "src/secret/k.ts" }, "deny"],
    ["deny a command prefix", "run_command", { command: "rm -rf build" }, "deny"],
    ["deny a chained command", "run_command", { command: "git status && rm -rf /" }, "deny"],
    ["deny an MCP tool glob over an allow glob", "mcp__github__delete_repo", {}, "deny"],
    // writes and edits
    ["write inside an allowed glob", "write_file", { path: "src/new/b.ts" }, "allow", /src\/\*\*/],
    ["write with ./ inside an allowed glob", "write_file", { path: "./src/b.ts" }, "allow"],
    ["write outside the glob", "write_file", { path: "docs/x.md" }, "ask", /changes files/],
    ["edit without a rule", "edit_file", { path: "src/a.ts" }, "ask"],
    // commands
    ["exact command", "run_command", { command: "git status" }, "allow"],
    ["exact command, other args", "run_command", { command: "git status -s" }, "ask"],
    ["prefix: the command itself", "run_command", { command: "npm test" }, "allow"],
    ["prefix: with arguments", "run_command", { command: "npm test -- --run x" }, "allow"],
    ["prefix: not a word boundary", "run_command", { command: "npm tests" }, "ask"],
    [
      "prefix: chaining is not covered",
      "run_command",
      { command: "npm test && curl x | sh" },
      "ask",
    ],
    ["prefix: substitution is not covered", "run_command", { command: "npm test $(evil)" }, "ask"],
    ["unknown command", "run_command", { command: "make" }, "ask", /runs a command/],
    // MCP tools
    ["MCP tool by glob", "mcp__github__create_issue", {}, "allow"],
    ["MCP tool without a rule", "mcp__notion__search", {}, "ask", /MCP server/],
    ["read-only MCP tool", "mcp__github__search", {}, "allow"],
    // invalid arguments go to the tool, which explains them
    ["invalid arguments", "write_file", 42, "allow", /invalid/],
  ];

  it.each(rows)("%s", async (_name, toolName, input, decision, reason) => {
    const permissions = createPermissions({ project: temp.project, allow, deny });
    const tool = tools[toolName] ?? fakeTool(toolName, "external", false);
    const verdict = await permissions.check({ name: toolName, input }, tool);
    expect(verdict.decision).toBe(decision);
    if (reason) expect(verdict.reason).toMatch(reason);
  });

  it("allows for the session an exact command or a whole tool", async () => {
    const permissions = createPermissions({ project: temp.project });
    const make = { name: "run_command", input: { command: "make build" } };
    expect((await permissions.check(make, tools.run_command!)).sessionRule).toBe(
      "run_command(make build)",
    );
    expect(await permissions.allowForSession(make, tools.run_command!)).toBe(
      "run_command(make build)",
    );
    expect(await permissions.check(make, tools.run_command!)).toMatchObject({
      decision: "allow",
      reason: "allowed for this session (run_command(make build))",
    });
    const other = { name: "run_command", input: { command: "make build && rm x" } };
    expect((await permissions.check(other, tools.run_command!)).decision).toBe("ask");

    const write = { name: "write_file", input: { path: "docs/y.md" } };
    expect(await permissions.allowForSession(write, tools.write_file!)).toBe("write_file");
    expect(
      (await permissions.check({ name: "write_file", input: { path: "x" } }, tools.write_file!))
        .decision,
    ).toBe("allow");
    expect(permissions.sessionRules()).toEqual(["run_command(make build)", "write_file"]);
  });

  it("never allows paths outside the project for the session", async () => {
    const permissions = createPermissions({ project: temp.project });
    const call = { name: "write_file", input: { path: "../outside/z" } };
    expect((await permissions.check(call, tools.write_file!)).sessionRule).toBeUndefined();
    expect(await permissions.allowForSession(call, tools.write_file!)).toBeUndefined();
    expect((await permissions.check(call, tools.write_file!)).decision).toBe("ask");
  });

  it("takes session rules given at start, and lists rules it could not parse", async () => {
    const permissions = createPermissions({
      project: temp.project,
      sessionAllow: ["edit_file"],
      allow: ["run_command()", "ok"],
    });
    expect(
      (await permissions.check({ name: "edit_file", input: { path: "a" } }, tools.edit_file!))
        .decision,
    ).toBe("allow");
    expect(permissions.invalidRules).toEqual(["run_command()"]);
  });

  it("matches absolute path globs against real paths", async () => {
    const permissions = createPermissions({
      project: temp.project,
      deny: [`read_file(${temp.root}/outside/**)`],
    });
    expect(
      (
        await permissions.check(
          { name: "read_file", input: { path: "escape/k" } },
          tools.read_file!,
        )
      ).decision,
    ).toBe("deny");
  });

  it("tells print mode's model and user how to allow what it could not ask about", async () => {
    const permissions = createPermissions({ project: temp.project });
    const call = { name: "run_command", input: { command: "npm run lint" } };
    expect(cannotAskMessage(call, await permissions.check(call, tools.run_command!))).toBe(
      "run_command was not run: it needs permission (it runs a command) and print mode cannot ask. To allow it, pass --allowed-tools 'run_command(npm run lint)' or add \"run_command(npm run lint)\" to permissions.allow in settings.",
    );
    const outside = { name: "read_file", input: { path: "../outside/a" } };
    expect(cannotAskMessage(outside, await permissions.check(outside, tools.read_file!))).toMatch(
      /outside the project and credential stores always need a person's consent/,
    );
  });
});

describe("credential stores", () => {
  let temp: TempProject;
  beforeAll(async () => {
    temp = await tempProject({ ".wren/mcp-oauth/x.json": "{}", ".env": "", ".ssh/id_ed25519": "" });
  });
  afterAll(() => temp.cleanup());

  it("ask even inside the project (project = home), even with an allow rule, never for the session", async () => {
    // The project is the user's home: WREN_HOME is ~/.wren inside it.
    const permissions = createPermissions({
      project: temp.project,
      allow: ["read_file", "write_file"],
      paths: { home: join(temp.project, ".wren"), userHome: temp.project },
    });
    for (const path of [
      ".wren/mcp-oauth/x.json",
      ".env",
      ".env.local",
      ".ssh/id_ed25519",
      ".aws/credentials",
      ".kube/config",
      ".docker/config.json",
      ".netrc",
      ".gnupg/x",
      ".config/gcloud/x",
      "sub/.env",
    ]) {
      const verdict = await permissions.check(
        { name: "read_file", input: { path } },
        tools.read_file!,
      );
      expect(verdict.decision, path).toBe("ask");
      expect(verdict.sessionRule, path).toBeUndefined();
    }
    expect(
      (
        await permissions.check(
          { name: "read_file", input: { path: "src/a.ts" } },
          tools.read_file!,
        )
      ).decision,
    ).toBe("allow");
  });

  it("ask for a symlink in the project that leads into WREN_HOME", async () => {
    const wrenHome = join(temp.root, "wren-home");
    await mkdir(join(wrenHome, "mcp-oauth"), { recursive: true });
    await symlink(join(wrenHome, "mcp-oauth"), join(temp.project, "innocent"));
    const permissions = createPermissions({
      project: temp.project,
      paths: { home: wrenHome, userHome: join(temp.root, "home") },
    });
    const verdict = await permissions.check(
      { name: "read_file", input: { path: "innocent/github.json" } },
      tools.read_file!,
    );
    expect(verdict.decision).toBe("ask");
  });
});

describe("createAuthorizer", () => {
  let temp: TempProject;
  beforeAll(async () => {
    temp = await tempProject({ "a.txt": "" });
  });
  afterAll(() => temp.cleanup());
  const signal = new AbortController().signal;

  /** A prompt at the UI boundary: records requests and answers them when told. */
  function fakePrompt() {
    const requests: PermissionRequest[] = [];
    const answers: ((answer: PermissionAnswer) => void)[] = [];
    // Settles at the next request, so a test waits for the prompt, never for time.
    let wake = (): void => {};
    let asked = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const ask = (request: PermissionRequest) =>
      new Promise<PermissionAnswer>((resolve) => {
        requests.push(request);
        answers.push(resolve);
        const woken = wake;
        asked = new Promise<void>((next) => {
          wake = next;
        });
        woken();
      });
    /** Resolves once `check` holds, looking again after each request. */
    const until = async (check: () => boolean): Promise<void> => {
      while (!check()) await asked;
    };
    const answer = async (value: PermissionAnswer) => {
      await until(() => answers.length > 0);
      answers.shift()?.(value);
    };
    return { requests, ask, answer, until };
  }

  it("lets the rules decide without asking", async () => {
    const prompt = fakePrompt();
    const authorize = createAuthorizer(
      createPermissions({ project: temp.project, deny: ["run_command(rm:*)"] }),
      prompt.ask,
    );
    expect(
      await authorize({ name: "read_file", input: { path: "a.txt" } }, tools.read_file!, signal),
    ).toEqual({
      allow: true,
    });
    expect(
      await authorize(
        { name: "run_command", input: { command: "rm -rf x" } },
        tools.run_command!,
        signal,
      ),
    ).toEqual({
      allow: false,
      by: "rule",
      rule: "run_command(rm:*)",
      reason: expect.stringMatching(/permissions\.deny/),
    });
    expect(prompt.requests).toEqual([]);
  });

  it("asks with the verdict and preview; deny carries the user's note to the model", async () => {
    const prompt = fakePrompt();
    const tool: Tool = {
      ...tools.run_command!,
      preview: async () => ({ kind: "command", command: "make", cwd: temp.project }),
    };
    const authorize = createAuthorizer(createPermissions({ project: temp.project }), prompt.ask);
    const pending = authorize({ name: "run_command", input: { command: "make" } }, tool, signal);
    await prompt.answer({ kind: "deny", note: " use npm run build " });
    expect(await pending).toEqual({ allow: false, reason: "use npm run build", by: "user" });
    expect(prompt.requests[0]).toMatchObject({
      verdict: { decision: "ask", sessionRule: "run_command(make)" },
      preview: { kind: "command", command: "make" },
    });
  });

  it("asks one call at a time, and an allow for the session covers the calls waiting", async () => {
    const prompt = fakePrompt();
    const authorize = createAuthorizer(createPermissions({ project: temp.project }), prompt.ask);
    const first = authorize(
      { name: "write_file", input: { path: "a.txt" } },
      tools.write_file!,
      signal,
    );
    const second = authorize(
      { name: "write_file", input: { path: "b.txt" } },
      tools.write_file!,
      signal,
    );
    const read = authorize(
      { name: "read_file", input: { path: "a.txt" } },
      tools.read_file!,
      signal,
    );
    expect(await read).toEqual({ allow: true });
    await prompt.until(() => prompt.requests.length > 0);
    expect(prompt.requests).toHaveLength(1);
    await prompt.answer({ kind: "allow-session" });
    expect(await first).toEqual({ allow: true });
    expect(await second).toEqual({ allow: true });
    expect(prompt.requests).toHaveLength(1);

    const once = authorize(
      { name: "edit_file", input: { path: "a.txt" } },
      tools.edit_file!,
      signal,
    );
    await prompt.answer({ kind: "allow-once" });
    expect(await once).toEqual({ allow: true });
    const again = authorize(
      { name: "edit_file", input: { path: "a.txt" } },
      tools.edit_file!,
      signal,
    );
    await prompt.until(() => prompt.requests.length === 3);
    expect(prompt.requests).toHaveLength(3);
    await prompt.answer({ kind: "deny" });
    expect(await again).toEqual({ allow: false, reason: "", by: "user" });
  });
});
