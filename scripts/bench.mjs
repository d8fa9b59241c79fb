// Benchmarks, reported as ratios against floors measured in the same run (never pass/fail on
// time): `npm run bench` builds first; `node scripts/bench.mjs [name...] [--runs N]` runs the
// named sections only. Exit code 1 only when a measurement could not be taken at all.
//
// Programs run in a real pseudo-terminal whose output feeds a headless xterm, like
// src/test-utils/pty.ts (a .ts file plain node cannot import, hence this small duplicate).
import { execFileSync, spawn as spawnProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { spawn } from "@lydell/node-pty";
import xtermHeadless from "@xterm/headless";
import { build } from "esbuild";
import { inkInteractive } from "./ink-interactive.mjs";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrenBin = join(repoRoot, "dist", "wren.js");
const COLS = 100;
const ROWS = 30;
const RUN_TIMEOUT_MS = 20_000;
const DEFAULT_RUNS = 7;
const MIN_RUNS = 5;
const WREN_TARGET_RATIO = 1.3;

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: every pty we start is killed (with its process group) before we exit.

const live = new Set();

function killGroup(pty) {
  try {
    process.kill(-pty.pid, "SIGKILL");
  } catch {
    try {
      pty.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

process.on("exit", () => {
  for (const pty of live) killGroup(pty);
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    for (const pty of live) killGroup(pty);
    process.exit(130);
  });
}

class MeasureError extends Error {
  name = "MeasureError";
}

function screenText(xterm) {
  const buffer = xterm.buffer.active;
  const lines = [];
  for (let y = buffer.baseY; y < buffer.baseY + xterm.rows; y++) {
    lines.push((buffer.getLine(y)?.translateToString(true) ?? "").trimEnd());
  }
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines.join("\n");
}

/**
 * A program in a COLS x ROWS pty (tracked in `live`), with a headless xterm for its screen that
 * answers terminal queries (cursor position, device attributes) as a real terminal would,
 * until the program exits or `stopAnswering()` is called.
 */
function startInPty({ command, args, cwd, env }) {
  const xterm = new xtermHeadless.Terminal({
    cols: COLS,
    rows: ROWS,
    scrollback: 1_000,
    allowProposedApi: true,
  });
  const pty = spawn(command, args, {
    name: "xterm-256color",
    cols: COLS,
    rows: ROWS,
    cwd,
    env: { ...env, TERM: "xterm-256color" },
  });
  live.add(pty);
  let answering = true;
  const exitPromise = new Promise((resolve) => pty.onExit(resolve));
  void exitPromise.then(() => {
    answering = false;
  });
  xterm.onData((data) => {
    if (answering) pty.write(data);
  });
  const stopAnswering = () => {
    answering = false;
  };
  return { xterm, pty, exitPromise, stopAnswering };
}

/**
 * Starts a program in a pty and resolves with the milliseconds from spawn until `until`
 * happens: `{ screen: "text" }` (text visible on the parsed screen) or `{ exit: true }`.
 * The process group is killed and the pty closed before the promise settles.
 */
function timeInPty({ until, ...program }) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const { xterm, pty, exitPromise, stopAnswering } = startInPty(program);
    let settled = false;
    let exited = false;

    const finish = async (error, elapsed) => {
      if (settled) return;
      settled = true;
      stopAnswering();
      clearTimeout(timer);
      if (!exited) killGroup(pty);
      // Bounded: a pty whose socket never closes must not hang the bench.
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 3_000))]);
      live.delete(pty);
      xterm.dispose();
      if (error) reject(error);
      else resolve(elapsed);
    };
    const fail = (reason) =>
      finish(new MeasureError(`${reason}\n--- screen ---\n${screenText(xterm)}\n--------------`));

    const timer = setTimeout(
      () => fail(`timed out after ${RUN_TIMEOUT_MS} ms waiting for ${describe(until)}`),
      RUN_TIMEOUT_MS,
    );
    pty.onData((data) => {
      if (settled) return;
      xterm.write(data, () => {
        if (until.screen && screenText(xterm).includes(until.screen)) {
          void finish(undefined, performance.now() - start);
        }
      });
    });
    void exitPromise.then(({ exitCode, signal }) => {
      exited = true;
      if (until.exit) return void finish(undefined, performance.now() - start);
      // Let already-received output reach the screen before declaring the text missing.
      xterm.write("", () => {
        if (until.screen && screenText(xterm).includes(until.screen)) {
          void finish(undefined, performance.now() - start);
        } else {
          void fail(
            `exited (${signal ? `signal ${signal}` : `code ${exitCode}`}) before ${describe(until)}`,
          );
        }
      });
    });
  });
}

function describe(until) {
  return until.exit ? "the process to exit" : `${JSON.stringify(until.screen)} on the screen`;
}

// ---------------------------------------------------------------------------------------------
// Statistics and output.

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), runs: sorted.length };
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])));
  return [line(header), widths.map((w) => "-".repeat(w)), ...rows.map(line)]
    .map((cells) => `  ${cells.join("  ")}`)
    .join("\n");
}

