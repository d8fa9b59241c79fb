import { chmod, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openInputHistory, stepHistory } from "./history.js";

async function historyFile(content?: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "wren-history-")), "history.jsonl");
  if (content !== undefined) await writeFile(file, content);
  return file;
}

describe("input history", () => {
  it("persists entries across opens, skipping torn lines and repeats", async () => {
    const file = await historyFile('{"text":"one"}\n{"text":"tw\n');
    const history = await openInputHistory(file);
    await history.add("two");
    await history.add("two");
    await history.add("multi\nline");
    await history.add("   ");
    const again = await openInputHistory(file);
    expect(again.entries()).toEqual(["one", "two", "multi\nline"]);
  });

  it("keeps history private: 0600 in a 0700 WREN_HOME, tightening an old 0644 file", async () => {
    const home = join(await mkdtemp(join(tmpdir(), "wren-history-")), "home");
    const fresh = await openInputHistory(join(home, "history.jsonl"));
    await fresh.add("export API_KEY=abc");
    expect((await stat(join(home, "history.jsonl"))).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const old = await historyFile('{"text":"one"}\n');
    await chmod(old, 0o644);
    await openInputHistory(old);
    expect((await stat(old)).mode & 0o777).toBe(0o600);
  });

  it("compacts a file that grew far past the kept size", async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => JSON.stringify({ text: `e${i}` })).join(
      "\n",
    );
    const file = await historyFile(lines);
    const history = await openInputHistory(file);
    expect(history.entries()).toHaveLength(1000);
    expect(history.entries().at(-1)).toBe("e2499");
    expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(1000);
  });

  it("walks up and down and gives the draft back", () => {
    const entries = ["a", "b"];
    let walk = { index: 2, draft: "" };
    const up1 = stepHistory(entries, walk, "typing", -1)!;
    expect(up1.text).toBe("b");
    walk = up1.walk;
    const up2 = stepHistory(entries, walk, "b", -1)!;
    expect(up2.text).toBe("a");
    expect(stepHistory(entries, up2.walk, "a", -1)).toBeUndefined();
    const down = stepHistory(entries, stepHistory(entries, up2.walk, "a", 1)!.walk, "b", 1)!;
    expect(down.text).toBe("typing");
    expect(stepHistory(entries, down.walk, "typing", 1)).toBeUndefined();
  });
});
