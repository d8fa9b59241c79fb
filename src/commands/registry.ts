import { closest, distance } from "fastest-levenshtein";
import type { Command, CommandContext } from "./types.js";

/** What an input line is: a message, a known command, or a command name nobody knows. */
export type ParsedLine =
  | { readonly kind: "message"; readonly text: string }
  | { readonly kind: "command"; readonly command: Command; readonly args: string }
  | { readonly kind: "unknown"; readonly name: string; readonly suggestion?: string };

/** Result of pressing Tab: the new input text and the candidates to show, if several. */
export interface Completion {
  readonly text: string;
  readonly candidates: readonly string[];
}

/** The REPL's commands, looked up by name or alias with `.` or `/` as prefix. */
export interface CommandRegistry {
  list(): readonly Command[];
  find(name: string): Command | undefined;
  parse(line: string): ParsedLine;
  /** A Promise when the command asks someone else (an MCP server) for the candidates. */
  complete(line: string, context: CommandContext): Completion | Promise<Completion>;
  /** Adds commands that come and go (MCP prompts), read at each lookup. */
  addSource(source: () => readonly Command[]): void;
}

// `.name` or `/name` followed by a space or the end: `/etc/hosts` and `./x` stay messages.
// `.server:prompt` names an MCP prompt; its part after the colon is the server's own name.
const COMMAND_LINE = /^[./]([A-Za-z][\w-]*(?::[^\s:]+)?)(?:\s+([\s\S]*))?$/;

/** Builds a registry; later commands with a taken name are a programming error. */
export function createCommandRegistry(commands: readonly Command[]): CommandRegistry {
  const byName = new Map<string, Command>();
  for (const command of commands) {
    for (const name of [command.name, ...(command.aliases ?? [])]) {
      if (byName.has(name)) throw new Error(`duplicate command name: ${name}`);
      byName.set(name, command);
    }
  }
  const names = [...byName.keys()];
  const sources: (() => readonly Command[])[] = [];
  const dynamic = (): readonly Command[] => sources.flatMap((source) => source());

  function find(name: string): Command | undefined {
    const builtin = byName.get(name.toLowerCase());
    if (builtin) return builtin;
    // Server prompt names are case-sensitive; an exact match wins over a case-folded one.
    const extra = dynamic();
    const named = (c: Command): string[] => [c.name, ...(c.aliases ?? [])];
    return (
      extra.find((c) => named(c).includes(name)) ??
      extra.find((c) => named(c).some((n) => n.toLowerCase() === name.toLowerCase()))
    );
  }

  return {
    list: () => [...commands, ...dynamic()],
    find,
    addSource(source) {
      sources.push(source);
    },
    parse(line) {
      const match = COMMAND_LINE.exec(line.trim());
      if (!match?.[1]) return { kind: "message", text: line };
      const name = match[1];
      const command = find(name);
      if (command) return { kind: "command", command, args: (match[2] ?? "").trim() };
      const nearest = closest(name.toLowerCase(), [...names, ...dynamic().map((c) => c.name)]);
      const near =
        distance(name.toLowerCase(), nearest) <= Math.max(2, Math.floor(name.length / 2));
      return { kind: "unknown", name, ...(near && { suggestion: nearest }) };
    },
    complete(line, context) {
      const prefix = line[0];
      if (prefix !== "." && prefix !== "/") return { text: line, candidates: [] };
      const body = line.slice(1);
      const words = body.split(/\s+/);
      if (words.length === 1) {
        const typed = words[0] ?? "";
        // `/mcp__` completes the prompt commands' Claude Code names.
        const extra = dynamic().flatMap((c) =>
          typed.startsWith("mcp_") ? (c.aliases ?? []) : [c.name],
        );
        const matches = [
          ...commands.map((c) => c.name).filter((n) => n.startsWith(typed.toLowerCase())),
          ...extra.filter((n) => n.startsWith(typed)),
        ];
        return completeWord(line, typed, matches, `${prefix}`, " ");
      }
      const command = find(words[0] ?? "");
      const typed = words.at(-1) ?? "";
      const before = words.slice(1, -1);
      if (command?.completeAsync) {
        const head = line.slice(0, line.length - typed.length);
        return command.completeAsync(before, typed, context).then((options) =>
          completeWord(
            line,
            typed,
            options.filter((o) => o.startsWith(typed)),
            head,
            " ",
          ),
        );
      }
      if (!command?.complete) return { text: line, candidates: [] };
      const options = command.complete(before, context).filter((o) => o.startsWith(typed));
      const head = line.slice(0, line.length - typed.length);
      return completeWord(line, typed, options, head, " ");
    },
  };
}

function completeWord(
  line: string,
  typed: string,
  matches: readonly string[],
  head: string,
  suffix: string,
): Completion {
  const unique = [...new Set(matches)];
  if (unique.length === 0) return { text: line, candidates: [] };
  // `name=` is a start: the value follows at once.
  const only = unique[0] ?? "";
  if (unique.length === 1) {
    return { text: `${head}${only}${only.endsWith("=") ? "" : suffix}`, candidates: [] };
  }
  const common = commonPrefix(unique);
  return { text: common.length > typed.length ? `${head}${common}` : line, candidates: unique };
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? "";
  for (const word of words) {
    while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}