const ms = (n) => (n === undefined ? "-" : n.toFixed(0));
const ratio = (a, b) => (a === undefined || b === undefined ? "-" : `${(a / b).toFixed(2)}x`);

/** Warm-up once, then `runs` rounds; subjects interleave so load drift hits all of them alike. */
async function measureInterleaved(subjects, runs) {
  const samples = new Map(subjects.map((s) => [s.name, []]));
  const errors = new Map();
  for (let round = 0; round <= runs; round++) {
    for (const subject of subjects) {
      if (errors.has(subject.name)) continue;
      try {
        const elapsed = await subject.measure();
        if (round > 0) samples.get(subject.name).push(elapsed);
      } catch (error) {
        errors.set(subject.name, error);
      }
    }
  }
  return { samples, errors };
}

// ---------------------------------------------------------------------------------------------
// Section: startup.

async function bundleInkFloor(dir) {
  const entry = join(dir, "ink-floor.jsx");
  await mkdir(dir, { recursive: true });
  await writeFile(
    entry,
    ['import { render, Text } from "ink";', "render(<Text>ink floor ready</Text>);", ""].join("\n"),
  );
  // The settings of scripts/build.mjs, so the floor pays for exactly what wren's bundle does.
  await build({
    entryPoints: { "ink-floor": entry },
    outdir: join(dir, "dist"),
    nodePaths: [join(repoRoot, "node_modules")],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    define: { "process.env.NODE_ENV": '"production"' },
    external: ["react-devtools-core", "@lydell/node-pty"],
    jsx: "automatic",
    banner: {
      js: [
        "#!/usr/bin/env node",
        "import { createRequire as __wrenCreateRequire } from 'node:module';",
        "const require = __wrenCreateRequire(import.meta.url);",
      ].join("\n"),
    },
    chunkNames: "chunks/[name]-[hash]",
    legalComments: "none",
    logLevel: "warning",
    plugins: [inkInteractive],
  });
  return join(dir, "dist", "ink-floor.js");
}

