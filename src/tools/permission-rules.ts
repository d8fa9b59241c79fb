// Permission rules as written in settings (`run_command(npm test:*)`, `write_file(src/**)`,
// `mcp__github__*`): parsing them, and matching one against what a call touches. The engine
// (permissions.ts) decides in which order the rules are asked.
import { isAbsolute } from "node:path";
import picomatch from "picomatch";
import { type ResolvedPath, toPosix } from "./paths.js";
import type { ShellAnalysis, ShellWord, SimpleCommand } from "./shell-analysis.js";

/**
 * A parsed rule: `tool-glob` alone matches every call of the tools it names; with `(spec)`,
 * the spec is a command (`git status` exactly, `npm test:*` as a prefix, compared word by word
 * with every simple command of the line after shell parsing) for tools that run commands, or a
 * path glob (`src/**`, relative to the project, or absolute) for tools that touch files.
 */
export type PermissionRule =
  | { readonly text: string; readonly tool: string; readonly kind: "tool" }
  /** A command matched exactly, or a path glob: the call's access decides which applies. */
  | { readonly text: string; readonly tool: string; readonly kind: "spec"; readonly spec: string }
  /** `spec:*`: a command that starts with `spec` (and chains nothing after it, for allows). */
  | {
      readonly text: string;
      readonly tool: string;
      readonly kind: "prefix";
      readonly spec: string;
    };

/** Parses one rule; undefined when it is malformed. */
export function parseRule(text: string): PermissionRule | undefined {
  const match = /^([^()\s]+)(?:\((.*)\))?$/s.exec(text.trim());
  if (!match) return undefined;
  const tool = match[1] ?? "";
  const spec = match[2];
  if (spec === undefined) return { text, tool, kind: "tool" };
  const trimmed = spec.trim();
  if (trimmed === "") return undefined;
  if (trimmed.endsWith(":*")) {
    const prefix = trimmed.slice(0, -2).trim();
    return prefix === "" ? undefined : { text, tool, kind: "prefix", spec: prefix };
  }
  return { text, tool, kind: "spec", spec: trimmed };
}

/** What a call touches, resolved for matching. */
export interface CallTarget {
  readonly name: string;
  readonly command?: CommandTarget;
  readonly paths: readonly ResolvedPath[];
}

/** A command line with its shell analysis and the parser that made it (for rule specs). */
export interface CommandTarget {
  readonly line: string;
  readonly analysis: ShellAnalysis;
  /** A rule spec's words: one simple command with literal words, or undefined. */
  readonly specWords: (spec: string) => readonly string[] | undefined;
}

/** How sure a rule's match with one simple command is. */
export type CommandMatch = "yes" | "maybe" | "no";

/**
 * Compares one simple command with a rule's words. For deny rules the program matches by its
 * name wherever it lives (`/bin/rm`, `./rm`); for allow rules it must be written as in the rule
 * (a `./git` in the project is not the `git` a rule allows). A word computed at run time
 * (`$X`) where the rule needs a word makes a deny rule's match "maybe", an allow rule's "no";
 * after a prefix rule's words anything goes. A deny rule whose words appear in order after the
 * program but not right after it (`git -c x=y push` for `git push:*`: options wren cannot
 * parse for every program) is a "maybe" too, so the line asks.
 */
export function matchCommand(
  words: readonly ShellWord[],
  rule: readonly string[],
  kind: "spec" | "prefix",
  mode: "allow" | "deny",
): CommandMatch {
  const direct = matchInOrder(words, rule, kind, mode);
  if (direct !== "no" || mode === "allow" || rule.length < 2) return direct;
  const [program] = words;
  if (program === undefined || programName(program) !== programName(rule[0] ?? "")) return "no";
  let next = 1;
  for (let i = 1; i < words.length && next < rule.length; i++) {
    const word = words[i];
    if (word === undefined || word === rule[next]) next++;
  }
  return next === rule.length ? "maybe" : "no";
}

