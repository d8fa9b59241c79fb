// The command walker: every simple command in tree-sitter's parse of a bash line, wherever it
// sits, and why the line is uncertain when the walker meets what it does not check.
import type { Node } from "web-tree-sitter";
import type { ShellWord, SimpleCommand } from "./shell-analysis.js";
import {
  DANGEROUS_VARIABLE,
  EVALUATORS,
  FIND_EXEC,
  programName,
  SHELLS,
  WRAPPERS,
  wrappedCommand,
} from "./shell-programs.js";

// Statements and clauses whose named children are walked for the commands inside them.
const CONTAINERS = new Set([
  "program",
  "list",
  "pipeline",
  "subshell",
  "compound_statement",
  "redirected_statement",
  "negated_command",
  "if_statement",
  "elif_clause",
  "else_clause",
  "while_statement",
  "for_statement",
  "c_style_for_statement",
  "do_group",
  "case_statement",
  "case_item",
  "function_definition",
  "test_command",
  "file_redirect",
  "herestring_redirect",
  "heredoc_redirect",
  "heredoc_body",
  "variable_assignments",
  "command_substitution",
  "process_substitution",
  "arithmetic_expansion",
  "expansion",
  "string",
  "concatenation",
  "array",
  "binary_expression",
  "unary_expression",
  "ternary_expression",
  "postfix_expression",
  "parenthesized_expression",
  "subscript",
  "brace_expression",
]);

// Leaves that run nothing.
const LEAVES = new Set([
  "comment",
  "word",
  "number",
  "raw_string",
  "ansi_c_string",
  "translated_string",
  "string_content",
  "simple_expansion",
  "special_variable_name",
  "variable_name",
  "heredoc_start",
  "heredoc_end",
  "heredoc_content",
  "file_descriptor",
  "test_operator",
  "regex",
  "extglob_pattern",
]);

/** What one walk found: the commands, scripts to parse in turn, and why it is uncertain. */
export interface Walk {
  readonly commands: SimpleCommand[];
  /** Literal scripts of `sh -c` and `eval`, parsed in turn so deny rules see inside them. */
  readonly scripts: string[];
  uncertain?: string;
}

/** Finds every simple command in a parsed line. */
export function analyzeTree(root: Node): Walk {
  const walk: Walk = { commands: [], scripts: [] };
  if (root.hasError) walk.uncertain = "the command does not parse as a shell line";
  visit(root, walk);
  return walk;
}

function markUncertain(walk: Walk, reason: string): void {
  walk.uncertain ??= reason;
}

function visit(node: Node, walk: Walk): void {
  if (node.isMissing || node.type === "ERROR") {
    markUncertain(walk, "the command does not parse as a shell line");
  }
  switch (node.type) {
    case "command":
      visitCommand(node, walk);
      return;
    case "file_redirect":
      checkRedirect(node, walk);
      break;
    case "declaration_command":
    case "unset_command":
      visitDeclaration(node, walk);
      return;
    case "variable_assignment":
      checkAssignment(node, walk);
      for (const child of node.namedChildren) visit(child, walk);
      return;
  }
  if (node.type === "heredoc_body" && node.namedChildren.length > 0) {
    // An unquoted here-document expands `$(...)` when it runs; the substitutions are walked.
    for (const child of node.namedChildren) visit(child, walk);
    return;
  }
  if (!CONTAINERS.has(node.type) && !LEAVES.has(node.type) && node.type !== "ERROR") {
    markUncertain(walk, `the command uses shell syntax wren does not check (${node.type})`);
  }
  for (const child of node.namedChildren) visit(child, walk);
}

// Output redirections that write no file.
const HARMLESS_SINKS = new Set(["/dev/null", "/dev/stdout", "/dev/stderr", "-"]);
const WRITES = new Set([">", ">>", "&>", "&>>", ">|", ">&"]);

/**
 * `> file` writes wherever it names, which allow rules (they name commands) do not cover:
 * such a line asks. Duplicating descriptors (`2>&1`) and `/dev/null` are fine.
 */
function checkRedirect(node: Node, walk: Walk): void {
  const operator = node.children.find((child) => !child.isNamed)?.text ?? "";
  if (!WRITES.has(operator)) return;
  const destination = node.namedChildren.filter((child) => child.type !== "file_descriptor");
  const target = destination.length === 1 && destination[0] ? destination[0] : undefined;
  if (operator === ">&" && target?.type === "number") return;
  const value = target && target.type !== "number" ? literalText(target) : undefined;
  if (value !== undefined && HARMLESS_SINKS.has(value)) return;
  markUncertain(walk, `it writes to a file through a redirection (${operator})`);
}

function literalText(node: Node): string | undefined {
  if (node.type === "word") return unescapeUnquoted(node.text);
  if (node.type === "raw_string") return node.text.slice(1, -1);
  if (node.type === "string" && node.namedChildren.every((c) => c.type === "string_content"))
    return unescapeDoubleQuoted(node.text.slice(1, -1));
  return undefined;
}

function checkAssignment(node: Node, walk: Walk): void {
  const name = node.childForFieldName("name")?.text ?? "";
  if (DANGEROUS_VARIABLE.test(name))
    markUncertain(walk, `it sets ${name}, which changes what the commands run`);
}