async function startup({ runs }) {
  const root = await mkdtemp(join(tmpdir(), "wren-bench-"));
  try {
    const home = join(root, "home");
    const wrenHome = join(root, "wren-home");
    const project = join(root, "project");
    // A cloned repository with project config: wren asks whether to trust it before anything else.
    const untrusted = join(root, "untrusted");
    await Promise.all(
      [home, wrenHome, project, untrusted].map((d) => mkdir(d, { recursive: true })),
    );
    await writeFile(
      join(untrusted, ".mcp.json"),
      JSON.stringify({ mcpServers: { fs: { command: "npx", args: ["-y", "some-server", "."] } } }),
    );
    // Isolated like the terminal tests: no host API keys, no NO_COLOR, no real ~/.wren.
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      LANG: process.env.LANG ?? "C.UTF-8",
      HOME: home,
      BROWSER: "none",
    };
    const inkFloor = await bundleInkFloor(join(root, "ink"));
    const hasWren = existsSync(wrenBin);

    const subjects = [
      {
        name: "node -e 0",
        floor: true,
        until: "exit",
        measure: () =>
          timeInPty({
            command: process.execPath,
            args: ["-e", "0"],
            cwd: project,
            env,
            until: { exit: true },
          }),
      },
      {
        name: "minimal Ink (bundled)",
        floor: true,
        until: "text on screen",
        measure: () =>
          timeInPty({
            command: process.execPath,
            args: [inkFloor],
            cwd: project,
            env,
            until: { screen: "ink floor ready" },
          }),
      },
      {
        name: "wren",
        until: "prompt › on screen",
        measure: () =>
          timeInPty({
            command: process.execPath,
            args: [wrenBin],
            cwd: project,
            env: { ...env, WREN_HOME: wrenHome },
            until: { screen: "›" },
          }),
      },
      {
        name: "wren, trust question",
        until: "question on screen",
        measure: () =>
          timeInPty({
            command: process.execPath,
            args: [wrenBin],
            cwd: untrusted,
            env: { ...env, WREN_HOME: wrenHome },
            until: { screen: "Do you trust" },
          }),
      },
    ].filter((s) => hasWren || !s.name.startsWith("wren"));
    if (!hasWren) {
      console.log(
        `  ${wrenBin} does not exist: run \`npm run build\` first (\`npm run bench\` does).\n` +
          "  Measuring the floors only.\n",
      );
    }

    const { samples, errors } = await measureInterleaved(subjects, runs);
    const summary = new Map(
      subjects
        .filter((s) => samples.get(s.name).length > 0)
        .map((s) => [s.name, stats(samples.get(s.name))]),
    );
    const node = summary.get("node -e 0")?.median;
    const ink = summary.get("minimal Ink (bundled)")?.median;
    const rows = subjects.map((s) => {
      const st = summary.get(s.name);
      return [
        s.name,
        s.floor ? "floor" : "",
        s.until,
        st ? ms(st.median) : "error",
        ms(st?.min),
        ms(st?.max),
        ratio(st?.median, ink),
        ratio(st?.median, node),
      ];
    });
    console.log(
      table(["startup", "kind", "timed until", "median ms", "min", "max", "/ ink", "/ node"], rows),
    );

    for (const name of ["wren", "wren, trust question"]) {
      const median = summary.get(name)?.median;
      if (median === undefined || ink === undefined) continue;
      const r = median / ink;
      const verdict = r <= WREN_TARGET_RATIO ? "within target" : "OVER TARGET";
      console.log(
        `\n  ${name} / minimal Ink = ${r.toFixed(2)}x (target <= ${WREN_TARGET_RATIO}x): ${verdict}`,
      );
    }
    for (const [name, error] of errors) {
      console.log(`\n  ${name}: not measured: ${error instanceof Error ? error.message : error}`);
    }
    return { ok: hasWren && errors.size === 0 };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Section: stream (issue 5 item 8). A 20,000-token answer from the mock model server streams
// through the REPL after an empty transcript and after a resumed 500-message session, in the
// same run. Measured: the wren process's CPU time (/proc/<pid>/stat, user + sys) from Enter
// until the end marker is on the screen, per 1,000 tokens, with the model as fast as it goes
// (target: 500 messages within 1.2x of empty, i.e. finished items are not re-rendered); then,
// after 500 messages at 1,000 tokens/s, how far the screen trails the server (end marker on
// screen minus the server's last byte) and the rate the screen showed between the markers.
// WREN_BENCH_NODE_ARGS (space-separated) go before dist/wren.js on node's command line, e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof" (NODE_OPTIONS may not hold --cpu-prof); each run ends
// with `.exit`, so a profile gets written.

const STREAM_TOKENS = 20_000;
const STREAM_PACED_RATE = 1_000;
const STREAM_HISTORY = 500;
const STREAM_TARGET_RATIO = 1.2;
const STREAM_DEFAULT_RUNS = 3;
const STREAM_START = "START-OF-ANSWER";
const STREAM_END = "END-OF-ANSWER";
const HISTORY_TAIL = "HISTORY-TAIL-MARKER";
const modelServerScript = join(repoRoot, "mock-mcps", "model-server.mjs");

const liveChildren = new Set();
process.on("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

/** The mock model server as a subprocess; `stop()` kills it (also done on exit). */
function startModelServer() {
  return new Promise((resolve, reject) => {
    const child = spawnProcess(process.execPath, [modelServerScript, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    liveChildren.add(child);
    let out = "";
    let err = "";
    const stop = () =>
      new Promise((r) => {
        liveChildren.delete(child);
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once("exit", () => r());
        child.kill("SIGKILL");
      });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.stdout.on("data", (d) => {
      out += d;
      const match = /listening on (\d+)/.exec(out);
      if (!match) return;
      const base = `http://127.0.0.1:${match[1]}`;
      resolve({
        baseURL: `${base}/v1`,
        async setScript(script) {
          const res = await fetch(`${base}/_script`, {
            method: "POST",
            body: JSON.stringify(script),
          });
          if (!res.ok)
            throw new MeasureError(`mock server refused the script: ${await res.text()}`);
          await fetch(`${base}/_requests`, { method: "DELETE" });
        },
        async requests() {
          return (await fetch(`${base}/_requests`)).json();
        },
        stop,
      });
    });
    child.once("exit", (code, signal) =>
      reject(new MeasureError(`mock model server exited (${signal ?? code}): ${err.trim()}`)),
    );
  });
}

let clockTicks;

/** User + system CPU milliseconds of a live process, all its threads included (Linux). */
function cpuMs(pid) {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

/** A program in a pty with a headless xterm: wait for text, type, read CPU, dispose. */
function openPty(program) {
  const started = startInPty(program);
  const { xterm, pty, stopAnswering } = started;
  let exited = false;
  let disposed = false;
  const exitPromise = started.exitPromise.then((status) => {
    exited = true;
    for (const w of waiters) w.fail(`wren exited (${status.signal ?? status.exitCode})`);
    return status;
  });
  // Each waiter: screen text (parsed screen) or raw text (output stream, marker may scroll by).
  const waiters = new Set();
  let rawTail = "";
  const check = () => {
    if (waiters.size === 0) return;
    const now = performance.now();
    const screen = [...waiters].some((w) => w.screen) ? screenText(xterm) : "";
    for (const w of waiters) {
      if (w.raw ? rawTail.includes(w.raw) : screen.includes(w.screen)) w.done(now);
    }
  };
  pty.onData((data) => {
    if (disposed) return;
    xterm.write(data, () => {
      rawTail = (rawTail + data).slice(-4_096);
      check();
    });
  });
  return {
    pid: pty.pid,
    write: (data) => pty.write(data),
    screen: () => screenText(xterm),
    /** Resolves with performance.now() when the text is seen; rejects on timeout or exit. */
    waitFor(until, timeoutMs) {
      return new Promise((resolve, reject) => {
        const w = {
          ...until,
          done: (t) => {
            waiters.delete(w);
            clearTimeout(timer);
            resolve(t);
          },
          fail: (why) => {
            waiters.delete(w);
            clearTimeout(timer);
            reject(
              new MeasureError(
                `${why} waiting for ${JSON.stringify(until.screen ?? until.raw)}\n--- screen ---\n${screenText(xterm)}\n--------------`,
              ),
            );
          },
        };
        const timer = setTimeout(() => w.fail(`timed out after ${timeoutMs} ms`), timeoutMs);
        waiters.add(w);
        if (exited) w.fail("wren had exited");
        else xterm.write("", check);
      });
    },
    /** `.exit` (so a --cpu-prof profile is written), then SIGKILL for whatever is left. */
    async dispose() {
      if (!exited) {
        pty.write(".exit\r");
        await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 5_000))]);
      }
      disposed = true;
      stopAnswering();
      killGroup(pty);
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 3_000))]);
      live.delete(pty);
      xterm.dispose();
    },
  };
}

