import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Options for `writeFileAtomic`. */
export interface AtomicWriteOptions {
  /**
   * File mode, e.g. 0o600 for secrets. Without it a file in a private directory (no group or
   * other bits, like WREN_HOME) is 0600, and elsewhere a file keeps the mode it had.
   */
  readonly mode?: number;
  /** Mode of the directory if it has to be created, e.g. 0o700. */
  readonly dirMode?: number;
}

/**
 * Writes a file so that readers see either the old or the new content, never a torn one:
 * write a temp file beside it, fsync, rename over the target.
 */
export async function writeFileAtomic(
  file: string,
  content: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, {
    recursive: true,
    ...(options.dirMode !== undefined && { mode: options.dirMode }),
  });
  const mode = options.mode ?? (await inheritedMode(file, dir));
  const temp = join(dir, `.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", mode ?? 0o644);
  try {
    await handle.writeFile(content, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // open() applies the umask; a mode asked for (or kept) is the one that must hold.
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * The mode of a write without one: 0600 in a private directory (WREN_HOME, whatever an older
 * version left), else the file's own mode, else undefined (0644 under the user's umask).
 */
async function inheritedMode(file: string, dir: string): Promise<number | undefined> {
  try {
    if (((await stat(dir)).mode & 0o077) === 0) return 0o600;
    return (await stat(file)).mode & 0o777;
  } catch {
    return undefined;
  }
}
