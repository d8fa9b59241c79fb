import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Keys, useTerminals } from "../test-utils/pty.js";

const terminals = useTerminals();

describe("wren REPL in a terminal", () => {
  it("starts, shows the prompt, runs .help and exits with .exit", async () => {
    const wren = await terminals.startWren();
    await wren.waitFor("Ask anything");
    expect(wren.screen()).toMatch(/wren\s+v\d+\.\d+\.\d+/);
    expect(wren.screen()).toContain("no model configured");
    await wren.type(".help");
    wren.press(Keys.enter);
    await wren.waitFor("Commands (/ works as well as .)");
    await wren.waitFor(/\.exit\s+leave wren/);
    await wren.type("/exit");
    wren.press(Keys.enter);
    expect((await wren.waitForExit()).exitCode).toBe(0);
    // Bracketed paste is switched off again and the cursor shown: the terminal is restored.
    expect(wren.output).toContain("\u001b[?2004l");
  });

  it("stays interactive when the user's shell exports CI variables", async () => {
    // Ink draws nothing until exit when it believes it runs in CI; the bundle tells it otherwise.
    const wren = await terminals.startWren({ env: { CI: "true", CONTINUOUS_INTEGRATION: "1" } });
    await wren.waitFor("Ask anything");
    await wren.type("typed in CI");
    await wren.waitFor("› typed in CI");
  });

  it("completes commands with Tab and suggests the nearest one for a typo", async () => {
    const wren = await terminals.startWren();
    await wren.waitFor("Ask anything");
    await wren.type(".he");
    wren.press(Keys.tab);
    await wren.waitFor("› .help");
    wren.press(Keys.ctrlU);
    await wren.type(".exti");
    wren.press(Keys.enter);
    await wren.waitFor("did you mean .exit?");
  });

  it("keeps input history across runs", async () => {
    const first = await terminals.startWren();
    await first.waitFor("Ask anything");
    await first.type("remember me");
    first.press(Keys.enter);
    await first.waitFor("No model configured");
    first.press(Keys.ctrlD);
    expect((await first.waitForExit()).exitCode).toBe(0);
    expect(await readFile(join(first.home, "history.jsonl"), "utf8")).toContain('"remember me"');

    const second = await terminals.startWren({ home: first.home });
    await second.waitFor("Ask anything");
    second.press(Keys.up);
    await second.waitFor("› remember me");
  });

  it("exits on Ctrl+C pressed twice", async () => {
    const wren = await terminals.startWren();
    await wren.waitFor("Ask anything");
    wren.press(Keys.ctrlC);
    await wren.waitFor("Press Ctrl+C again to exit");
    wren.press(Keys.ctrlC);
    expect((await wren.waitForExit()).exitCode).toBe(0);
  });

  it("refuses a bad config with the file, the JSON path and exit code 2", async () => {
    const wren = await terminals.startWren({ args: ["--model", "a/b"] });
    await wren.waitFor("Ask anything");
    wren.press(Keys.ctrlD);
    await wren.waitForExit();
    await writeFile(
      join(wren.home, "settings.json"),
      // A bad server entry only disables that server; anything else wrong still exits 2.
      JSON.stringify({ permissions: { allow: "run_command" } }),
    );
    const broken = await terminals.startWren({ home: wren.home });
    expect((await broken.waitForExit()).exitCode).toBe(2);
    expect(broken.screen()).toContain("settings.json: permissions.allow: expected an array");
  });

  it("exits 2 when --resume names no session", async () => {
    const wren = await terminals.startWren({ args: ["--resume", "nope"] });
    expect((await wren.waitForExit()).exitCode).toBe(2);
    expect(wren.screen()).toContain('no session "nope"');
  });
});
