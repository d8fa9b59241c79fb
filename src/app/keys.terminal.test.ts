// The keys README and the on-screen hints promise, pressed in a real terminal.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useModelHomes } from "../provider/test-support.js";
import { Keys, useTerminals } from "../test-utils/pty.js";

// One mock model server for the file; each test replays its own script on it.
const mockModelHome = useModelHomes();

const terminals = useTerminals();

/** Matches a screen that shows `present` and no longer shows `gone`. */
function showsWithout(present: string, gone: string): RegExp {
  const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^(?![\\s\\S]*${literal(gone)})[\\s\\S]*${literal(present)}`);
}

describe("queue keys", () => {
  it("Ctrl+S interrupts the answer and sends the queued message at once", async () => {
    const { server, home } = await mockModelHome([
      [{ text: "A long answer begins." }, { slowTokens: { count: 5000, perSecond: 20 } }],
      [{ text: "reply to the queued one" }],
    ]);
    const wren = await terminals.startWren({ home });
    await wren.waitFor("Ask anything");
    await wren.type("first");
    wren.press(Keys.enter);
    await wren.waitFor("A long answer begins.");
    await wren.type("queued question");
    wren.press(Keys.enter);
    await wren.waitFor("queued: queued question");
    wren.press(Keys.ctrlS);
    // Without Ctrl+S the first answer would stream for minutes before the queue drains.
    await wren.waitFor("reply to the queued one");
    expect(wren.fullText()).toContain("interrupted");
    expect(await server.requests()).toHaveLength(2);
  });

  it("↑ on an empty line takes the last queued message back into the input", async () => {
    const { home } = await mockModelHome([
      [{ text: "A long answer begins." }, { slowTokens: { count: 5000, perSecond: 20 } }],
    ]);
    const wren = await terminals.startWren({ home });
    await wren.waitFor("Ask anything");
    await wren.type("first");
    wren.press(Keys.enter);
    await wren.waitFor("A long answer begins.");
    await wren.type("queued question");
    wren.press(Keys.enter);
    await wren.waitFor("queued: queued question");
    wren.press(Keys.up);
    // In the input again, and out of the queue (history alone would leave it queued).
    await wren.waitFor(showsWithout("› queued question", "queued: queued question"));
  });
});

describe("screen keys", () => {
  it("Ctrl+L clears the screen and draws the input line again", async () => {
    const wren = await terminals.startWren();
    await wren.waitFor("Ask anything");
    await wren.type(".help");
    wren.press(Keys.enter);
    await wren.waitFor("Commands (/ works as well as .)");
    wren.press(Keys.ctrlL);
    // The header and the help are gone; the input line is at the top.
    await wren.waitFor(/^\s*› {2}Ask anything/);
    await wren.type("still typing");
    await wren.waitFor("› still typing");
  });

  it("leaves no 'Press Ctrl+C again' line behind after exiting", async () => {
    const wren = await terminals.startWren();
    await wren.waitFor("Ask anything");
    wren.press(Keys.ctrlC);
    await wren.waitFor("Press Ctrl+C again to exit");
    wren.press(Keys.ctrlC);
    expect((await wren.waitForExit()).exitCode).toBe(0);
    expect(wren.screen()).not.toContain("Press Ctrl+C again");
  });
});

describe("layout", () => {
  it("keeps each phrase of the .help keys line on one row at 120 columns", async () => {
    const wren = await terminals.startWren({ cols: 120 });
    await wren.waitFor("Ask anything");
    await wren.type(".help");
    wren.press(Keys.enter);
    await wren.waitFor("Keys:");
    const rows = (await wren.waitFor("exit")).split("\n");
    for (const phrase of [
      "Enter send",
      "\\ then Enter or Ctrl+J new line",
      "Esc interrupt",
      "Ctrl+S send the queued message now",
      "↑ on an empty line edit the queued message",
      "Ctrl+L clear the screen",
      "Ctrl+C twice or Ctrl+D exit",
    ]) {
      expect(
        rows.some((row) => row.includes(phrase)),
        phrase,
      ).toBe(true);
    }
  });

  it("does not widen the header box to a long warning", async () => {
    const home = await mkdtemp(join(tmpdir(), "wren-keys-home-"));
    const key = "aSettingNobodyKnowsAboutWhoseNameIsLongEnoughToMakeTheWarningWide";
    await writeFile(join(home, "settings.json"), JSON.stringify({ [key]: 1 }));
    const wren = await terminals.startWren({ home, cols: 140 });
    const screen = await wren.waitFor("Ask anything");
    const rows = screen.split("\n");
    const border = rows.find((row) => row.startsWith("╭")) ?? "";
    const warning = rows.find((row) => row.includes(key)) ?? "";
    expect(warning).not.toBe("");
    expect(border.length).toBeLessThan(warning.length);
    expect(border.length).toBeLessThan(70);
  });
});
