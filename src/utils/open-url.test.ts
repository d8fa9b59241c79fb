import type { ChildProcess, SpawnOptions } from "node:child_process";
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { browserCommand, headlessReason, openUrl } from "./open-url.js";

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
      { command: "xdg-open", args: ["https://x"], detached: true, shell: false },
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
