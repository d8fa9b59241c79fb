import { spawn } from "node:child_process";
import { wrenBin } from "./wren-terminal.js";

/** What a run of the built wren left behind. */
export interface WrenRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built `dist/wren.js` as a subprocess with pipes (no terminal), as a script would:
 * `HOME` and `WREN_HOME` are `home`, the environment holds only `PATH` and `env`.
 */
export function runWren(
  args: readonly string[],
  options: {
    home: string;
    cwd: string;
    env?: Record<string, string>;
    stdin?: string;
    /** The script to run; default {@link wrenBin} (a bundle of this file must pass it). */
    bin?: string;
  },
): Promise<WrenRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? wrenBin, ...args], {
      env: { PATH: process.env.PATH, HOME: options.home, WREN_HOME: options.home, ...options.env },
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
