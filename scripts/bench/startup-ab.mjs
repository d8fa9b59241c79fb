#!/usr/bin/env node
// Startup A/B: time to the prompt of two wren builds beside the bundled Ink floor, interleaved
// run by run (floor, A, B, floor, A, B, ...) so a shared, noisy machine slows all three alike.
// `npm run bench` (scripts/bench.mjs startup) measures the current build against the floor;
// this answers "did my change make startup faster?" in one run:
//   cp -r dist /tmp/wren-before        # before the change (after `npm run build`)
//   ... change, npm run build ...
//   node scripts/bench/startup-ab.mjs --base /tmp/wren-before [--runs 15]
// Prints each subject's median/min/max, its ratio to the floor (of the medians, and the median
// of the per-run ratios), and the median of the per-run ratios B/A. Timed: spawn until the prompt `›` (or the trust question) is on the screen.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { spawn } from "@lydell/node-pty";
import xtermHeadless from "@xterm/headless";
import { build } from "esbuild";
import { inkInteractive } from "../ink-interactive.mjs";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const COLS = 100;
const ROWS = 30;
const TIMEOUT_MS = 30_000;

const { values } = parseArgs({
  options: { base: { type: "string" }, runs: { type: "string", default: "11" } },
});
if (values.base === undefined) {
  console.error("usage: node scripts/bench/startup-ab.mjs --base DIST_DIR [--runs N]");
  process.exit(2);
}
const runs = Number(values.runs);
const baseBin = join(resolve(values.base), "wren.js");
const currentBin = join(repoRoot, "dist", "wren.js");

function screen(xterm) {
  const buffer = xterm.buffer.active;
  const lines = [];
  for (let y = buffer.baseY; y < buffer.baseY + xterm.rows; y++) {
    lines.push(buffer.getLine(y)?.translateToString(true) ?? "");
  }
  return lines.join("\n");
}

/** Milliseconds from spawn until `text` is on the parsed screen; the process group is then killed. */
function timeUntil(args, cwd, env, text) {
  return new Promise((resolvePromise, reject) => {
    const xterm = new xtermHeadless.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
    const start = performance.now();
    const pty = spawn(process.execPath, args, {
      name: "xterm-256color",
      cols: COLS,
      rows: ROWS,
      cwd,
      env: { ...env, TERM: "xterm-256color" },
    });
    let done = false;
    const finish = (error, elapsed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-pty.pid, "SIGKILL");
      } catch {
        pty.kill("SIGKILL");
      }
      xterm.dispose();
      if (error) reject(error);
      else resolvePromise(elapsed);
    };
    // Answer terminal queries (cursor position) as a real terminal would.
    xterm.onData((data) => {
      if (!done) pty.write(data);
    });
    pty.onData((data) => {
      xterm.write(data, () => {
        if (!done && screen(xterm).includes(text)) finish(undefined, performance.now() - start);
      });
    });
    pty.onExit(({ exitCode }) =>
      finish(new Error(`${args.join(" ")} exited (${exitCode}) before ${JSON.stringify(text)}`)),
    );
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${text}`)), TIMEOUT_MS);
  });
}

async function inkFloor(dir) {
  const entry = join(dir, "ink-floor.jsx");
  await mkdir(dir, { recursive: true });
  await writeFile(
    entry,
    'import { render, Text } from "ink";\nrender(<Text>ink floor ready</Text>);\n',
  );
  // scripts/build.mjs's settings, so the floor pays for what wren's bundle pays for Ink.
  await build({
    entryPoints: { "ink-floor": entry },
    outdir: join(dir, "dist"),
    nodePaths: [join(repoRoot, "node_modules")],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    define: { "process.env.NODE_ENV": '"production"' },
    external: ["react-devtools-core", "@lydell/node-pty"],
    jsx: "automatic",
    banner: {
      js: "import { createRequire as __c } from 'node:module';\nconst require = __c(import.meta.url);",
    },
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "warning",
    plugins: [inkInteractive],
  });
  return join(dir, "dist", "ink-floor.js");
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const root = await mkdtemp(join(tmpdir(), "wren-startup-ab-"));
try {
  const project = join(root, "project");
  const untrusted = join(root, "untrusted");
  const wrenHome = join(root, "wren-home");
  await Promise.all([project, untrusted, wrenHome].map((d) => mkdir(d, { recursive: true })));
  await writeFile(
    join(untrusted, ".mcp.json"),
    JSON.stringify({ mcpServers: { fs: { command: "npx", args: ["-y", "some-server", "."] } } }),
  );
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: process.env.LANG ?? "C.UTF-8",
    HOME: root,
    BROWSER: "none",
    WREN_HOME: wrenHome,
  };
  const floor = await inkFloor(join(root, "ink"));
  const subjects = [
    {
      name: "minimal Ink (bundled)",
      run: () => timeUntil([floor], project, env, "ink floor ready"),
    },
    { name: "A wren (base)", run: () => timeUntil([baseBin], project, env, "›") },
    { name: "B wren (current)", run: () => timeUntil([currentBin], project, env, "›") },
    {
      name: "A trust question",
      run: () => timeUntil([baseBin], untrusted, env, "Do you trust"),
    },
    {
      name: "B trust question",
      run: () => timeUntil([currentBin], untrusted, env, "Do you trust"),
    },
  ];
  const samples = new Map(subjects.map((s) => [s.name, []]));
  // One warm-up round (disk cache), not counted.
  for (const s of subjects) await s.run();
  for (let i = 0; i < runs; i++) {
    for (const s of subjects) samples.get(s.name).push(await s.run());
  }
  const floorSamples = samples.get("minimal Ink (bundled)");
  const floorMedian = median(floorSamples);
  const ms = (x) => x.toFixed(0).padStart(5);
  console.log(`startup A/B, ${runs} interleaved runs (ms to the prompt on screen)`);
  for (const s of subjects) {
    const xs = samples.get(s.name);
    const m = median(xs);
    // Per run, against the floor measured just before it: steadier when the machine drifts.
    const paired = median(xs.map((x, i) => x / floorSamples[i]));
    const range = `min ${ms(Math.min(...xs))}  max ${ms(Math.max(...xs))}`;
    const ratios = `/ ink ${(m / floorMedian).toFixed(2)}x (per run ${paired.toFixed(2)}x)`;
    console.log(`  ${s.name.padEnd(24)} median ${ms(m)}  ${range}  ${ratios}`);
  }
  for (const [a, b] of [
    ["A wren (base)", "B wren (current)"],
    ["A trust question", "B trust question"],
  ]) {
    const as = samples.get(a);
    const bs = samples.get(b);
    const pairRatios = as.map((x, i) => bs[i] / x);
    console.log(`  ${b} / ${a}: median of per-run ratios ${median(pairRatios).toFixed(2)}x`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
