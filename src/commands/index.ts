import type { SessionStore } from "../session/session-store.js";
import { exitCommand, helpCommand } from "./builtin.js";
import {
  compactCommand,
  copyCommand,
  displayCommand,
  modelCommand,
  newCommand,
  retryCommand,
  sessionsCommand,
  usageCommand,
} from "./chat.js";
import { configCommand, statusCommand } from "./info.js";
import { mcpCommand } from "./mcp.js";
import { type CommandRegistry, createCommandRegistry } from "./registry.js";
import { rootsCommand } from "./roots.js";
import { type TrustCommandDeps, trustCommand } from "./trust.js";

/** What commands need from the app beyond the CommandContext. */
export interface CommandDeps {
  readonly sessions: SessionStore;
  readonly listModels?: (provider: string) => Promise<readonly string[]>;
  readonly knownModels?: () => readonly string[];
  /** `.trust`; absent, the project config counts as ignored in this session. */
  readonly trust?: TrustCommandDeps;
}

/** The REPL's command registry with every command wren has. */
export function builtinCommands(deps: CommandDeps): CommandRegistry {
  const registry: CommandRegistry = createCommandRegistry([
    helpCommand(() => registry),
    modelCommand({
      listModels: deps.listModels ?? (async () => []),
      knownModels: deps.knownModels ?? (() => []),
    }),
    newCommand,
    retryCommand,
    copyCommand,
    usageCommand,
    compactCommand,
    statusCommand,
    configCommand,
    displayCommand,
    sessionsCommand(() => deps.sessions.list()),
    mcpCommand,
    rootsCommand,
    trustCommand(deps.trust ?? { inForce: () => false }),
    exitCommand,
  ]);
  return registry;
}
