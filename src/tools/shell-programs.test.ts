// The tables of programs that run programs, without tree-sitter: which command a wrapper
// starts (or that wren cannot tell), and the program a word names.
import { describe, expect, it } from "vitest";
import { programName, wrappedCommand } from "./shell-programs.js";

describe("programName", () => {
  it.each([
    ["/bin/rm", "rm"],
    ["./rm", "rm"],
    ["rm", "rm"],
  ])("%s", (word, name) => {
    expect(programName(word)).toBe(name);
  });
});

describe("wrappedCommand", () => {
  it.each([
    ["env", ["FOO=1", "-i", "npm", "test"], ["npm", "test"]],
    ["env", ["-u", "HOME", "--", "ls"], ["ls"]],
    ["exec", ["-a", "name", "rm", "x"], ["rm", "x"]],
    ["nohup", ["--", "make"], ["make"]],
    ["nice", ["-n", "5", "make"], ["make"]],
    ["nice", ["-5", "make"], ["make"]],
    ["timeout", ["-s", "KILL", "5s", "npm", "test"], ["npm", "test"]],
  ])("%s %j runs %j", (program, args, inner) => {
    expect(wrappedCommand(program, args)).toEqual(inner);
  });

  it.each([
    // A variable that changes what runs, an option wren does not model, a computed word.
    ["env", ["PATH=/tmp", "ls"]],
    ["env", ["--chdir=/", "ls"]],
    ["env", [undefined, "ls"]],
    ["command", ["-v", "ls"]],
    ["timeout", ["npm", "test"]],
    ["sudo", ["rm", "x"]],
    ["xargs", ["rm"]],
  ])("%s %j: wren cannot tell", (program, args) => {
    expect(wrappedCommand(program, args)).toBeUndefined();
  });
});
