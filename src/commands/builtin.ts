import type { CommandRegistry } from "./registry.js";
import { type Command, textResult } from "./types.js";

// Short rows, one phrase never split: terminals of 80 columns show each row whole.
const KEYS_HELP = [
  "Keys: Enter send · \\ then Enter or Ctrl+J new line · ↑/↓ history · Tab complete",
  "      Esc interrupt · Ctrl+S send the queued message now",
  "      ↑ on an empty line edit the queued message · Ctrl+L clear the screen",
  "      Ctrl+U delete to line start · Ctrl+C twice or Ctrl+D exit",
].join("\n");

/** `.help` and `.help NAME`: every command with its one-line summary, or one command's usage. */
export function helpCommand(registry: () => CommandRegistry): Command {
  return {
    name: "help",
    aliases: ["?"],
    summary: "list commands, or show one command's usage: .help NAME",
    complete: () =>
      registry()
        .list()
        .map((c) => c.name),
    run(args) {
      const commands = registry().list();
      if (args) {
        const command = registry().find(args.replace(/^[./]/, ""));
        if (!command) return textResult(`unknown command: ${args}`, "error");
        const usage = command.usage ? ` ${command.usage}` : "";
        const aliases = command.aliases?.length
          ? `\naliases: ${command.aliases.map((a) => `.${a}`).join(", ")}`
          : "";
        return textResult(`.${command.name}${usage}\n${command.summary}${aliases}`);
      }
      const width = Math.max(...commands.map((c) => c.name.length)) + 2;
      const lines = commands.map((c) => `  .${c.name.padEnd(width)}${c.summary}`);
      return {
        output: [
          { kind: "text", text: "Commands (/ works as well as .):" },
          { kind: "text", text: lines.join("\n") },
          { kind: "text", tone: "dim", text: KEYS_HELP },
        ],
      };
    },
  };
}

/** `.exit`: leave the REPL. */
export const exitCommand: Command = {
  name: "exit",
  aliases: ["quit", "q"],
  summary: "leave wren",
  run: () => ({ exit: true }),
};
