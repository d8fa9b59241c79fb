// What a shell line runs, as the permission engine sees it: the result of shell-parse.ts,
// which loads tree-sitter lazily; the engine imports only these types before its first command.

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

/** Parses shell lines; one instance per permission engine (`loadShellParser`). */
export interface ShellParser {
  analyze(line: string): ShellAnalysis;
}
