import { type ChildProcess, spawn as nodeSpawn, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";
import { errorText } from "./errors.js";

/** A URL wren refuses to open or to use for authorization: not `https:`, or `http:` off loopback. */
export class UnsafeUrlError extends Error {
  override readonly name = "UnsafeUrlError";
  /** The refused URL as given (authorization URLs carry no secrets: state and PKCE are public). */
  readonly url: string;

  constructor(url: string, reason: string) {
    super(`refusing to open ${url}: ${reason}`);
    this.url = url;
  }
}

/** True for hosts that never leave this machine: `localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  // WHATWG URL parsing has already normalised numeric forms (127.1, 0x7f.1) to dotted quads.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Why `url` may not be opened or used for authorization, or undefined when it may: only
 * `https:`, and `http:` on a loopback host, are allowed (`file:`, `smb:`, `javascript:` and
 * friends reach local files, network shares or handlers the user never meant to run).
 */
export function unsafeUrlReason(url: string | URL): string | undefined {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    return "not a valid URL";
  }
  if (parsed.protocol === "https:") return undefined;
  if (parsed.protocol === "http:") {
    return isLoopbackHost(parsed.hostname)
      ? undefined
      : "plain http is allowed only for loopback hosts (use https)";
  }
  return `the ${parsed.protocol} scheme is not allowed (only https, or http on loopback)`;
}

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
 * spawned detached with the URL as one argument and no shell. Resolves once the opener started
 * (or failed to); a missing opener is a result, not an exception. Callers always show the URL
 * as well. Rejects with {@link UnsafeUrlError} for anything but https (or http on loopback),
 * before any process starts: the URL usually comes from a server (CVE-2025-6514).
 */
export function openUrl(url: string, options: OpenUrlOptions): Promise<OpenUrlResult> {
  const unsafe = unsafeUrlReason(url);
  if (unsafe !== undefined) return Promise.reject(new UnsafeUrlError(url, unsafe));
  const reason = headlessReason(options);
  if (reason !== undefined) return Promise.resolve({ opened: false, reason });
  // The parsed form: percent-encoded, no spaces or quotes for an opener to split on.
  const target = browserCommand(new URL(url).href, options);
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
      resolve({ opened: false, reason: errorText(error) });
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
