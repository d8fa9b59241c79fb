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
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { harness } from "../harness.mjs";
import { mockPath, wrenBin } from "../paths.mjs";
import {
  loadMeter,
  measureInterleaved,
  printErrors,
  statsOf,
  table,
  verdict,
  withBenchDir,
  wrenBuilt,
} from "./measure.mjs";
import { cpuMs } from "./proc.mjs";
import { exitAndDispose, openTerminal, seenAt } from "./pty.mjs";

export const STREAM_TOKENS = 20_000;
export const STREAM_PACED_RATE = 1_000;
export const STREAM_HISTORY = 500;
export const STREAM_DEFAULT_RUNS = 3;
const STREAM_TARGET_RATIO = 1.2;
const STREAM_START = "START-OF-ANSWER";
const STREAM_END = "END-OF-ANSWER";
const HISTORY_TAIL = "HISTORY-TAIL-MARKER";

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

/** A WREN_HOME using the mock model, with a `history`-message session of `project` to resume. */
async function streamHome({ root, server, project, history, index }) {
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
    const dir = join(wrenHome, "sessions", harness.projectSlug(project));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "bench-history.jsonl"), historySession(project, history));
  }
  return wrenHome;
}

/** At a set rate: resolves once the server's request has settled, with when it completed. */
async function serverCompletedAt(server, firstOnScreen, streamMs) {
  const first = await firstOnScreen;
  // Polled in ~20 ms steps, starting shortly before the stream should end.
  await sleep(Math.max(0, first + streamMs - 1_500 - performance.now()));
  for (;;) {
    const outcome = (await server.requests()).at(-1)?.outcome;
    if (outcome === "completed") return performance.now();
    if (outcome !== undefined && outcome !== "streaming" && outcome !== "pending") return;
    await sleep(20);
  }
}

/** One REPL session: start wren, send a prompt, stream the scripted answer to its end marker. */
async function streamOnce({ root, server, env, project, history, perSecond, index }) {
  const wrenHome = await streamHome({ root, server, project, history, index });
  await server.reset([
    [
      { text: `${STREAM_START} ` },
      { slowTokens: { count: STREAM_TOKENS, ...(perSecond && { perSecond }) } },
      { text: ` ${STREAM_END}` },
    ],
  ]);
  const spawnedAt = performance.now();
  const wren = await openTerminal({
    command: process.execPath,
    args: [
      ...(process.env.WREN_BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      wrenBin,
      ...(history > 0 ? ["--continue"] : []),
    ],
    cwd: project,
    env: { ...env, WREN_HOME: wrenHome },
  });
  try {
    await wren.waitFor("Ask anything", { timeout: 30_000 });
    // The resumed transcript's last message: proof that --continue replayed the session.
    if (history > 0) await wren.waitFor(HISTORY_TAIL, { timeout: 10_000 });
    const readyMs = performance.now() - spawnedAt;
    wren.write("stream please");
    await wren.waitFor("stream please", { timeout: 5_000 });
    const startedAt = performance.now();
    const cpuBefore = cpuMs(wren.pid);
    wren.write("\r");
    const streamMs = perSecond ? (STREAM_TOKENS / perSecond) * 1000 : 0;
    // The start marker may have scrolled off by the time the screen is read: the raw output.
    const firstOnScreen = seenAt(wren.waitForOutput(STREAM_START, { timeout: 30_000 }));
    const endOnScreen = seenAt(wren.waitFor(STREAM_END, { timeout: streamMs + 120_000 }));
    firstOnScreen.catch(() => {});
    const serverDone = perSecond
      ? serverCompletedAt(server, firstOnScreen, streamMs)
      : Promise.resolve(undefined);
    serverDone.catch(() => {});
    const endAt = await endOnScreen;
    const cpuAfter = cpuMs(wren.pid);
    const firstAt = await firstOnScreen;
    const serverDoneAt = await serverDone;
    return {
      readyMs,
      cpuPer1k: ((cpuAfter - cpuBefore) / STREAM_TOKENS) * 1000,
      wallMs: endAt - startedAt,
      screenRate: (STREAM_TOKENS / (endAt - firstAt)) * 1000,
      lagMs: serverDoneAt === undefined ? undefined : endAt - serverDoneAt,
    };
  } finally {
    await exitAndDispose(wren);
  }
}

function report(subjects, samples) {
  const summary = (subject, key) => statsOf(samples.get(subject.name), key);
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
    const label = `CPU per token, ${STREAM_HISTORY} msgs / empty`;
    console.log(`  ${verdict(label, cpuFull / cpuEmpty, STREAM_TARGET_RATIO)}`);
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
}

/** Runs the section; `ok` is false when wren is not built or a subject could not be measured. */
export async function streamBench({ runs }) {
  if (!wrenBuilt()) return { ok: false };
  const load = loadMeter();
  const server = await harness.startModelServerScript(mockPath("model-server.mjs"));
  try {
    return await withBenchDir("wren-bench-stream-", async ({ root, project, env }) => {
      const paced = STREAM_PACED_RATE;
      const subjects = [
        { name: "fast, empty", history: 0 },
        { name: `fast, ${STREAM_HISTORY} msgs`, history: STREAM_HISTORY },
        // Keeping up is tested on the harder transcript only: a paced run takes 20 s.
        { name: `${paced}/s, ${STREAM_HISTORY} msgs`, history: STREAM_HISTORY, perSecond: paced },
      ];
      let index = 0;
      const streamEnv = { ...env, WREN_MODEL_RETRIES: "0" };
      for (const subject of subjects) {
        subject.measure = () =>
          streamOnce({ root, server, env: streamEnv, project, ...subject, index: index++ });
      }
      // No warm-up round: every run is a fresh process and the timed part starts after startup.
      const { samples, errors } = await measureInterleaved(subjects, runs, { warmUp: false });
      report(subjects, samples);
      console.log(load.line(": CPU time is inflated when the machine is busy"));
      printErrors(errors);
      return { ok: errors.size === 0 };
    });
  } finally {
    await server.stop();
  }
}
