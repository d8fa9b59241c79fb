// Black-box: the built wren in a terminal, a scripted model that tries to dodge a deny rule,
// and the shell parser loaded from the bundle. (Print mode offers no built-in tools on this
// branch yet, so the REPL is the surface.)
import { access, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mockModelHome } from "../provider/test-support.js";
import { useTerminals } from "../test-utils/pty.js";

const terminals = useTerminals();

describe("deny rules in the REPL", () => {
  it("a dodged deny rule is still denied, does not run, and the model hears 'denied by a rule'", async () => {
    const { server, home } = await mockModelHome(
      [
        [
          {
            toolCall: {
              name: "run_command",
              arguments: { command: 'true && { FOO=1 /usr/bin/touch "pwned"; }' },
            },
          },
        ],
        [{ text: "Understood, not touching." }],
      ],
      {
        settings: {
          permissions: { allow: ["run_command(true:*)"], deny: ["run_command(touch:*)"] },
        },
      },
    );
    const project = await mkdtemp(join(tmpdir(), "wren-perms-project-"));
    const wren = await terminals.startWren({ home, cwd: project });
    await wren.waitFor("Ask anything");
    await wren.type("make the file");
    wren.press("\r");
    const screen = await wren.waitFor("Understood, not touching.", { timeout: 20_000 });
    expect(screen).toMatch(/denied/);
    expect(screen).not.toContain("Allow once");
    await expect(access(join(project, "pwned"))).rejects.toThrow();
    const requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain("denied by a rule: run_command(touch:*)");
  });
});
