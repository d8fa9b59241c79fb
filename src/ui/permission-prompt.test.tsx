import { describe, expect, it } from "vitest";
import { Keys, renderInk } from "../test-utils/render.js";
import { createPermissionPrompts } from "../tools/permission-prompts.js";
import type { PermissionAnswer } from "../tools/permissions.js";
import { commandPermissionRequest } from "../tools/test-support.js";
import { PermissionPrompt } from "./permission-prompt.js";

const request = commandPermissionRequest;

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
