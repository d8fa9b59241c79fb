// Loaded with `await import()` by the permission engine the first time it checks a command:
// tree-sitter and its bash grammar are ~1.6 MB of WebAssembly that startup never needs.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename } from "node:path";
import { setFlagsFromString } from "node:v8";
import { Language, type Node, Parser } from "web-tree-sitter";

/**
 * One word of a simple command: its value after quote removal when it is literal, or undefined
 * when the shell computes it at run time (`$X`, `$(cmd)`, `$'\x72m'`, globs in the program name).
 */
export type ShellWord = string | undefined;

/** A simple command: the program and its arguments, env assignments stripped. */
export interface SimpleCommand {
  readonly words: readonly ShellWord[];
  /** The command's source text, for messages. */
  readonly text: string;
  /**
   * A wrapper (`timeout 5 npm test`) whose command is listed on its own: allow rules look at
   * that command, deny rules at both.
   */
  readonly wrapper?: boolean;
}

/**
 * Every simple command a line runs, wherever it sits: pipelines, lists, subshells, groups,
 * command and process substitutions, function bodies, control flow and the commands that
 * wrappers like `env`, `nohup` or `timeout` start. `uncertain` says why the line cannot be
 * reasoned about with certainty (a parse error, `eval`, `sh -c`, a computed program name...);
 * the commands are then a best effort, good for deny rules but never enough to allow.
 */
export interface ShellAnalysis {
  readonly commands: readonly SimpleCommand[];
  readonly uncertain?: string;
}

/** Parses shell lines; one instance per permission engine. */
export interface ShellParser {
  analyze(line: string): ShellAnalysis;
}

/** Loads tree-sitter and the bash grammar from the installed packages (no network). */
export async function loadShellParser(): Promise<ShellParser> {
  const require = createRequire(import.meta.url);
  const [runtime, grammar] = await Promise.all([
    readFile(require.resolve("web-tree-sitter/web-tree-sitter.wasm")),
    readFile(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm")),
  ]);
  // V8 otherwise recompiles the grammar's large WebAssembly with its optimizing tier in the
  // background, which on a busy 2-core machine held `.exit` 2-5 s after the first permission
  // check (process exit waits for those jobs). The baseline tier parses a command line in well
  // under a millisecond; nothing in wren needs optimized wasm (Yoga's layout keeps the code
  // it already has).
  setFlagsFromString("--liftoff-only");
  // Handing the bytes over keeps the runtime from looking for its .wasm beside the bundle.
  await Parser.init({ wasmBinary: runtime });
  const language = await Language.load(grammar);
  const parser = new Parser();
  parser.setLanguage(language);
  const analyze = (line: string, depth: number): ShellAnalysis => {
    const tree = parser.parse(line);
    if (!tree) return { commands: [], uncertain: "the shell parser gave no result" };
    let walk: Walk;
    try {
      walk = analyzeTree(tree.rootNode);
    } catch {
      // Nesting deep enough to exhaust the stack: nothing is known, so the line asks.
      return { commands: [], uncertain: "the command is nested too deeply to check" };
    } finally {
      tree.delete();
    }
    const commands = [...walk.commands];
    // Nested `sh -c "sh -c ..."` is followed a few levels; the line asks anyway.
    if (depth < 4)
      for (const script of walk.scripts) commands.push(...analyze(script, depth + 1).commands);
    return walk.uncertain === undefined ? { commands } : { commands, uncertain: walk.uncertain };
  };
  return { analyze: (line) => analyze(line, 0) };
}

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

/** Programs that run their arguments as shell code: never reasoned about, always asked. */
const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "busybox"]);
const EVALUATORS = new Set(["eval", "source", ".", "trap", "alias"]);

/**
 * Programs that start the command in their arguments. The inner command is found and checked
 * like any other; wrappers whose options cannot be skipped with certainty make the line
 * uncertain.
 */
const WRAPPERS = new Set([
  "env",
  "exec",
  "command",
  "builtin",
  "nohup",
  "nice",
  "time",
  "timeout",
  "stdbuf",
  "setsid",
  "ionice",
  "sudo",
  "doas",
  "xargs",
  "chroot",
  "unbuffer",
  "watch",
  "flock",
  "su",
  "runuser",
  "strace",
  "ltrace",
  "parallel",
]);

// find's actions that run a command: `-exec cmd {} ;` up to `;` or `+`.
const FIND_EXEC = new Set(["-exec", "-execdir", "-ok", "-okdir"]);

// Variables that change which program runs or inject code into the ones that do.
const DANGEROUS_VARIABLE =
  /^(PATH|ENV|BASH_ENV|IFS|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|CDPATH|GLOBIGNORE|LD_\w+|DYLD_\w+|GIT_\w+|NODE_OPTIONS|NODE_PATH|PYTHON\w*|PERL5?\w*|RUBY\w*|PAGER|EDITOR|VISUAL|BROWSER)$/;

interface Walk {
  readonly commands: SimpleCommand[];
  /** Literal scripts of `sh -c` and `eval`, parsed in turn so deny rules see inside them. */
  readonly scripts: string[];
  uncertain?: string;
}

/** Finds every simple command in a parsed line. */
function analyzeTree(root: Node): Walk {
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

/** The command a wrapper runs, after its options; undefined when that is not certain. */
function wrappedCommand(program: string, args: readonly ShellWord[]): ShellWord[] | undefined {
  let i = 0;
  const next = (): ShellWord => args[i];
  switch (program) {
    case "env":
      while (i < args.length) {
        const word = next();
        if (word === undefined) return undefined;
        if (word === "--") {
          i++;
          break;
        }
        if (/^[A-Za-z_]\w*=/.test(word)) {
          if (DANGEROUS_VARIABLE.test(word.slice(0, word.indexOf("=")))) return undefined;
          i++;
          continue;
        }
        if (word === "-i" || word === "--ignore-environment" || word === "-0") {
          i++;
          continue;
        }
        if (word === "-u" || word === "--unset") {
          i += 2;
          continue;
        }
        if (word.startsWith("-")) return undefined;
        break;
      }
      return args.slice(i);
    case "exec":
      while (next() === "-c" || next() === "-l" || next() === "-a" || next() === "--")
        i += next() === "-a" ? 2 : 1;
      if (next()?.startsWith("-")) return undefined;
      return args.slice(i);
    case "command":
    case "builtin":
    case "nohup":
    case "setsid":
    case "time":
      while (i < args.length && (next() === "-p" || next() === "--" || next() === "-f")) i++;
      if (next()?.startsWith("-")) return undefined;
      return args.slice(i);
    case "nice":
      if (next() === "-n") i += 2;
      else if (/^-\d+$/.test(next() ?? "")) i++;
      if (next()?.startsWith("-")) return undefined;
      return args.slice(i);
    case "timeout":
      while (next()?.startsWith("-")) {
        const word = next() ?? "";
        if (word === "-s" || word === "-k" || word === "--signal" || word === "--kill-after")
          i += 2;
        else i++;
      }
      // The duration, then the command.
      if (next() === undefined || !/^\d+(\.\d+)?[smhd]?$/.test(next() ?? "")) return undefined;
      return args.slice(i + 1);
    default:
      // sudo, xargs, find -exec and the rest take options with values wren does not model.
      return undefined;
  }
}

/** `/bin/rm`, `./rm` and `rm` name the same program for deny rules. */
export function programName(word: string): string {
  return word.includes("/") ? basename(word) : word;
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