function visitDeclaration(node: Node, walk: Walk): void {
  // `export PATH=...` and friends: the keyword is the program; values may hold substitutions.
  const words: ShellWord[] = [];
  for (const child of node.children) {
    if (!child.isNamed) {
      words.push(child.text);
      continue;
    }
    if (child.type === "variable_assignment") {
      checkAssignment(child, walk);
      for (const inner of child.namedChildren) visit(inner, walk);
      words.push(child.text);
      continue;
    }
    words.push(wordValue(child, walk));
  }
  walk.commands.push({ words, text: node.text });
}

function visitCommand(node: Node, walk: Walk): void {
  const words: ShellWord[] = [];
  const children = node.children;
  for (let index = 0; index < children.length; index++) {
    const child = children[index];
    if (!child) continue;
    const field = node.fieldNameForChild(index);
    if (child.type === "variable_assignment") {
      // `FOO=1 rm x` runs rm: the assignment is stripped, its value still walked.
      checkAssignment(child, walk);
      for (const inner of child.namedChildren) visit(inner, walk);
      continue;
    }
    if (
      field === "redirect" ||
      child.type === "file_redirect" ||
      child.type === "herestring_redirect"
    ) {
      visit(child, walk);
      continue;
    }
    if (child.type === "command_name") {
      const name = child.namedChildren[0];
      words.push(name ? wordValue(name, walk) : undefined);
      continue;
    }
    if (field === "argument") {
      words.push(child.isNamed ? wordValue(child, walk) : child.text);
      continue;
    }
    if (child.isNamed) visit(child, walk);
  }
  addCommand(words, node.text, walk);
}

/** Records a simple command and the command a wrapper in it starts. */
function addCommand(words: readonly ShellWord[], text: string, walk: Walk): void {
  const [first] = words;
  const inner =
    first !== undefined && WRAPPERS.has(programName(first))
      ? wrappedCommand(programName(first), words.slice(1))
      : undefined;
  walk.commands.push(inner && inner.length > 0 ? { words, text, wrapper: true } : { words, text });
  if (first === undefined) {
    markUncertain(walk, "the program name is computed when the command runs");
    return;
  }
  if (/[*?[]/.test(first)) {
    markUncertain(walk, "the program name is a glob pattern");
    return;
  }
  const program = programName(first);
  if (SHELLS.has(program) || EVALUATORS.has(program)) {
    markUncertain(walk, `${program} runs a string or file as shell code`);
    // `sh -c 'rm x'`: the literal script is checked too, so deny rules still see inside it.
    const script = words.indexOf("-c");
    const code = script >= 0 ? words[script + 1] : program === "eval" ? words[1] : undefined;
    if (code !== undefined) walk.scripts.push(code);
    return;
  }
  if (WRAPPERS.has(program)) {
    if (inner === undefined) {
      markUncertain(walk, `wren cannot tell which command ${program} runs`);
      // Every later word might be the program: deny rules look at each suffix.
      for (let i = 1; i < words.length; i++) walk.commands.push({ words: words.slice(i), text });
      return;
    }
    if (inner.length > 0) addCommand(inner, text, walk);
    return;
  }
  if (program === "find") {
    // Each -exec runs a command of its own, checked like any other; `{}` is a file name.
    for (let i = 1; i < words.length; i++) {
      const word = words[i];
      if (word === undefined || !FIND_EXEC.has(word)) continue;
      let end = i + 1;
      while (end < words.length && words[end] !== ";" && words[end] !== "+") end++;
      const run = words.slice(i + 1, end).map((w) => (w === "{}" ? undefined : w));
      if (run.length === 0) markUncertain(walk, "find -exec names no command");
      else addCommand(run, text, walk);
      i = end;
    }
  }
}

/** The value of a word after quote removal, or undefined when it is computed at run time. */
function wordValue(node: Node, walk: Walk): ShellWord {
  switch (node.type) {
    case "word":
      return unescapeUnquoted(node.text);
    case "number":
      return node.text;
    case "raw_string":
      return node.text.slice(1, -1);
    case "string": {
      let value = "";
      let literal = true;
      for (const part of node.namedChildren) {
        if (part.type === "string_content") value += unescapeDoubleQuoted(part.text);
        else {
          literal = false;
          visit(part, walk);
        }
      }
      return literal ? value : undefined;
    }
    case "concatenation": {
      let value = "";
      let literal = true;
      for (const part of node.children) {
        const partValue = part.isNamed ? wordValue(part, walk) : part.text;
        if (partValue === undefined) literal = false;
        else value += partValue;
      }
      // `{a,b}` and `{1..3}` expand into several words.
      if (literal && /[{}]/.test(node.text) && !/['"]/.test(node.text)) return undefined;
      return literal ? value : undefined;
    }
    default:
      // Expansions, substitutions, $'...' and the like: computed when the command runs.
      visit(node, walk);
      return undefined;
  }
}

function unescapeUnquoted(text: string): string {
  return text.replace(/\\\n/g, "").replace(/\\(.)/gs, "$1");
}

function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\\n/g, "").replace(/\\([$`"\\])/g, "$1");
}
