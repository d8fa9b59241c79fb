// Fixtures shared by tests of permissions and their prompts.
import type { PermissionRequest } from "./permissions.js";

/** A permission question about `run_command` `make`, offering "allow for this session". */
export const commandPermissionRequest: PermissionRequest = {
  call: { name: "run_command", input: { command: "make" } },
  tool: {
    name: "run_command",
    description: "runs a command",
    inputSchema: { type: "object" },
    effect: "execute",
    origin: "builtin",
    execute: async () => ({ status: "ok", content: [] }),
  },
  verdict: {
    decision: "ask",
    reason: "it runs a command",
    outside: [],
    sessionRule: "run_command(make)",
  },
  preview: { kind: "command", command: "make", cwd: "/project" },
};
