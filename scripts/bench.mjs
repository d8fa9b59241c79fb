// Benchmarks, reported as ratios against floors measured in the same run (never pass/fail on
// time): `npm run bench` builds first; `node scripts/bench.mjs [name...] [--runs N]` runs the
// named sections only. Exit code 1 only when a measurement could not be taken at all.
// The sections live in scripts/bench/ (startup.mjs, stream.mjs, mcp.mjs; shared measuring in
// measure.mjs); programs run in a real pseudo-terminal through the tests' pty harness
// (src/test-utils/terminal.ts, bundled by scripts/harness.mjs).
import { cpus } from "node:os";
import { MCP_DEFAULT_RUNS, mcpBench } from "./bench/mcp.mjs";
import { COLS, ROWS } from "./bench/pty.mjs";
import { startup } from "./bench/startup.mjs";
import {
  STREAM_DEFAULT_RUNS,
  STREAM_HISTORY,
  STREAM_PACED_RATE,
  STREAM_TOKENS,
  streamBench,
} from "./bench/stream.mjs";

const DEFAULT_RUNS = 7;
const MIN_RUNS = 5;

// Add a section as { name, description, run({ runs }) => { ok } }, optionally with
// defaultRuns / minRuns (default DEFAULT_RUNS / MIN_RUNS) and warmUp: false.
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

class UsageError extends Error {
  name = "UsageError";
}

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
    throw new UsageError("--runs must be an integer");
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
