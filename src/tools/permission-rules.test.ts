// Rules as written, parsed and matched: the attacks on command rules that string prefixes
// missed are played through the engine, as the agent loop asks it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRule } from "./permission-rules.js";
import { createPermissions, type Permissions, type PermissionVerdict } from "./permissions.js";
import { type TempProject, tempProject, tools } from "./test-support.js";

describe("parseRule", () => {
  it.each([
    ["run_command", { kind: "tool", tool: "run_command" }],
    ["mcp__github__*", { kind: "tool", tool: "mcp__github__*" }],
    ["run_command(git status)", { kind: "spec", spec: "git status" }],
    ["run_command(npm test:*)", { kind: "prefix", spec: "npm test" }],
    ["write_file(src/**)", { kind: "spec", spec: "src/**" }],
    ["run_command(echo (a))", { kind: "spec", spec: "echo (a)" }],
  ])("%s", (text, expected) => {
    expect(parseRule(text)).toMatchObject(expected);
  });

  it.each(["", "run command", "run_command()", "run_command(:*)", "x(y"])("rejects %j", (text) => {
    expect(parseRule(text)).toBeUndefined();
  });
});

describe("command rules on parsed shell (attacks that string prefixes missed)", () => {
  let temp: TempProject;
  let permissions: Permissions;
  beforeAll(async () => {
    temp = await tempProject();
    permissions = createPermissions({
      project: temp.project,
      allow: [
        "run_command(git:*)",
        "run_command(ls:*)",
        "run_command(npm test:*)",
        "run_command(echo:*)",
        "run_command(find:*)",
      ],
      deny: ["run_command(git push:*)", "run_command(rm:*)", "run_command(curl:*)"],
    });
  });
  afterAll(() => temp.cleanup());
  const decide = async (command: string): Promise<PermissionVerdict> =>
    permissions.check({ name: "run_command", input: { command } }, tools.run_command!);

  it.each([
    'git "push" origin main',
    "git 'push'",
    "git  push",
    "git\tpush",
    "git pu\\sh",
    "FOO=1 rm -rf x",
    "/bin/rm x",
    "./rm x",
    "../bin/rm x",
    "{ rm x; }",
    "(rm x)",
    "ls && rm x",
    "ls || rm x",
    "ls; rm x",
    "ls | rm",
    "ls & rm x",
    "echo $(rm x)",
    "echo `rm x`",
    'echo "$(rm x)"',
    "ls >(rm x)",
    "ls <(rm x)",
    "X=$(rm x) ls",
    "ls > $(rm x)",
    "if true; then rm x; fi",
    "for f in a; do rm $f; done",
    "f() { rm x; }; f",
    "! rm x",
    "env A=1 rm x",
    "command rm x",
    "nohup rm x",
    "timeout 5 rm x",
    "time rm x",
    "exec rm x",
    "find . -name '*.tmp' -exec rm {} \\;",
    "find . -execdir /bin/rm -f {} +",
    "ls\nrm x",
    "cat <<EOF\n$(rm x)\nEOF",
    "sh -c 'rm x'",
    'bash -c "git push"',
    "git status && git push",
  ])("denies %j", async (command) => {
    const verdict = await decide(command);
    expect(verdict.decision).toBe("deny");
    expect(verdict.rule).toMatch(/^run_command\((git push|rm):\*\)$/);
  });

  it.each([
    ["a variable as the program", "$CMD x"],
    ["a variable where the rule needs a word", "git $SUB origin"],
    ["global options before a denied subcommand", "git -c core.x=y push origin"],
    ["a directory option before a denied subcommand", "git -C .. --no-pager push"],
    ["eval", 'eval "$X"'],
    ["sh -c with a computed script", 'sh -c "$X"'],
    ["a parse error", "ls 'unterminated"],
    ["sudo", "sudo ls"],
    ["xargs", "ls | xargs echo"],
    ["PATH changed for an allowed program", "PATH=/tmp/evil git status"],
    ["a glob as the program", "/bin/r? x"],
    ["ANSI-C quoting as the program", "$'\\x72m' x"],
    ["brace expansion as the program", "{rm,x}"],
    ["source", "source ./script.sh"],
    ["a here-string of code to a shell", "bash <<< 'rm x'"],
    ["an allowed command writing a file through >", "echo x > ~/.bashrc"],
    ["an allowed command appending through >>", "git log >> notes.txt"],
    ["an allowed command writing through &>", "ls &> out.txt"],
  ])("asks, never allows, for %s", async (_name, command) => {
    const verdict = await decide(command);
    expect(verdict.decision, verdict.reason).toBe("ask");
  });

  it.each([
    "git status",
    'git commit -m "fix: a; b && c"',
    "git log | ls",
    "npm test -- --grep 'a b'",
    "ls && git status",
    "timeout 60 npm test",
    "FOO=1 npm test",
    "echo $HOME",
    "git status 2>&1 | ls",
    "ls > /dev/null 2>&1",
    "ls < input.txt",
    "find . -name '*.ts'",
    "find . -name '*.ts' -exec ls -l {} +",
  ])("allows %j when every simple command is allowed", async (command) => {
    expect((await decide(command)).decision).toBe("allow");
  });

  it.each([
    ["an allowed command chained to an unknown one", "git status && make"],
    ["a substitution running an unknown command", "echo $(make)"],
    ["a project-local program named like an allowed one", "./git status"],
    ["npm tests is not npm test", "npm tests"],
    ["find running an unknown command", "find . -exec make {} \\;"],
  ])("asks for %s", async (_name, command) => {
    expect((await decide(command)).decision).toBe("ask");
  });

  it("asks when the shell parser cannot load, even for allowed commands", async () => {
    const broken = createPermissions({
      project: temp.project,
      allow: ["run_command(git:*)"],
      loadParser: () => Promise.reject(new Error("no wasm")),
    });
    const verdict = await broken.check(
      { name: "run_command", input: { command: "git status" } },
      tools.run_command!,
    );
    expect(verdict).toMatchObject({ decision: "ask", reason: expect.stringMatching(/parser/) });
  });

  it("an exact line allowed for the session stays allowed, and deny rules still win", async () => {
    const session = createPermissions({
      project: temp.project,
      deny: ["run_command(rm:*)"],
      sessionAllow: ['run_command(eval "$X")', "run_command(ls; rm x)"],
    });
    const check = (command: string) =>
      session.check({ name: "run_command", input: { command } }, tools.run_command!);
    expect((await check('eval "$X"')).decision).toBe("allow");
    expect((await check("ls; rm x")).decision).toBe("deny");
  });
});