/** Like projectSlug in src/session/session-store.ts: where wren keeps this project's sessions. */
function projectSlug(project) {
  const slug = project.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "root";
  if (slug.length <= 80) return slug;
  let hash = 0;
  for (const char of project) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return `${slug.slice(-70)}-${hash.toString(16)}`;
}

/** A session file of `count` alternating user/assistant messages with a little markdown each. */
function historySession(project, count) {
  const created = new Date(Date.now() - 3_600_000);
  const at = (i) => new Date(created.getTime() + i * 1_000).toISOString();
  const lines = [
    { type: "session", version: 1, id: "bench-history", project, created: created.toISOString() },
  ];
  for (let i = 0; i < count; i++) {
    const n = i >> 1;
    const message =
      i % 2 === 0
        ? {
            role: "user",
            id: `u${n}`,
            time: at(i),
            text: `Question ${n}: how does part ${n} work?`,
          }
        : {
            role: "assistant",
            id: `a${n}`,
            time: at(i),
            model: "mock/mock-model",
            parts: [
              {
                type: "text",
                text: [
                  `## Part ${n}`,
                  "",
                  `Part ${n} reads the **config**, calls \`load()\` and then:`,
                  "",
                  "- validates the input",
                  `- writes [the result](https://example.com/${n}) to disk`,
                  ...(n % 10 === 0 ? ["", "```ts", `const part${n} = load("${n}");`, "```"] : []),
                  ...(i === count - 1 ? ["", HISTORY_TAIL] : []),
                ].join("\n"),
              },
            ],
          };
    lines.push({ type: "message", message });
  }
  return `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
}

/** One REPL session: start wren, send a prompt, stream the scripted answer to its end marker. */
async function streamOnce({ root, server, env, project, history, perSecond, index }) {
  const wrenHome = join(root, `wren-home-${index}`);
  await mkdir(wrenHome, { recursive: true });
  await writeFile(
    join(wrenHome, "settings.json"),
    JSON.stringify({
      model: "mock/mock-model",
      providers: { mock: { type: "openai-compatible", baseURL: server.baseURL } },
    }),
  );
  if (history > 0) {
    const dir = join(wrenHome, "sessions", projectSlug(project));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "bench-history.jsonl"), historySession(project, history));
  }
  await server.setScript([
    [
      { text: `${STREAM_START} ` },
      { slowTokens: { count: STREAM_TOKENS, ...(perSecond && { perSecond }) } },
      { text: ` ${STREAM_END}` },
    ],
  ]);
  const wren = openPty({
    command: process.execPath,
    args: [
      ...(process.env.WREN_BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      wrenBin,
      ...(history > 0 ? ["--continue"] : []),
    ],
    cwd: project,
    env: { ...env, WREN_HOME: wrenHome },
  });
  const spawnedAt = performance.now();
  try {
    await wren.waitFor({ screen: "Ask anything" }, 30_000);
    // The resumed transcript's last message: proof that --continue replayed the session.
    if (history > 0) await wren.waitFor({ screen: HISTORY_TAIL }, 10_000);
    const readyMs = performance.now() - spawnedAt;
    wren.write("stream please");
    await wren.waitFor({ screen: "stream please" }, 5_000);
    const startedAt = performance.now();
    const cpuBefore = cpuMs(wren.pid);
    wren.write("\r");
    const streamMs = perSecond ? (STREAM_TOKENS / perSecond) * 1000 : 0;
    const firstOnScreen = wren.waitFor({ raw: STREAM_START }, 30_000);
    const endOnScreen = wren.waitFor({ screen: STREAM_END }, streamMs + 120_000);
    firstOnScreen.catch(() => {});
    // At a set rate, note when the server has written its last byte (polled, ~20 ms steps).
    let serverDoneAt;
    const serverDone = perSecond
      ? (async () => {
          const first = await firstOnScreen;
          await sleep(Math.max(0, first + streamMs - 1_500 - performance.now()));
          for (let settled = false; !settled; ) {
            const requests = await server.requests();
            const outcome = requests.at(-1)?.outcome;
            if (outcome === "completed") serverDoneAt ??= performance.now();
            settled = outcome !== undefined && outcome !== "streaming" && outcome !== "pending";
            if (!settled) await sleep(20);
          }
        })()
      : Promise.resolve();
    serverDone.catch(() => {});
    const endAt = await endOnScreen;
    const cpuAfter = cpuMs(wren.pid);
    const firstAt = await firstOnScreen;
    await serverDone;
    return {
      readyMs,
      cpuPer1k: ((cpuAfter - cpuBefore) / STREAM_TOKENS) * 1000,
      wallMs: endAt - startedAt,
      screenRate: (STREAM_TOKENS / (endAt - firstAt)) * 1000,
      lagMs: serverDoneAt === undefined ? undefined : endAt - serverDoneAt,
    };
  } finally {
    await wren.dispose();
  }
}

async function streamBench({ runs }) {
  if (!existsSync(wrenBin)) {
    console.log(
      `  ${wrenBin} does not exist: run \`npm run build\` first (\`npm run bench\` does).`,
    );
    return { ok: false };
  }
  const began = performance.now();
  const loadBefore = loadavg()[0];
  const root = await realpath(await mkdtemp(join(tmpdir(), "wren-bench-stream-")));
  let server;
  try {
    const home = join(root, "home");
    const project = join(root, "project");
    await Promise.all([home, project].map((d) => mkdir(d, { recursive: true })));
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      LANG: process.env.LANG ?? "C.UTF-8",
      HOME: home,
      BROWSER: "none",
      WREN_MODEL_RETRIES: "0",
    };
    server = await startModelServer();
    const paced = STREAM_PACED_RATE;
    const subjects = [
      { name: "fast, empty", history: 0 },
      { name: `fast, ${STREAM_HISTORY} msgs`, history: STREAM_HISTORY },
      // Keeping up is tested on the harder transcript only: a paced run takes 20 s.
      { name: `${paced}/s, ${STREAM_HISTORY} msgs`, history: STREAM_HISTORY, perSecond: paced },
    ];
    const samples = new Map(subjects.map((s) => [s.name, []]));
    const errors = new Map();
    let index = 0;
    // No warm-up round: every run is a fresh process and the timed part starts after startup.
    // Subjects interleave so load drift hits all of them alike.
    for (let round = 0; round < runs; round++) {
      for (const subject of subjects) {
        if (errors.has(subject.name)) continue;
        try {
          samples
            .get(subject.name)
            .push(await streamOnce({ root, server, env, project, ...subject, index: index++ }));
        } catch (error) {
          errors.set(subject.name, error);
        }
      }
    }

    const summary = (subject, key) => {
      const values = samples
        .get(subject.name)
        .map((s) => s[key])
        .filter((v) => v !== undefined);
      return values.length > 0 ? stats(values) : undefined;
    };
    const fixed = (st, digits) => (st === undefined ? "-" : st.median.toFixed(digits));
    const rows = subjects.map((s) => {
      const cpu = summary(s, "cpuPer1k");
      return [
        s.name,
        fixed(summary(s, "readyMs"), 0),
        cpu ? fixed(cpu, 0) : "error",
        cpu ? `${cpu.min.toFixed(0)}-${cpu.max.toFixed(0)}` : "-",
        fixed(summary(s, "wallMs"), 0),
        fixed(summary(s, "screenRate"), 0),
        s.perSecond ? fixed(summary(s, "lagMs"), 0) : "",
      ];
    });
    console.log(
      `  ${STREAM_TOKENS} tokens per answer. CPU: wren's user+sys from Enter until the end marker is on screen.\n` +
        "  ready: spawn until the prompt (and the resumed transcript) is on screen. screen tok/s: tokens\n" +
        "  between the start and end markers appearing. lag: end marker on screen after the server's\n" +
        "  last byte.\n",
    );
    console.log(
      table(
        ["stream", "ready ms", "CPU ms/1k tok", "min-max", "wall ms", "screen tok/s", "lag ms"],
        rows,
      ),
    );
    console.log("");
    const cpuEmpty = summary(subjects[0], "cpuPer1k")?.median;
    const cpuFull = summary(subjects[1], "cpuPer1k")?.median;
    if (cpuEmpty !== undefined && cpuFull !== undefined) {
      const r = cpuFull / cpuEmpty;
      console.log(
        `  CPU per token, ${STREAM_HISTORY} msgs / empty = ${r.toFixed(2)}x (target <= ${STREAM_TARGET_RATIO}x): ${r <= STREAM_TARGET_RATIO ? "within target" : "OVER TARGET"}`,
      );
    }
    for (const subject of subjects.filter((s) => s.perSecond)) {
      const rate = summary(subject, "screenRate")?.median;
      const lag = summary(subject, "lagMs")?.median;
      if (rate === undefined) continue;
      // Keeping up: the screen within 2% of the server's rate and under half a second behind.
      const keepsUp = rate >= subject.perSecond * 0.98 && lag !== undefined && lag < 500;
      console.log(
        `  ${subject.name}: screen ${rate.toFixed(0)} tok/s, ${lag === undefined ? "?" : lag.toFixed(0)} ms behind the server: ${keepsUp ? "keeps up" : "FALLS BEHIND"}`,
      );
    }
    console.log(
      `\n  ${((performance.now() - began) / 1000).toFixed(0)} s; 1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after (${cpus().length} CPUs): CPU time is inflated when the machine is busy`,
    );
    for (const [name, error] of errors) {
      console.log(`\n  ${name}: not measured: ${error instanceof Error ? error.message : error}`);
    }
    return { ok: errors.size === 0 };
  } finally {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Section: mcp.

const MCP_SERVER_COUNTS = [0, 1, 20];
const MCP_TARGET_RATIO = 2;
const MCP_DEFAULT_RUNS = 4;
const MCP_TIMEOUT_MS = 30_000;
const mockStdioScript = join(repoRoot, "mock-mcps", "stdio.mjs");

// Every mock the section starts (through wren or directly) carries this variable; whatever
// still has it after a run is killed by pid, also when the bench exits early.
const mcpMarkers = new Set();
process.on("exit", () => {
  for (const marker of mcpMarkers) killMarked(marker);
});

/** SIGKILLs this user's processes whose environment holds `marker`; returns how many. */
function killMarked(marker) {
  let killed = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker)) continue;
      process.kill(Number(entry), "SIGKILL");
      killed++;
    } catch {
      // Not ours, or already gone.
    }
  }
  return killed;
}

