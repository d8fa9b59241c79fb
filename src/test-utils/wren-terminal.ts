// Starts the built wren (`dist/wren.js`) in a pseudo-terminal with an isolated environment.
// Vitest-free like terminal.ts; tests reach it through pty.ts.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTerminal, type Terminal } from "./terminal.js";

/** Absolute path of the bundled CLI that `npm run build` writes; a bundle of this file must pass `bin`. */
export const wrenBin: string = fileURLToPath(new URL("../../dist/wren.js", import.meta.url));

/** Options for {@link startWren}. */
export interface StartWrenOptions {
  args?: string[];
  /** Script run with `process.execPath`; default {@link wrenBin}. */
  bin?: string;
  /** Working directory; default a fresh empty temp dir. */
  cwd?: string;
  /** Overrides of the minimal environment; a key set to `undefined` is removed. */
  env?: Record<string, string | undefined>;
  /** `WREN_HOME`; default a fresh temp dir. */
  home?: string;
  cols?: number;
  rows?: number;
}

/** A running wren, with the directories it was started with. */
export interface WrenTerminal extends Terminal {
  /** The `WREN_HOME` the process sees. */
  readonly home: string;
  /** The working directory the process started in. */
  readonly cwd: string;
}

/**
 * Starts `dist/wren.js` in a pty with an isolated environment: only PATH, LANG, TERM, a temp
 * HOME, `WREN_HOME` and `BROWSER=none` (so no test opens a real browser), plus `env`.
 */
export async function startWren(options: StartWrenOptions = {}): Promise<WrenTerminal> {
  const root = await mkdtemp(join(tmpdir(), "wren-pty-"));
  const userHome = join(root, "user-home");
  const home = options.home ?? join(root, "wren-home");
  const cwd = options.cwd ?? join(root, "project");
  await Promise.all([
    mkdir(userHome, { recursive: true }),
    mkdir(home, { recursive: true }),
    mkdir(cwd, { recursive: true }),
  ]);
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    LANG: process.env.LANG ?? "C.UTF-8",
    HOME: userHome,
    WREN_HOME: home,
    BROWSER: "none",
    ...options.env,
  };
  const removeRoot = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    const terminal = await startTerminal({
      command: process.execPath,
      args: [options.bin ?? wrenBin, ...(options.args ?? [])],
      cwd,
      env,
      isolateEnv: true,
      cols: options.cols,
      rows: options.rows,
      onDispose: removeRoot,
    });
    return Object.assign(terminal, { home, cwd });
  } catch (error) {
    await removeRoot();
    throw error;
  }
}
