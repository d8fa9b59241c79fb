import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-atomic-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("writeFileAtomic", () => {
  it("makes files in a private directory (WREN_HOME) private, old 0644 ones included", async () => {
    const home = join(dir, "home");
    await mkdir(home, { mode: 0o700 });
    await writeFileAtomic(join(home, "settings.json"), "{}\n");
    expect(await mode(join(home, "settings.json"))).toBe(0o600);
    await chmod(join(home, "settings.json"), 0o644);
    await writeFileAtomic(join(home, "settings.json"), '{"a":1}\n');
    expect(await mode(join(home, "settings.json"))).toBe(0o600);
    expect(await readFile(join(home, "settings.json"), "utf8")).toBe('{"a":1}\n');
  });

  it("keeps a file's own mode elsewhere, and honours an explicit one", async () => {
    await chmod(dir, 0o755);
    const file = join(dir, "script.sh");
    await writeFile(file, "old", { mode: 0o750 });
    await chmod(file, 0o750);
    await writeFileAtomic(file, "new");
    expect(await mode(file)).toBe(0o750);
    await writeFileAtomic(join(dir, "secret.json"), "{}", { mode: 0o600 });
    expect(await mode(join(dir, "secret.json"))).toBe(0o600);
  });
});
