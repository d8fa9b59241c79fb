import type { ChildProcess, SpawnOptions } from "node:child_process";
import { EventEmitter } from "node:events";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  browserCommand,
  headlessReason,
  isLoopbackHost,
  openUrl,
  UnsafeUrlError,
  unsafeUrlReason,
} from "./open-url.js";

const desktop = { DISPLAY: ":0" };

describe("headlessReason", () => {
  it("is headless on request, over SSH, or on Linux without a display", () => {
    expect(headlessReason({ env: desktop, platform: "linux", noBrowserFlag: true })).toBe(
      "--no-browser",
    );
    expect(headlessReason({ env: { ...desktop, WREN_NO_BROWSER: "1" }, platform: "linux" })).toBe(
      "WREN_NO_BROWSER",
    );
    expect(headlessReason({ env: { BROWSER: "none" }, platform: "darwin" })).toBe("BROWSER=none");
    expect(headlessReason({ env: { ...desktop, SSH_TTY: "/dev/pts/1" }, platform: "linux" })).toBe(
      "ssh",
    );
    expect(headlessReason({ env: {}, platform: "linux" })).toBe("no-display");
    expect(headlessReason({ env: { WAYLAND_DISPLAY: "w" }, platform: "linux" })).toBeUndefined();
    expect(headlessReason({ env: {}, platform: "darwin" })).toBeUndefined();
    expect(headlessReason({ env: { BROWSER: "firefox" }, platform: "linux" })).toBeUndefined();
  });
});

describe("browserCommand", () => {
  const url = "https://as.example/authorize?a=1&b=$(x)";
  it("uses $BROWSER (with %s) or the platform opener, passing the URL as one argument", () => {
    expect(
      browserCommand(
        url,
        { env: { BROWSER: "firefox --new-tab" }, platform: "linux" },
        () => false,
      ),
    ).toEqual({
      command: "firefox",
      args: ["--new-tab", url],
    });
    expect(
      browserCommand(url, { env: { BROWSER: "w3m %s" }, platform: "linux" }, () => false),
    ).toEqual({
      command: "w3m",
      args: [url],
    });
    expect(
      browserCommand(url, { env: { BROWSER: "/opt/My Browser/b" }, platform: "linux" }, () => true),
    ).toEqual({
      command: "/opt/My Browser/b",
      args: [url],
    });
    expect(browserCommand(url, { env: desktop, platform: "linux" })).toEqual({
      command: "xdg-open",
      args: [url],
    });
    expect(browserCommand(url, { env: {}, platform: "darwin" })).toEqual({
      command: "open",
      args: [url],
    });
    expect(browserCommand(url, { env: {}, platform: "win32" })?.args.at(-1)).toBe(url);
  });
});

describe("openUrl", () => {
  function fakeSpawn(outcome: "spawn" | "error") {
    const calls: { command: string; args: string[]; detached: unknown; shell: unknown }[] = [];
    const spawn = (command: string, args: string[], options: SpawnOptions) => {
      calls.push({ command, args, detached: options.detached, shell: options.shell });
      const child = Object.assign(new EventEmitter(), { unref: () => {} });
      setImmediate(() =>
        outcome === "spawn"
          ? child.emit("spawn")
          : child.emit("error", new Error("spawn xdg-open ENOENT")),
      );
      return child as unknown as ChildProcess;
    };
    return { spawn, calls };
  }

  it("spawns detached without a shell, and reports a missing opener as a result", async () => {
    const ok = fakeSpawn("spawn");
    expect(
      await openUrl("https://x", { env: desktop, platform: "linux", spawn: ok.spawn }),
    ).toEqual({
      opened: true,
      command: "xdg-open",
    });
    expect(ok.calls).toEqual([
      { command: "xdg-open", args: ["https://x/"], detached: true, shell: false },
    ]);
    const missing = fakeSpawn("error");
    expect(
      await openUrl("https://x", { env: desktop, platform: "linux", spawn: missing.spawn }),
    ).toEqual({
      opened: false,
      reason: "xdg-open: spawn xdg-open ENOENT",
    });
    const none = fakeSpawn("spawn");
    expect(await openUrl("https://x", { env: {}, platform: "linux", spawn: none.spawn })).toEqual({
      opened: false,
      reason: "no-display",
    });
    expect(none.calls).toEqual([]);
  });
});

describe("unsafeUrlReason", () => {
  it("allows https anywhere and http only on loopback hosts", () => {
    for (const ok of [
      "https://as.example/authorize",
      "http://127.0.0.1:8765/callback",
      "http://127.1/x",
      "http://localhost/x",
      "http://[::1]:99/x",
    ]) {
      expect(unsafeUrlReason(ok), ok).toBeUndefined();
    }
    for (const bad of [
      "http://as.example/authorize",
      "http://127.0.0.1.evil.example/",
      "http://localhost.evil.example/",
      "file:///etc/passwd",
      "smb://attacker.example/share",
      "ftp://attacker.example/x",
      "javascript:alert(1)",
      "data:text/html,hi",
      "not a url",
    ]) {
      expect(unsafeUrlReason(bad), bad).toBeTypeOf("string");
    }
    expect(isLoopbackHost("127.255.0.1")).toBe(true);
    expect(isLoopbackHost("10.0.0.1")).toBe(false);
  });
});

describe("openUrl with a recording $BROWSER", () => {
  let dir: string;
  let browser: string;
  let log: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "wren-open-"));
    log = join(dir, "opened.log");
    browser = join(dir, "browser.mjs");
    // Records every argument it was given, one JSON array per run.
    await writeFile(
      browser,
      `#!/usr/bin/env node\nimport { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + "\\n");\n`,
    );
    await chmod(browser, 0o755);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses file:, smb:, ftp:, javascript: and remote http: before starting anything", async () => {
    const env = { BROWSER: browser, PATH: process.env.PATH ?? "" };
    for (const url of [
      "file:///etc/passwd",
      "smb://attacker.example/share/x.exe",
      "ftp://attacker.example/payload",
      "javascript:alert(document.cookie)",
      "http://as.example/authorize?client_id=x",
    ]) {
      const attempt = openUrl(url, { env, platform: "linux" });
      await expect(attempt, url).rejects.toBeInstanceOf(UnsafeUrlError);
      await expect(attempt).rejects.toMatchObject({ url });
    }
    // Nothing ran: the recording browser never wrote its log.
    await expect(readFile(log, "utf8")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("hands an https URL to the browser as one argument that no shell interprets", async () => {
    const env = { BROWSER: browser, PATH: process.env.PATH ?? "" };
    const url = `https://as.example/authorize?a=1&b=$(touch ${join(dir, "pwned")});x=\`id\``;
    expect(await openUrl(url, { env, platform: "linux" })).toEqual({
      opened: true,
      command: browser,
    });
    await vi.waitFor(async () => expect(await readFile(log, "utf8")).not.toBe(""), {
      timeout: 10_000,
    });
    const args: unknown = JSON.parse((await readFile(log, "utf8")).trim());
    expect(args).toEqual([new URL(url).href]);
    await expect(readFile(join(dir, "pwned"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
