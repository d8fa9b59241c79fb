// Programs that run other programs: shells and evaluators (their code is never reasoned
// about), wrappers whose inner command is checked like any other, and variables that change
// what runs. The command walker (shell-walk.ts) consults these tables.
import { basename } from "node:path";
import type { ShellWord } from "./shell-analysis.js";

/** Programs that run their arguments as shell code: never reasoned about, always asked. */
export const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "busybox"]);
/** Commands that run a string or file as shell code in the current shell. */
export const EVALUATORS = new Set(["eval", "source", ".", "trap", "alias"]);

/**
 * Programs that start the command in their arguments. The inner command is found and checked
 * like any other; wrappers whose options cannot be skipped with certainty make the line
 * uncertain.
 */
export const WRAPPERS = new Set([
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

/** find's actions that run a command: `-exec cmd {} ;` up to `;` or `+`. */
export const FIND_EXEC = new Set(["-exec", "-execdir", "-ok", "-okdir"]);

/** Variables that change which program runs or inject code into the ones that do. */
export const DANGEROUS_VARIABLE =
  /^(PATH|ENV|BASH_ENV|IFS|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|CDPATH|GLOBIGNORE|LD_\w+|DYLD_\w+|GIT_\w+|NODE_OPTIONS|NODE_PATH|PYTHON\w*|PERL5?\w*|RUBY\w*|PAGER|EDITOR|VISUAL|BROWSER)$/;

/** The command a wrapper runs, after its options; undefined when that is not certain. */
export function wrappedCommand(
  program: string,
  args: readonly ShellWord[],
): ShellWord[] | undefined {
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
