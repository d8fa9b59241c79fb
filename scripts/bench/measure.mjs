// What every benchmark section shares: interleaved rounds, medians, tables, ratios, verdicts
// and the isolated environment the measured programs run in. Figures are reported as ratios
// against floors measured in the same run, never as pass/fail on time.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { wrenBin } from "../paths.mjs";

/** A measurement that could not be taken (a program exited, a wait timed out). */
export class MeasureError extends Error {
  name = "MeasureError";
}

/** Median, min, max and count of `samples` (numbers). */
export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), runs: sorted.length };
}

/** The median of `samples`. */
export const median = (samples) => stats(samples).median;

/** Stats of one key of object samples, skipping runs without it; undefined when none has it. */
export function statsOf(samples, key) {
  const values = (samples ?? []).map((s) => s[key]).filter((v) => v !== undefined);
  return values.length > 0 ? stats(values) : undefined;
}

/** A table: first column left-aligned, the others right-aligned, indented by two spaces. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])));
  return [line(header), widths.map((w) => "-".repeat(w)), ...rows.map(line)]
    .map((cells) => `  ${cells.join("  ")}`)
    .join("\n");
}

/** Whole milliseconds, `-` when missing. */
export const ms = (n) => (n === undefined ? "-" : n.toFixed(0));
/** `a / b` as `1.23x`, `-` when either is missing. */
export const ratio = (a, b) =>
  a === undefined || b === undefined ? "-" : `${(a / b).toFixed(2)}x`;
/** `min-max` of a stats object, `-` when missing. */
export const range = (st) => (st ? `${ms(st.min)}-${ms(st.max)}` : "-");

/** `label = 1.23x (target <= 1.3x): within target` (or OVER TARGET). */
export function verdict(label, value, target) {
  const within = value <= target ? "within target" : "OVER TARGET";
  return `${label} = ${value.toFixed(2)}x (target <= ${target}x): ${within}`;
}

/**
 * One warm-up round (discarded, unless `warmUp` is false), then `runs` rounds; subjects
 * interleave so load drift hits all of them alike. A subject that throws is not run again;
 * its error is in `errors`. `samples` maps each subject's name to what its `measure()` returned.
 */
export async function measureInterleaved(subjects, runs, { warmUp = true } = {}) {
  const samples = new Map(subjects.map((s) => [s.name, []]));
  const errors = new Map();
  for (let round = warmUp ? 0 : 1; round <= runs; round++) {
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
  return { samples, errors };
}

/** Prints why each failed subject was not measured. */
export function printErrors(errors) {
  for (const [name, error] of errors) {
    console.log(`\n  ${name}: not measured: ${error instanceof Error ? error.message : error}`);
  }
}

/** Notes the time and load at the start; `line()` is the section's closing time/load line. */
export function loadMeter() {
  const began = performance.now();
  const before = loadavg()[0];
  return {
    line: (suffix = "") =>
      `\n  ${((performance.now() - began) / 1000).toFixed(0)} s; 1-min load average ${before.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after (${cpus().length} CPUs)${suffix}`,
  };
}

/** False (after saying so) when dist/wren.js is missing. */
export function wrenBuilt() {
  if (existsSync(wrenBin)) return true;
  console.log(`  ${wrenBin} does not exist: run \`npm run build\` first (\`npm run bench\` does).`);
  return false;
}

/**
 * Runs `fn(root)` with a fresh temp dir (real path) holding `home` and `project`, removed
 * afterwards. `env` is the isolated environment the measured programs get, like the terminal
 * tests': no host API keys, no NO_COLOR, no real ~/.wren.
 */
export async function withBenchDir(prefix, fn) {
  const root = await realpath(await mkdtemp(join(tmpdir(), prefix)));
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
    return await fn({ root, home, project, env });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
