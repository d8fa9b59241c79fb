import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileLockTimeoutError, withFileLock } from "./lock.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("withFileLock", () => {
  it("runs holders one at a time and removes the lock after", async () => {
    const file = join(dir, "x.lock");
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        withFileLock(file, async () => {
          inside++;
          most = Math.max(most, inside);
          // Let the other holders try while this one is inside.
          await new Promise((r) => setImmediate(r));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    await expect(readFile(file)).rejects.toThrow();
  });

  it("breaks a lock left by a dead process, and times out on a live one", async () => {
    const file = join(dir, "y.lock");
    await writeFile(file, "999999999 0 dead");
    expect(await withFileLock(file, async () => "ok")).toBe("ok");
    await writeFile(file, `${process.pid} ${Date.now()} live`);
    await expect(withFileLock(file, async () => "no", { timeoutMs: 50 })).rejects.toBeInstanceOf(
      FileLockTimeoutError,
    );
  });
});
