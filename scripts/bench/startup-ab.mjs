#!/usr/bin/env node
// Startup A/B: time to the prompt of two wren builds beside the bundled Ink floor, interleaved
// run by run (floor, A, B, floor, A, B, ...) so a shared, noisy machine slows all three alike.
// `npm run bench` (scripts/bench.mjs startup) measures the current build against the floor;
// this answers "did my change make startup faster?" in one run:
//   cp -r dist /tmp/wren-before        # before the change (after `npm run build`)
//   ... change, npm run build ...
//   node scripts/bench/startup-ab.mjs --base /tmp/wren-before [--runs 15]
// Prints each subject's median/min/max, its ratio to the floor (of the medians, and the median
// of the per-run ratios), and the median of the per-run ratios B/A. Timed: spawn until the
// prompt `›` (or the trust question) is on the screen.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { wrenBin } from "../paths.mjs";
import { INK_FLOOR_TEXT, startupFixtures } from "./ink-floor.mjs";
import { measureInterleaved, median, printErrors, withBenchDir } from "./measure.mjs";
import { timeInPty } from "./pty.mjs";

const { values } = parseArgs({
  options: { base: { type: "string" }, runs: { type: "string", default: "11" } },
});
if (values.base === undefined) {
  console.error("usage: node scripts/bench/startup-ab.mjs --base DIST_DIR [--runs N]");
  process.exit(2);
}
const runs = Number(values.runs);
const baseBin = join(resolve(values.base), "wren.js");

await withBenchDir("wren-startup-ab-", async ({ root, project, env }) => {
  const { wrenHome, untrusted, inkFloor: floor } = await startupFixtures(root);
  const time = (script, cwd, screen) =>
    timeInPty({
      command: process.execPath,
      args: [script],
      cwd,
      env: { ...env, WREN_HOME: wrenHome },
      until: { screen },
    });
  const subjects = [
    { name: "minimal Ink (bundled)", measure: () => time(floor, project, INK_FLOOR_TEXT) },
    { name: "A wren (base)", measure: () => time(baseBin, project, "›") },
    { name: "B wren (current)", measure: () => time(wrenBin, project, "›") },
    { name: "A trust question", measure: () => time(baseBin, untrusted, "Do you trust") },
    { name: "B trust question", measure: () => time(wrenBin, untrusted, "Do you trust") },
  ];
  // One warm-up round (disk cache), not counted; per-run ratios need every subject measured.
  const { samples, errors } = await measureInterleaved(subjects, runs);
  if (errors.size > 0) {
    printErrors(errors);
    process.exitCode = 1;
    return;
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
});
