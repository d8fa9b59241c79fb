// Section: startup. Time to first screen of node -e 0, a bundled one-line Ink program (the
// floors) and wren's prompt and trust question, interleaved; wren is judged against Ink.
import { wrenBin } from "../paths.mjs";
import { INK_FLOOR_TEXT, startupFixtures } from "./ink-floor.mjs";
import {
  measureInterleaved,
  ms,
  printErrors,
  ratio,
  stats,
  table,
  verdict,
  withBenchDir,
  wrenBuilt,
} from "./measure.mjs";
import { timeInPty } from "./pty.mjs";

const WREN_TARGET_RATIO = 1.3;

/** The subjects of a startup run: the floors, and wren at its prompt and its trust question. */
async function startupSubjects({ root, project, env }) {
  const { wrenHome, untrusted, inkFloor } = await startupFixtures(root);
  const node = (args, cwd, screen, extraEnv = {}) =>
    timeInPty({
      command: process.execPath,
      args,
      cwd,
      env: { ...env, ...extraEnv },
      until: screen === undefined ? { exit: true } : { screen },
    });
  const wren = (cwd, screen) => node([wrenBin], cwd, screen, { WREN_HOME: wrenHome });
  return [
    {
      name: "node -e 0",
      floor: true,
      until: "exit",
      measure: () => node(["-e", "0"], project, undefined),
    },
    {
      name: "minimal Ink (bundled)",
      floor: true,
      until: "text on screen",
      measure: () => node([inkFloor], project, INK_FLOOR_TEXT),
    },
    { name: "wren", until: "prompt › on screen", measure: () => wren(project, "›") },
    {
      name: "wren, trust question",
      until: "question on screen",
      measure: () => wren(untrusted, "Do you trust"),
    },
  ];
}

/** Runs the section; `ok` is false when wren is not built or a subject could not be measured. */
export async function startup({ runs }) {
  const hasWren = wrenBuilt();
  if (!hasWren) console.log("  Measuring the floors only.\n");
  return withBenchDir("wren-bench-", async (dir) => {
    const subjects = (await startupSubjects(dir)).filter(
      (s) => hasWren || !s.name.startsWith("wren"),
    );
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
      console.log(`\n  ${verdict(`${name} / minimal Ink`, median / ink, WREN_TARGET_RATIO)}`);
    }
    printErrors(errors);
    return { ok: hasWren && errors.size === 0 };
  });
}
