import { describe, expect, it } from "vitest";
import { Keys, renderInk } from "../test-utils/render.js";
import { createPermissionPrompts } from "../tools/permission-prompts.js";
import type { PermissionAnswer, PermissionRequest } from "../tools/permissions.js";
import { PermissionPrompt } from "./permission-prompt.js";

const request: PermissionRequest = {
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

function ask() {
  const prompts = createPermissionPrompts();
  const answer: Promise<PermissionAnswer> = prompts.ask(request, new AbortController().signal);
  const ui = renderInk(<PermissionPrompt prompts={prompts} onEscape={() => {}} />);
  return { ui, answer };
}

describe("PermissionPrompt", () => {
  it("shows the command and the choices", async () => {
    const { ui } = ask();
    const frame = await ui.waitForFrame("Esc interrupts the turn");
    expect(frame).toContain("$ make");
    expect(frame).toContain("2. Allow for this session (run_command(make))");
  });

  it("takes the choice under the cursor after ↓ typed quickly", async () => {
    const { ui, answer } = ask();
    await ui.burst([Keys.down, Keys.enter]);
    expect(await answer).toEqual({ kind: "allow-session" });
  });

  it("keeps a note typed before the note step is drawn", async () => {
    const { ui, answer } = ask();
    await ui.burst(["3", "use ", "npm run build", Keys.enter]);
    expect(await answer).toEqual({ kind: "deny", note: "use npm run build" });
  });
});
