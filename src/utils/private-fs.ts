import { chmodSync, mkdirSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";

/** Mode of every file wren writes under WREN_HOME: readable by the user only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of every directory wren creates under WREN_HOME. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` (and missing parents) as 0700, and tightens it to 0700 if it already existed:
 * mkdir keeps an existing directory's mode, and older versions created them 0755.
 */
export function ensurePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch {
    // Not ours to change (another owner): the files inside are still 0600.
  }
}

/** {@link ensurePrivateDirSync}, without blocking the event loop. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    await chmod(dir, PRIVATE_DIR_MODE);
  } catch {
    // As above.
  }
}
