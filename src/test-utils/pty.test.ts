import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { Keys, startTerminal, startWren, TerminalWaitError, useTerminals, wrenBin } from "./pty.js";

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

// A killed process counts as dead once it is a zombie: reaping it is init's business, and
// some container inits reap only about once a second.
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    // Without /proc (not Linux) signal 0 is the best answer there is.
    return !existsSync("/proc");
  }
}

describe("startTerminal", () => {
  const { start } = useTerminals();
  const startEcho = (): ReturnType<typeof start> =>
    start({ command: process.execPath, args: [fixture("echo-lines.mjs")], cols: 60, rows: 12 });

  it("runs the program in a tty of the requested size and renders its screen", async () => {
    const term = await startEcho();
    await term.waitFor(/^>$/m);
    expect(term.screen()).toBe("size 60x12 term=xterm-256color\n>");
  });

  it("types text, presses keys and reads the echoed lines", async () => {
    const term = await startEcho();
    await term.waitFor(/^>$/m);
    await term.type("hellp");
    term.press(Keys.backspace);
    await term.type("o", { delayMs: 5 });
    term.press(Keys.enter);
    await term.waitFor("echo: hello");
    term.press(Keys.escape);
    await term.waitFor("[escape]");
    term.press(Keys.up);
    const screen = await term.waitFor(/\[up\]\n>$/);
    expect(screen).toContain("> hello\necho: hello\n>\n[escape]\n>");
    expect(term.output).toContain("echo: hello");
  });

  it("resolves waitForExit with the exit code, after the last output is on the screen", async () => {
    const term = await startEcho();
    await term.waitFor(/^>$/m);
    await term.type("fail");
    term.press(Keys.enter);
    expect(await term.waitForExit()).toEqual({ exitCode: 3, signal: undefined });
    expect(term.exited).toBe(true);
    expect(term.screen()).toContain("echo: fail");
    expect(() => term.press(Keys.enter)).toThrow(/has exited/);
  });

  it("exits cleanly on Ctrl+D", async () => {
    const term = await startEcho();
    await term.waitFor(/^>$/m);
    term.press(Keys.ctrlD);
    expect((await term.waitForExit()).exitCode).toBe(0);
    expect(term.screen()).toMatch(/bye$/);
  });

  it("rejects waitFor on timeout with the screen in the message", async () => {
    const term = await startEcho();
    await term.waitFor(/^>$/m);
    await term.type("visible text");
    const error = await term.waitFor("never shown", { timeout: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerminalWaitError);
    expect(error).toMatchObject({ code: "timeout" });
    expect(String(error)).toMatch(/timed out after 200 ms waiting for the screen to match "never/);
    expect(String(error)).toContain("> visible text");
  });

  it("rejects waitFor as soon as the process exits without a match", async () => {
    const term = await start({ command: process.execPath, args: ["-e", "console.log('done')"] });
    const error = await term.waitFor("never shown", { timeout: 5_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "exited" });
    expect(String(error)).toContain("exit code 0");
    expect(String(error)).toContain("done");
  });

  it("finds text in the raw output after it has scrolled off the screen", async () => {
    const script =
      "console.log('MARKER'); for (let i = 0; i < 50; i++) console.log('line ' + i); setInterval(() => {}, 1000)";
    const term = await start({ command: process.execPath, args: ["-e", script], rows: 10 });
    await term.waitFor("line 49");
    expect(term.screen()).not.toContain("MARKER");
    await term.waitForOutput("MARKER");
    const error = await term.waitForOutput("never written", { timeout: 200 }).catch((e) => e);
    expect(error).toBeInstanceOf(TerminalWaitError);
    expect(String(error)).toMatch(/waiting for the output to match "never written"/);
  });

  it("kills the program together with the processes it started", async () => {
    const script = `
      const child = require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      console.log("child " + child.pid);
      setInterval(() => {}, 1000);`;
    const term = await start({ command: process.execPath, args: ["-e", script] });
    const screen = await term.waitFor(/child \d+/);
    const childPid = Number(/child (\d+)/.exec(screen)?.[1]);
    expect(isAlive(childPid)).toBe(true);

    const status = await term.kill();
    expect(status?.signal).toBe(9);
    expect(term.exited).toBe(true);
    expect(isAlive(term.pid)).toBe(false);
    // The grandchild was in the same process group; SIGKILL delivery is not instantaneous.
    await expect.poll(() => isAlive(childPid), { timeout: 5_000, interval: 10 }).toBe(false);
  });

  it("drives an Ink program: arrow keys, Enter and Esc", async () => {
    // Unbundled, so Ink reads CI itself: in CI it would draw nothing until exit (wren's bundle
    // answers "not in CI", see scripts/ink-interactive.mjs).
    const term = await start({
      command: process.execPath,
      args: [fixture("ink-counter.mjs")],
      env: { CI: undefined, CONTINUOUS_INTEGRATION: undefined },
    });
    await term.waitFor("count: 0");
    term.press(Keys.up);
    await term.waitFor("count: 1");
    term.press(Keys.up);
    term.press(Keys.down);
    term.press(Keys.up);
    await term.waitFor(/count: 2\nlast: up/);
    term.press(Keys.enter);
    await term.waitFor("last: enter");
    term.press(Keys.escape);
    expect((await term.waitForExit()).exitCode).toBe(0);
    expect(term.screen()).toContain("counter done");
  });
});

describe("useTerminals", () => {
  let leaked: number | undefined;

  describe("a test that forgets to kill its terminal", () => {
    const { start } = useTerminals();
    it("starts a long-running program", async () => {
      const term = await start({
        command: process.execPath,
        args: ["-e", "setInterval(() => {}, 1000); console.log('up')"],
      });
      await term.waitFor("up");
      leaked = term.pid;
    });
  });

  it("has it killed by afterEach", () => {
    expect(leaked).toBeTypeOf("number");
    expect(isAlive(leaked!)).toBe(false);
  });
});

describe("startWren", () => {
  it("isolates the environment and removes its temp dirs on dispose", async () => {
    vi.stubEnv("OPENAI_API_KEY", "sk-host-secret");
    vi.stubEnv("NO_COLOR", "1");
    const term = await startWren({
      bin: fixture("print-env.mjs"),
      args: ["-x"],
      env: { EXTRA: "1" },
    });
    try {
      const screen = await term.waitFor("env keys=");
      expect(screen).toContain(`WREN_HOME=${term.home}`);
      expect(screen).toContain("TERM=xterm-256color");
      expect(screen).toContain("BROWSER=none");
      expect(screen).toContain("NO_COLOR=<unset>");
      expect(screen).toContain("OPENAI_API_KEY=<unset>");
      expect(screen).toContain("EXTRA=1");
      expect(screen).toContain(`cwd=${term.cwd}`);
      expect(screen).toContain("args=-x");
      expect(screen).toContain("env keys=BROWSER,EXTRA,HOME,LANG,PATH,PWD,TERM,WREN_HOME");
      expect(screen).not.toMatch(/HOME=\/root|HOME=\/home/);
      expect(existsSync(term.home)).toBe(true);
    } finally {
      await term.dispose();
      vi.unstubAllEnvs();
    }
    expect(existsSync(term.home)).toBe(false);
    expect(existsSync(term.cwd)).toBe(false);
  });

  it("runs dist/wren.js by default", () => {
    expect(wrenBin).toMatch(/[\\/]dist[\\/]wren\.js$/);
  });
});

describe("dispose", () => {
  it("kills a running program and is idempotent", async () => {
    const term = await startTerminal({
      command: process.execPath,
      args: ["-e", "setInterval(() => {}, 1000); console.log('up')"],
    });
    await term.waitFor("up");
    await term.dispose();
    await term.dispose();
    expect(term.exited).toBe(true);
    expect(isAlive(term.pid)).toBe(false);
  });
});