/**
 * Milliseconds between the first and the last start of this user's processes whose environment
 * holds `marker` (from /proc start times, 10 ms steps), and how many there are.
 */
function markedStartSpread(marker) {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  const starts = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      starts.push(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]));
    } catch {
      // Not ours, or already gone.
    }
  }
  if (starts.length === 0) return undefined;
  return {
    processes: starts.length,
    spreadMs: ((Math.max(...starts) - Math.min(...starts)) * 1000) / clockTicks,
  };
}

/** One wren start with `count` stdio mocks: ms from spawn to the prompt and to all connected. */
async function mcpWrenOnce({ env, project, wrenHome, count, marker }) {
  const started = performance.now();
  const wren = openPty({
    command: process.execPath,
    args: [wrenBin],
    cwd: project,
    env: { ...env, WREN_HOME: wrenHome },
  });
  try {
    // The footer: one badge per server up to 5 (`s1 ✓ 12`), counts above that (`MCP: 20 ✓`).
    const footer = count === 0 ? undefined : count === 1 ? "s1 ✓" : `MCP: ${count} ✓`;
    const connected = footer && wren.waitFor({ screen: footer }, MCP_TIMEOUT_MS);
    connected?.catch(() => {});
    const promptAt = await wren.waitFor({ screen: "›" }, MCP_TIMEOUT_MS);
    const connectedAt = await connected;
    // Parallel or serial: how far apart wren started its servers (read while they all live).
    const spread = count > 1 ? markedStartSpread(marker) : undefined;
    if (spread && spread.processes !== count) {
      throw new MeasureError(`expected ${count} mock processes, found ${spread.processes}`);
    }
    return {
      promptMs: promptAt - started,
      connectedMs: connectedAt === undefined ? undefined : connectedAt - started,
      spreadMs: spread?.spreadMs,
    };
  } finally {
    await wren.dispose();
    killMarked(marker);
  }
}

