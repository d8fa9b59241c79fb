import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileLockTimeoutError, type LockHolder, readLockHolder, withFileLock } from "./lock.js";

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

  it("tells once who it waits for, and names the holder of a lock file", async () => {
    const file = join(dir, "z.lock");
    expect(await readLockHolder(file)).toBeUndefined();
    await writeFile(file, `${process.pid} ${Date.now() - 2_000} peer`);
    expect(await readLockHolder(file)).toMatchObject({ pid: process.pid, alive: true });
    expect((await readLockHolder(file))?.ageMs).toBeGreaterThanOrEqual(2_000);
    const waits: LockHolder[] = [];
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const waiting = withFileLock(file, async () => "mine", {
      onWait: (holder) => {
        waits.push(holder);
        release();
      },
    });
    await released;
    await rm(file);
    expect(await waiting).toBe("mine");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ pid: process.pid, alive: true });
  });
});
