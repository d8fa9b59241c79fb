// Section: mcp. Prompt and all-connected times of wren with 0, 1 and 20 stdio mock MCP servers,
// beside the floor: 1 and 20 mocks started by the bench itself, all at once, until each has
// answered initialize and tools/list (the machine's own cost of 20 servers).
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { mockPath, wrenBin } from "../paths.mjs";
import {
  loadMeter,
  MeasureError,
  measureInterleaved,
  ms,
  printErrors,
  range,
  ratio,
  statsOf,
  table,
  verdict,
  withBenchDir,
  wrenBuilt,
} from "./measure.mjs";
import { killMarked, markedStartSpread } from "./proc.mjs";
import { exitAndDispose, openTerminal, seenAt } from "./pty.mjs";

const MCP_SERVER_COUNTS = [0, 1, 20];
const MCP_TARGET_RATIO = 2;
export const MCP_DEFAULT_RUNS = 4;
const MCP_TIMEOUT_MS = 30_000;
const mockStdioScript = mockPath("stdio.mjs");

// Every mock the section starts (through wren or directly) carries this variable; whatever
// still has it after a run is killed by pid, also when the bench exits early.
const mcpMarkers = new Set();
process.on("exit", () => {
  for (const marker of mcpMarkers) killMarked(marker);
});

/** One wren start with `count` stdio mocks: ms from spawn to the prompt and to all connected. */
async function mcpWrenOnce({ env, project, wrenHome, count, marker }) {
  const started = performance.now();
  const wren = await openTerminal({
    command: process.execPath,
    args: [wrenBin],
    cwd: project,
    env: { ...env, WREN_HOME: wrenHome },
  });
  try {
    const wait = { timeout: MCP_TIMEOUT_MS };
    // The footer: one badge per server up to 5 (`s1 ✓ 12`), counts above that (`MCP: 20 ✓`).
    const footer = count === 0 ? undefined : count === 1 ? "s1 ✓" : `MCP: ${count} ✓`;
    const connected = footer && seenAt(wren.waitFor(footer, wait));
    connected?.catch(() => {});
    const promptAt = await seenAt(wren.waitFor("›", wait));
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
    await exitAndDispose(wren);
    killMarked(marker);
  }
}

/** A stdio mock started directly; resolves with performance.now() once it answered tools/list. */
function answeredToolsList(child, which) {
  return new Promise((resolve, reject) => {
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
      reject(new MeasureError(`${which} exited (${signal ?? code}) before answering tools/list`)),
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
  });
}

/** SIGKILLs `child`; resolves once it has exited. */
function killChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
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
    const child = spawn(process.execPath, [mockStdioScript], {
      stdio: ["pipe", "pipe", "ignore"],
      env,
    });
    children.push(child);
    answered.push(answeredToolsList(child, `mock ${i + 1} of ${count}`));
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
    await Promise.all(children.map(killChild));
    killMarked(marker);
  }
}

/** wren with 0, 1 and 20 mocks in its settings, then the floors. */
async function mcpSubjects({ root, project, env }, marker) {
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
  return subjects;
}

function report(subjects, samples, errors) {
  const summary = (name, key) => statsOf(samples.get(name), key);
  const median = (name, key) => summary(name, key)?.median;
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
    const label = "all connected, 20 servers / 1 server";
    console.log(`  ${verdict(label, wren20 / wren1, MCP_TARGET_RATIO)}`);
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
}

/** Runs the section; `ok` is false when wren is not built or a subject could not be measured. */
export async function mcpBench({ runs }) {
  if (!wrenBuilt()) return { ok: false };
  const load = loadMeter();
  return withBenchDir("wren-bench-mcp-", async (dir) => {
    const marker = `WREN_BENCH_MCP=${dir.root}`;
    mcpMarkers.add(marker);
    try {
      const subjects = await mcpSubjects(dir, marker);
      const { samples, errors } = await measureInterleaved(subjects, runs);
      report(subjects, samples, errors);
      console.log(load.line());
      printErrors(errors);
      return { ok: errors.size === 0 };
    } finally {
      killMarked(marker);
      mcpMarkers.delete(marker);
    }
  });
}