/**
 * The floor: `count` mocks spawned at once, each sent initialize, notifications/initialized
 * and tools/list (what wren waits for before showing ✓); ms until the last tools/list answer.
 */
async function mcpFloorOnce({ env, count, marker }) {
  const started = performance.now();
  const children = [];
  const answered = [];
  for (let i = 0; i < count; i++) {
    const child = spawnProcess(process.execPath, [mockStdioScript], {
      stdio: ["pipe", "pipe", "ignore"],
      env,
    });
    children.push(child);
    liveChildren.add(child);
    answered.push(
      new Promise((resolve, reject) => {
        const send = (message) =>
          child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
        let buffer = "";
        child.stdin.on("error", () => {});
        child.stdout.on("data", (data) => {
          buffer += data;
          for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            let message;
            try {
              message = JSON.parse(line);
            } catch {
              continue;
            }
            if (message.id === 1) {
              send({ method: "notifications/initialized" });
              send({ id: 2, method: "tools/list", params: {} });
            } else if (message.id === 2) {
              resolve(performance.now());
            }
          }
        });
        child.once("exit", (code, signal) =>
          reject(
            new MeasureError(
              `mock ${i + 1} of ${count} exited (${signal ?? code}) before answering tools/list`,
            ),
          ),
        );
        send({
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-06-18",
            capabilities: {},
            clientInfo: { name: "wren-bench", version: "0" },
          },
        });
      }),
    );
  }
  const timer = new Promise((_, reject) =>
    setTimeout(
      () => reject(new MeasureError(`timed out after ${MCP_TIMEOUT_MS} ms`)),
      MCP_TIMEOUT_MS,
    ).unref(),
  );
  try {
    const times = await Promise.race([Promise.all(answered), timer]);
    // The same spread for a plain synchronous spawn loop: what "all at once" costs here.
    const spread = count > 1 ? markedStartSpread(marker) : undefined;
    return { connectedMs: Math.max(...times) - started, spreadMs: spread?.spreadMs };
  } finally {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            liveChildren.delete(child);
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
      ),
    );
    killMarked(marker);
  }
}

