// Loaded with `await import()` after the first frame: these modules use classic zod.
import { resolvePaths } from "../../utils/paths.js";
import { createSensitivePaths } from "../sensitive.js";
import type { Tool } from "../types.js";
import { type BuiltinLimits, DEFAULT_LIMITS } from "./common.js";
import { createEditFileTool } from "./edit-file.js";
import { createGlobTool } from "./glob.js";
import { createGrepTool } from "./grep.js";
import { createListDirTool } from "./list-dir.js";
import { createReadFileTool } from "./read-file.js";
import { createRunCommandTool } from "./run-command.js";
import { findExecutable, javascriptEngine, ripgrepEngine, type SearchEngine } from "./search.js";
import { createWriteFileTool } from "./write-file.js";

export { type BuiltinLimits, DEFAULT_LIMITS } from "./common.js";

/** Inputs of `createBuiltinTools`. */
export interface BuiltinToolOptions {
  /** The project directory: relative paths resolve here; commands run here. */
  readonly project: string;
  /** Environment of commands, and the PATH searched for `rg` and `bash`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Path of ripgrep, or `false` for the JavaScript search; default: `rg` on PATH if any. */
  readonly ripgrep?: string | false;
  /** Shell for run_command, e.g. `["bash", "-c"]`; default bash from PATH, else /bin/sh. */
  readonly shell?: readonly string[];
  readonly limits?: Partial<BuiltinLimits>;
  /** WREN_HOME and the user's home, for the credential stores walks skip; default from `env`. */
  readonly paths?: { readonly home: string; readonly userHome: string };
}

/**
 * The built-in coding tools: read_file, write_file, edit_file, glob, grep, list_dir and
 * run_command. Tools never throw: bad arguments and failures come back as error outcomes.
 */
export function createBuiltinTools(options: BuiltinToolOptions): Tool[] {
  const { project } = options;
  const env = options.env ?? process.env;
  const limits: BuiltinLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const sensitive = createSensitivePaths(options.paths ?? resolvePaths(env, project));
  let engine: Promise<SearchEngine> | undefined;
  const searchEngine = (): Promise<SearchEngine> => {
    engine ??=
      options.ripgrep === false
        ? Promise.resolve(javascriptEngine)
        : options.ripgrep !== undefined
          ? Promise.resolve(ripgrepEngine(options.ripgrep))
          : findExecutable("rg", env).then((rg) => (rg ? ripgrepEngine(rg) : javascriptEngine));
    return engine;
  };
  return [
    createReadFileTool(project, limits),
    createWriteFileTool(project, limits.maxFileBytes),
    createEditFileTool(project, limits.maxFileBytes),
    createGlobTool(project, limits, sensitive),
    createGrepTool(project, limits, searchEngine, sensitive),
    createListDirTool(project, limits.maxEntries),
    createRunCommandTool({
      project,
      env,
      limits,
      ...(options.shell && { shell: options.shell }),
    }),
  ];
}
