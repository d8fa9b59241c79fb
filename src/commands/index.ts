import { exitCommand, helpCommand } from "./builtin.js";
import { type CommandRegistry, createCommandRegistry } from "./registry.js";

/** The REPL's command registry with every command wren has. */
export function builtinCommands(): CommandRegistry {
  const registry: CommandRegistry = createCommandRegistry([
    helpCommand(() => registry),
    exitCommand,
  ]);
  return registry;
}
