import { beforeAll, describe, expect, it } from "vitest";
import type { ShellParser } from "./shell-analysis.js";
import { loadShellParser } from "./shell-parse.js";

let parser: ShellParser;
beforeAll(async () => {
  parser = await loadShellParser();
});

const words = (line: string) => parser.analyze(line).commands.map((c) => c.words);

describe("loadShellParser().analyze", () => {
  it.each([
    ['git "push" origin', [["git", "push", "origin"]]],
    ["git  'pu'sh", [["git", "push"]]],
    ["r\\m x", [["rm", "x"]]],
    ["FOO=1 BAR=2 /bin/rm -f x", [["/bin/rm", "-f", "x"]]],
    ["a | b && { c; } || (d)", [["a"], ["b"], ["c"], ["d"]]],
    ["echo $(rm x) `ls`", [["rm", "x"], ["ls"], ["echo", undefined, undefined]]],
    ["cat <<E\n$(rm y)\nE\n", [["cat"], ["rm", "y"]]],
    ["cat <<'E'\n$(rm y)\nE\n", [["cat"]]],
    ['git commit -m "a \\"b\\" $HOME"', [["git", "commit", "-m", undefined]]],
    [
      "timeout 5 npm test",
      [
        ["timeout", "5", "npm", "test"],
        ["npm", "test"],
      ],
    ],
  ])("%j", (line, expected) => {
    expect(words(line)).toEqual(expected);
    expect(parser.analyze(line).uncertain).toBeUndefined();
  });

  it("marks wrappers so allow rules look at the command they run", () => {
    expect(parser.analyze("nohup npm test").commands.map((c) => c.wrapper ?? false)).toEqual([
      true,
      false,
    ]);
  });

  it.each([
    ["echo 'unterminated", /does not parse/],
    ["$CMD x", /computed/],
    ["sh -c 'rm x'", /shell code/],
    ["eval ls", /shell code/],
    ["PATH=/tmp git status", /PATH/],
    ["sudo ls", /sudo/],
    ["/bin/r? x", /glob/],
    ["ls > out.txt", /redirection/],
  ])("%j is uncertain", (line, reason) => {
    expect(parser.analyze(line).uncertain).toMatch(reason);
  });

  it("a line nested too deeply to walk is uncertain, not an error", () => {
    const deep = `${"echo $(".repeat(5000)}x${")".repeat(5000)}`;
    expect(parser.analyze(deep).uncertain).toBeDefined();
  });

  it("parses the literal script of sh -c so deny rules see inside it", () => {
    expect(words("bash -c 'git push; ls'")).toContainEqual(["git", "push"]);
  });
});