async function mcpBench({ runs }) {
  if (!existsSync(wrenBin)) {
    console.log(
      `  ${wrenBin} does not exist: run \`npm run build\` first (\`npm run bench\` does).`,
    );
    return { ok: false };
  }
  const began = performance.now();
  const loadBefore = loadavg()[0];
  const root = await realpath(await mkdtemp(join(tmpdir(), "wren-bench-mcp-")));
  const marker = `WREN_BENCH_MCP=${root}`;
  mcpMarkers.add(marker);
  try {
    const home = join(root, "home");
    const project = join(root, "project");
    await Promise.all([home, project].map((d) => mkdir(d, { recursive: true })));
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      LANG: process.env.LANG ?? "C.UTF-8",
      HOME: home,
      BROWSER: "none",
    };
    const subjects = [];
    for (const count of MCP_SERVER_COUNTS) {
      const wrenHome = join(root, `wren-home-${count}`);
      await mkdir(wrenHome, { recursive: true });
      const mcpServers = {};
      for (let i = 1; i <= count; i++) {
        mcpServers[`s${i}`] = {
          command: process.execPath,
          args: [mockStdioScript],
          env: { WREN_BENCH_MCP: root },
        };
      }
      await writeFile(join(wrenHome, "settings.json"), JSON.stringify({ mcpServers }));
      subjects.push({
        name: `wren, ${count} server${count === 1 ? "" : "s"}`,
        count,
        measure: () => mcpWrenOnce({ env, project, wrenHome, count, marker }),
      });
    }
    for (const count of [1, 20]) {
      subjects.push({
        name: `floor: ${count} mock${count === 1 ? "" : "s"} alone`,
        count,
        floor: true,
        measure: () => mcpFloorOnce({ env: { ...env, WREN_BENCH_MCP: root }, count, marker }),
      });
    }

    // One warm-up round (discarded), then `runs` rounds; subjects interleave so load drift
    // hits all of them alike.
    const samples = new Map(subjects.map((s) => [s.name, []]));
    const errors = new Map();
    for (let round = 0; round <= runs; round++) {
      for (const subject of subjects) {
        if (errors.has(subject.name)) continue;
        try {
          const sample = await subject.measure();
          if (round > 0) samples.get(subject.name).push(sample);
        } catch (error) {
          errors.set(subject.name, error);
        }
      }
    }

    const summary = (name, key) => {
      const values = (samples.get(name) ?? []).map((s) => s[key]).filter((v) => v !== undefined);
      return values.length > 0 ? stats(values) : undefined;
    };
    const median = (name, key) => summary(name, key)?.median;
    const range = (st) => (st ? `${ms(st.min)}-${ms(st.max)}` : "-");
    const rows = subjects.map((s) => {
      const prompt = summary(s.name, "promptMs");
      const connected = summary(s.name, "connectedMs");
      const failed = errors.has(s.name) && samples.get(s.name).length === 0;
      return [
        s.name,
        s.floor ? "-" : failed ? "error" : ms(prompt?.median),
        s.floor ? "-" : range(prompt),
        s.count === 0 ? "-" : failed ? "error" : ms(connected?.median),
        s.count === 0 ? "-" : range(connected),
      ];
    });
    console.log(
      "  stdio mock servers (mock-mcps/stdio.mjs) in WREN_HOME/settings.json. prompt: spawn until `›` is\n" +
        "  on screen. connected: spawn until the footer shows every server ✓ (`s1 ✓`, `MCP: 20 ✓`).\n" +
        "  floor: the mocks started by the bench itself, all at once, until each has answered\n" +
        "  initialize and tools/list (what wren waits for before ✓): the machine's own cost.\n",
    );
    console.log(table(["mcp", "prompt ms", "min-max", "connected ms", "min-max"], rows));
    console.log("");

    const prompt0 = median("wren, 0 servers", "promptMs");
    const prompt20 = median("wren, 20 servers", "promptMs");
    const wren1 = median("wren, 1 server", "connectedMs");
    const wren20 = median("wren, 20 servers", "connectedMs");
    const floor1 = median("floor: 1 mock alone", "connectedMs");
    const floor20 = median("floor: 20 mocks alone", "connectedMs");
    if (prompt0 !== undefined && prompt20 !== undefined) {
      // Within 10% (or 30 ms) counts as "no later": the difference of two noisy medians.
      const late = prompt20 > Math.max(prompt0 * 1.1, prompt0 + 30);
      console.log(
        `  prompt, 20 servers / 0 servers = ${ratio(prompt20, prompt0)} (${ms(prompt20)} vs ${ms(prompt0)} ms; target: no later): ${late ? "LATER" : "no later"}`,
      );
    }
    if (wren1 !== undefined && wren20 !== undefined) {
      const r = wren20 / wren1;
      console.log(
        `  all connected, 20 servers / 1 server = ${r.toFixed(2)}x (target <= ${MCP_TARGET_RATIO}x): ${r <= MCP_TARGET_RATIO ? "within target" : "OVER TARGET"}`,
      );
    }
    if (floor1 !== undefined && floor20 !== undefined) {
      console.log(
        `  floor, 20 mocks / 1 mock = ${ratio(floor20, floor1)} on ${cpus().length} CPUs: the servers' own startup, no wren`,
      );
    }
    const spread = summary("wren, 20 servers", "spreadMs");
    const floorSpread = median("floor: 20 mocks alone", "spreadMs");
    if (spread !== undefined && wren1 !== undefined && prompt0 !== undefined) {
      // A serial manager would start server k+1 only after server k answered tools/list.
      console.log(
        `  wren started its 20 mocks within ${ms(spread.median)} ms of each other (max ${ms(spread.max)}; serial would space` +
          ` them ~${ms(wren1 - prompt0)} ms apart, ~${ms(19 * (wren1 - prompt0))} ms in all; the floor's spawn loop: ${ms(floorSpread)} ms): ${spread.median < 0.25 * 19 * (wren1 - prompt0) ? "parallel" : "NOT PARALLEL"}`,
      );
    }
    if (wren1 !== undefined && wren20 !== undefined && floor20 !== undefined) {
      console.log(
        `  20 servers connected ${ms(wren20 - floor20)} ms after 20 mocks alone are ready (${ratio(wren20, floor20)});` +
          ` on this machine 20/1 cannot go below ~floor 20 / wren 1 = ${ratio(floor20, wren1)}`,
      );
    }
    console.log(
      `\n  ${((performance.now() - began) / 1000).toFixed(0)} s; 1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after (${cpus().length} CPUs)`,
    );
    for (const [name, error] of errors) {
      console.log(`\n  ${name}: not measured: ${error instanceof Error ? error.message : error}`);
    }
    return { ok: errors.size === 0 };
  } finally {
    killMarked(marker);
    mcpMarkers.delete(marker);
    await rm(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Registry and entry point. Add a section as { name, description, run({ runs }) => { ok } },
// optionally with defaultRuns / minRuns (default DEFAULT_RUNS / MIN_RUNS) and warmUp: false.

const benchmarks = [
  {
    name: "startup",
    description: "time to first screen: node -e 0, a bundled one-line Ink program, wren's prompt",
    run: startup,
  },
  {
    name: "stream",
    description: `CPU per 1,000 tokens of a ${STREAM_TOKENS}-token answer after 0 and ${STREAM_HISTORY} messages; lag at ${STREAM_PACED_RATE} tokens/s`,
    // Each run streams four 20,000-token answers (two of them at 1,000/s): ~1 min per run.
    defaultRuns: STREAM_DEFAULT_RUNS,
    minRuns: 3,
    warmUp: false,
    run: streamBench,
  },
  {
    name: "mcp",
    description:
      "prompt and all-connected times with 0, 1 and 20 stdio mock MCP servers, beside 20 mocks started alone",
    // Each run starts wren three times and the mocks twice: ~15-20 s per run on 2 CPUs.
    defaultRuns: MCP_DEFAULT_RUNS,
    minRuns: 3,
    run: mcpBench,
  },
];

function parseArgs(argv) {
  const names = [];
  let runs;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--runs") {
      runs = Number(argv[++i]);
    } else if (arg.startsWith("--runs=")) {
      runs = Number(arg.slice("--runs=".length));
    } else if (arg === "--help" || arg === "-h") {
      return { help: true };
    } else {
      names.push(arg);
    }
  }
  if (runs !== undefined && !Number.isInteger(runs)) {
    throw new MeasureError("--runs must be an integer");
  }
  return { names, runs };
}

