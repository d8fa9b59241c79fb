import { type ChildProcess, spawn as nodeSpawn, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";

/** What decides whether a browser can be opened here. */
export interface BrowserEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  /** `--no-browser` on the command line. */
  readonly noBrowserFlag?: boolean;
}

/** Why no browser will be opened, or undefined when one may be. */
export type HeadlessReason =
  | "--no-browser"
  | "WREN_NO_BROWSER"
  | "BROWSER=none"
  | "ssh"
  | "no-display";

const TRUTHY = new Set(["1", "true", "yes", "on"]);

/**
 * Headless when asked (`--no-browser`, `WREN_NO_BROWSER=1`, `BROWSER=none`), in an SSH session,
 * or on Linux/BSD without a display. An explicit `$BROWSER` wins over the SSH and display
 * guesses: the user told us how to open URLs.
 */
export function headlessReason(environment: BrowserEnvironment): HeadlessReason | undefined {
  const { env, platform } = environment;
  if (environment.noBrowserFlag) return "--no-browser";
  if (TRUTHY.has((env.WREN_NO_BROWSER ?? "").toLowerCase())) return "WREN_NO_BROWSER";
  const browser = env.BROWSER?.trim();
  if (browser === "none") return "BROWSER=none";
  if (browser) return undefined;
  if (env.SSH_CONNECTION || env.SSH_TTY) return "ssh";
  if (platform !== "darwin" && platform !== "win32" && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return "no-display";
  }
  return undefined;
}

/** The program and arguments that open `url`; never a shell string. */
export function browserCommand(
  url: string,
  environment: BrowserEnvironment,
  fileExists: (path: string) => boolean = existsSync,
): { command: string; args: string[] } | undefined {
  if (headlessReason(environment) !== undefined) return undefined;
  const browser = environment.env.BROWSER?.trim();
  if (browser) {
    // A path to a program (possibly with spaces), or a command with arguments; `%s` marks the URL.
    const words = fileExists(browser) ? [browser] : browser.split(/\s+/);
    const [command = browser, ...rest] = words;
    const hasPlaceholder = rest.some((w) => w.includes("%s"));
    const args = hasPlaceholder ? rest.map((w) => w.replaceAll("%s", url)) : [...rest, url];
    return { command, args };
  }
  switch (environment.platform) {
    case "darwin":
      return { command: "open", args: [url] };
    case "win32":
      // `start` is a cmd built-in that would re-parse `&` in the URL; rundll32 takes it verbatim.
      return { command: "rundll32", args: ["url.dll,FileProtocolHandler", url] };
    default:
      return { command: "xdg-open", args: [url] };
  }
}

/** The outcome of {@link openUrl}. */
export type OpenUrlResult =
  | { readonly opened: true; readonly command: string }
  | { readonly opened: false; readonly reason: string };

/** Options of {@link openUrl}. */
export interface OpenUrlOptions extends BrowserEnvironment {
  /** Spawns the opener; `child_process.spawn` by default (tests pass a fake). */
  readonly spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
}

/**
 * Opens `url` in the user's browser: `$BROWSER`, else `open` / `xdg-open` / `rundll32`,
 * spawned detached with the URL as an argument. Resolves once the opener started (or failed
 * to); a missing opener is a result, not an exception. Callers always show the URL as well.
 */
export function openUrl(url: string, options: OpenUrlOptions): Promise<OpenUrlResult> {
  const reason = headlessReason(options);
  if (reason !== undefined) return Promise.resolve({ opened: false, reason });
  const target = browserCommand(url, options);
  if (!target) return Promise.resolve({ opened: false, reason: "no browser" });
  const spawn = options.spawn ?? nodeSpawn;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(target.command, target.args, {
        detached: true,
        stdio: "ignore",
        shell: false,
        env: options.env,
        windowsHide: true,
      });
    } catch (error) {
      resolve({ opened: false, reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    child.once("error", (error) =>
      resolve({ opened: false, reason: `${target.command}: ${error.message}` }),
    );
    child.once("spawn", () => {
      child.unref();
      resolve({ opened: true, command: target.command });
    });
  });
}
