import { render } from "ink";
import { builtinCommands } from "../commands/index.js";
import type { WrenConfig } from "../config/load.js";
import { openInputHistory } from "../session/history.js";
import type { WrenPaths } from "../utils/paths.js";
import { App } from "./app.js";
import { createTranscript } from "./transcript.js";

/** What the REPL starts with. */
export interface ReplOptions {
  readonly paths: WrenPaths;
  readonly config: WrenConfig;
  readonly model?: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Runs the interactive REPL until the user leaves; resolves with the exit code. */
export async function runRepl(options: ReplOptions): Promise<number> {
  const { paths, config, env } = options;
  const history = await openInputHistory(paths.history);
  const transcript = createTranscript();
  const registry = builtinCommands();
  transcript.append({ kind: "header" });
  for (const warning of config.warnings) transcript.notice(`warning: ${warning}`, "warning");

  const home = env.HOME;
  const displayPath = (path: string): string =>
    home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;

  // Raw mode before the first frame: keys typed during startup (Ctrl+C included) reach the
  // input line instead of the terminal's line discipline.
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  const instance = render(
    <App
      paths={paths}
      config={() => config}
      {...(options.model !== undefined && { model: options.model })}
      registry={registry}
      history={history}
      transcript={transcript}
      displayPath={displayPath}
    />,
    { exitOnCtrlC: false },
  );
  // A SIGINT from outside (kill -INT) leaves as cleanly as .exit does.
  const onSignal = (): void => instance.unmount();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await history.flush();
  }
  return 0;
}
