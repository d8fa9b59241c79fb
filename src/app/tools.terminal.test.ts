import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ScriptTurn, useModelHomes } from "../provider/test-support.js";
import { Keys, useTerminals } from "../test-utils/pty.js";

// One mock model server for the file; each test replays its own script on it.
const mockModelHome = useModelHomes();

const terminals = useTerminals();

async function setup(script: readonly ScriptTurn[]) {
  const { server, home } = await mockModelHome(script);
  const project = await mkdtemp(join(tmpdir(), "wren-tools-project-"));
  await writeFile(join(project, "greeting.txt"), "hello world\n");
  const wren = await terminals.startWren({ home, cwd: project });
  await wren.waitFor("Ask anything");
  return { server, wren, project };
}

const editScript: readonly ScriptTurn[] = [
  [
    {
      toolCall: {
        name: "edit_file",
        arguments: { path: "greeting.txt", old_string: "hello", new_string: "goodbye" },
      },
    },
  ],
  [{ text: "Done with the edit step." }],
];

describe("coding tools with consent", () => {
  it("shows a diff before an edit; deny leaves the file and tells the model", async () => {
    const { wren, project, server } = await setup(editScript);
    await wren.type("change the greeting");
    wren.press(Keys.enter);
    const screen = await wren.waitFor("Allow once");
    expect(screen).toContain("greeting.txt");
    expect(screen).toMatch(/- hello world/);
    expect(screen).toMatch(/\+ goodbye world/);
    wren.press("3");
    await wren.waitFor("Why not?");
    await wren.type("keep it friendly");
    wren.press(Keys.enter);
    await wren.waitFor("Done with the edit step.");
    expect(await readFile(join(project, "greeting.txt"), "utf8")).toBe("hello world\n");
    const requests = await server.requests();
    expect(JSON.stringify(requests[1]?.body)).toContain("keep it friendly");
  });

  it("applies the edit when allowed", async () => {
    const { wren, project } = await setup(editScript);
    await wren.type("change the greeting");
    wren.press(Keys.enter);
    await wren.waitFor("Allow once");
    wren.press(Keys.enter);
    await wren.waitFor("Done with the edit step.");
    expect(await readFile(join(project, "greeting.txt"), "utf8")).toBe("goodbye world\n");
  });

  it("interrupts a long command with Esc and kills its process group", async () => {
    const { wren } = await setup([
      [
        {
          toolCall: {
            name: "run_command",
            arguments: { command: "sleep 4242 & sleep 4243; echo never" },
          },
        },
      ],
      [{ text: "after" }],
    ]);
    await wren.type("run it");
    wren.press(Keys.enter);
    await wren.waitFor("$ sleep 4242");
    wren.press(Keys.enter);
    await expect.poll(() => sleeping(), { timeout: 10_000 }).toBe(true);
    wren.press(Keys.escape);
    await wren.waitFor("interrupted", { timeout: 10_000 });
    await expect.poll(() => sleeping(), { timeout: 10_000 }).toBe(false);
  });
});

/** Whether the test's sleep processes are alive (zombies count as gone). */
function sleeping(): boolean {
  const out = execFileSync("ps", ["-eo", "stat=,args="], { encoding: "utf8" });
  return out.split("\n").some((line) => /^\s*[^Z\s]\S*\s+sleep 424[23]$/.test(line));
}
