// Benchmarks, reported as ratios against floors measured in the same run (never pass/fail on
// time): `npm run bench` builds first; `node scripts/bench.mjs [name...] [--runs N]` runs the
// named sections only. Exit code 1 only when a measurement could not be taken at all.
//
// Programs run in a real pseudo-terminal whose output feeds a headless xterm, like
// src/test-utils/pty.ts (a .ts file plain node cannot import, hence this small duplicate).
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawn } from "@lydell/node-pty";
import xtermHeadless from "@xterm/headless";
import { build } from "esbuild";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrenBin = join(repoRoot, "dist", "wren.js");
const COLS = 100;
const ROWS = 30;
const RUN_TIMEOUT_MS = 20_000;
const DEFAULT_RUNS = 7;
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
 * Starts a program in a pty and resolves with the milliseconds from spawn until `until`
 * happens: `{ screen: "text" }` (text visible on the parsed screen) or `{ exit: true }`.
 * The process group is killed and the pty closed before the promise settles.
 */
function timeInPty({ command, args, cwd, env, until }) {
  return new Promise((resolve, reject) => {
    const xterm = new xtermHeadless.Terminal({
      cols: COLS,
      rows: ROWS,
      scrollback: 1_000,
      allowProposedApi: true,
    });
    const start = performance.now();
    const pty = spawn(command, args, {
      name: "xterm-256color",
      cols: COLS,
      rows: ROWS,
      cwd,
      env: { ...env, TERM: "xterm-256color" },
    });
    live.add(pty);
    let settled = false;
    let exited = false;
    const exitPromise = new Promise((resolveExit) => pty.onExit(resolveExit));

    const finish = async (error, elapsed) => {
      if (settled) return;
      settled = true;
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
    // Answer terminal queries (cursor position, device attributes) as a real terminal would.
    xterm.onData((data) => {
      if (!exited && !settled) pty.write(data);
    });
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
  });
  return join(dir, "dist", "ink-floor.js");
}

async function startup({ runs }) {
  const root = await mkdtemp(join(tmpdir(), "wren-bench-"));
  try {
    const home = join(root, "home");
    const wrenHome = join(root, "wren-home");
    const project = join(root, "project");
    await Promise.all([home, wrenHome, project].map((d) => mkdir(d, { recursive: true })));
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
    ].filter((s) => hasWren || s.name !== "wren");
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

    const wren = summary.get("wren")?.median;
    if (wren !== undefined && ink !== undefined) {
      const r = wren / ink;
      const verdict = r <= WREN_TARGET_RATIO ? "within target" : "OVER TARGET";
      console.log(
        `\n  wren / minimal Ink = ${r.toFixed(2)}x (target <= ${WREN_TARGET_RATIO}x): ${verdict}`,
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
// Registry and entry point. Add a section as { name, description, run({ runs }) => { ok } }.

const benchmarks = [
  {
    name: "startup",
    description: "time to first screen: node -e 0, a bundled one-line Ink program, wren's prompt",
    run: startup,
  },
];

function parseArgs(argv) {
  const names = [];
  let runs = DEFAULT_RUNS;
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
  if (!Number.isInteger(runs) || runs < 5) {
    throw new MeasureError("--runs must be an integer >= 5 (medians need a few samples)");
  }
  return { names, runs };
}

function usage() {
  const list = benchmarks.map((b) => `  ${b.name.padEnd(10)} ${b.description}`).join("\n");
  return `usage: node scripts/bench.mjs [section...] [--runs N]   (N >= 5, default ${DEFAULT_RUNS})\n\nsections:\n${list}`;
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

  const cpu = cpus();
  console.log(
    `wren bench — node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? "cpu"}, ` +
      `median of ${args.runs} runs after 1 warm-up, ${COLS}x${ROWS} pty\n`,
  );
  let ok = true;
  for (const benchmark of selected) {
    console.log(`[${benchmark.name}]`);
    try {
      const result = await benchmark.run({ runs: args.runs });
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