function matchInOrder(
  words: readonly ShellWord[],
  rule: readonly string[],
  kind: "spec" | "prefix",
  mode: "allow" | "deny",
): CommandMatch {
  let maybe = false;
  for (let i = 0; i < rule.length; i++) {
    const word = words[i];
    const want = rule[i] ?? "";
    if (i >= words.length) return maybe ? "maybe" : "no";
    if (word === undefined) {
      if (mode === "allow") return "no";
      // A computed word may be anything, even several words or none.
      maybe = true;
      continue;
    }
    const same =
      i === 0 && mode === "deny" ? programName(word) === programName(want) : word === want;
    if (!same) return maybe ? "maybe" : "no";
  }
  if (kind === "spec" && words.length !== rule.length) return maybe ? "maybe" : "no";
  return maybe ? "maybe" : "yes";
}

function programName(word: string): string {
  const slash = word.lastIndexOf("/");
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/**
 * Whether `rule` matches the call. `mode` matters for multi-part calls: an allow rule must
 * cover every path; a deny rule matches when any path does. Commands are matched per simple
 * command (`commandDenyMatch`, `allowCovers`).
 */
export function ruleMatches(
  rule: PermissionRule,
  target: CallTarget,
  mode: "allow" | "deny",
): boolean {
  if (!toolMatches(rule, target.name)) return false;
  if (rule.kind === "tool") return true;
  if (target.command !== undefined) {
    if (mode === "allow") return allowCovers([rule], target.command);
    return commandDenyMatch(rule, target.command) === "yes";
  }
  if (target.paths.length === 0 || rule.kind === "prefix") return false;
  const pattern = rule.spec.replace(/^\.\//, "");
  const isMatch = picomatch(pattern, { dot: true });
  const matchesPath = (path: ResolvedPath): boolean =>
    isAbsolute(pattern)
      ? isMatch(toPosix(path.real))
      : path.projectRelative !== undefined && isMatch(path.projectRelative);
  return mode === "deny" ? target.paths.some(matchesPath) : target.paths.every(matchesPath);
}

/** Whether a rule names this tool (exactly, or by a glob like `mcp__github__*`). */
export function toolMatches(rule: PermissionRule, name: string): boolean {
  return rule.tool === name || picomatch.isMatch(name, rule.tool);
}

/** A deny rule against a command line: "yes" when any simple command in it matches. */
export function commandDenyMatch(rule: PermissionRule, command: CommandTarget): CommandMatch {
  if (rule.kind === "tool") return "yes";
  if (rule.kind === "spec" && command.line.trim() === rule.spec) return "yes";
  const words = command.specWords(rule.spec);
  // A rule wren cannot read as one command still matches its own text, word by word.
  const ruleWords = words ?? rule.spec.split(/\s+/);
  let result: CommandMatch = "no";
  for (const simple of command.analysis.commands) {
    const match = matchCommand(simple.words, ruleWords, rule.kind, "deny");
    if (match === "yes") return "yes";
    if (match === "maybe") result = "maybe";
  }
  return result;
}

/**
 * Whether allow rules cover a whole command line: the exact line a rule names, or every simple
 * command in it (wrappers like `timeout` count by the command they run). Never for a line wren
 * cannot reason about, unless a rule names that exact line.
 */
export function allowCovers(rules: readonly PermissionRule[], command: CommandTarget): boolean {
  const line = command.line.trim();
  if (rules.some((rule) => rule.kind === "spec" && rule.spec === line)) return true;
  if (command.analysis.uncertain !== undefined) return false;
  const simple = command.analysis.commands.filter((c) => !c.wrapper);
  if (simple.length === 0) return false;
  return simple.every((cmd) => rules.some((rule) => allowsCommand(rule, cmd, command)));
}

function allowsCommand(rule: PermissionRule, cmd: SimpleCommand, command: CommandTarget): boolean {
  if (rule.kind === "tool") return true;
  const words = command.specWords(rule.spec);
  return words !== undefined && matchCommand(cmd.words, words, rule.kind, "allow") === "yes";
}