function usage() {
  const list = benchmarks.map((b) => `  ${b.name.padEnd(10)} ${b.description}`).join("\n");
  return `usage: node scripts/bench.mjs [section...] [--runs N]   (N >= ${MIN_RUNS}, default ${DEFAULT_RUNS}; stream: N >= 3, default ${STREAM_DEFAULT_RUNS}; mcp: N >= 3, default ${MCP_DEFAULT_RUNS})\n\nsections:\n${list}`;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n\n${usage()}`);
    return 2;
  }
  if (args.help) {
    console.log(usage());
    return 0;
  }
  const unknown = args.names.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(`unknown section: ${unknown.join(", ")}\n\n${usage()}`);
    return 2;
  }
  const selected =
    args.names.length > 0 ? benchmarks.filter((b) => args.names.includes(b.name)) : benchmarks;
  const runsOf = (b) => args.runs ?? b.defaultRuns ?? DEFAULT_RUNS;
  const tooFew = selected.find((b) => runsOf(b) < (b.minRuns ?? MIN_RUNS));
  if (tooFew) {
    console.error(
      `--runs must be >= ${tooFew.minRuns ?? MIN_RUNS} for ${tooFew.name} (medians need a few samples)\n\n${usage()}`,
    );
    return 2;
  }

  const cpu = cpus();
  console.log(
    `wren bench — node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? "cpu"}, ` +
      `medians of each section's runs, ${COLS}x${ROWS} pty\n`,
  );
  let ok = true;
  for (const benchmark of selected) {
    const runs = runsOf(benchmark);
    console.log(
      `[${benchmark.name}] median of ${runs} runs${benchmark.warmUp === false ? "" : " after 1 warm-up"}`,
    );
    try {
      const result = await benchmark.run({ runs });
      ok &&= result.ok;
    } catch (error) {
      ok = false;
      console.log(`  failed: ${error instanceof Error ? error.message : error}`);
    }
    console.log("");
  }
  return ok ? 0 : 1;
}

process.exitCode = await main();
