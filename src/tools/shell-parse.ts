// Loaded with `await import()` by the permission engine the first time it checks a command:
// tree-sitter and its bash grammar are ~1.6 MB of WebAssembly that startup never needs.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { Language, Parser } from "web-tree-sitter";
import type { ShellAnalysis, ShellParser } from "./shell-analysis.js";
import { analyzeTree, type Walk } from "./shell-walk.js";

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
