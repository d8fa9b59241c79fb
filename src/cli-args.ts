import { ArgsError, parseCommandLine } from "./utils/args.js";

/** Output formats of print mode. */
export type OutputFormat = "text" | "json" | "stream-json";

/** Flags that apply to every mode. */
export interface GlobalOptions {
  readonly noBrowser: boolean;
  /** `--trust-project` or `WREN_TRUST_PROJECT=1`: the project config applies for this run. */
  readonly trustProject: boolean;
  readonly mcpConfig?: string;
  readonly model?: string;
}

/** What the command line asks for, as a value; `cli.tsx` carries it out. */
export type CliRequest =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "usage-error"; readonly message: string }
  | { readonly kind: "repl"; readonly options: GlobalOptions; readonly resume?: ResumeRequest }
  | {
      readonly kind: "print";
      readonly options: GlobalOptions;
      readonly prompt: string;
      readonly outputFormat: OutputFormat;
      readonly allowedTools: readonly string[];
      readonly resume?: ResumeRequest;
    }
  | { readonly kind: "auth-mcp"; readonly options: GlobalOptions; readonly server: string }
  | { readonly kind: "mcp"; readonly options: GlobalOptions; readonly argv: readonly string[] }
  | { readonly kind: "trust"; readonly options: GlobalOptions; readonly revoke: boolean };

/** `--continue` (latest session) or `--resume ID`. */
export type ResumeRequest = { readonly latest: true } | { readonly id: string };

/** The one-line synopsis shown with usage errors. */
export const USAGE_LINE =
  'usage: wren [-p "prompt"] [--continue | --resume ID] [--model PROVIDER/MODEL] [--mcp-config FILE] [--no-browser] [--trust-project] | wren mcp <command> | wren trust [--revoke] | wren --help';

export const HELP_TEXT = `wren — a terminal-native AI coding assistant

Usage:
  wren                            interactive REPL in the current directory
  wren -p "prompt"                run one turn with the REPL's tools, print the answer, exit
                                  (stdin, if piped, is appended; echo task | wren -p reads it all)
       [--output-format text|json|stream-json]   json/stream-json: Claude Code's shapes
       [--allowed-tools LIST]     tools allowed without asking (comma-separated)
  wren --continue | --resume ID   resume the latest / a given session
  wren --auth-mcp NAME            sign in to MCP server NAME (OAuth), then exit
  wren mcp list                   configured MCP servers with status and tool count
  wren mcp get NAME               one server's resolved config (secrets redacted)
  wren mcp tools NAME             the server's tools
  wren mcp call NAME TOOL [JSON]  call one tool and print its result as JSON  [--timeout MS]
  wren mcp auth NAME              same as --auth-mcp  [--scope "A B"] asks for more scope
  wren mcp logout NAME            forget (and revoke) the server's tokens
  wren mcp add [-t http|sse] [-H "K: V"] NAME URL       add a remote server
  wren mcp add [-e K=V] NAME -- CMD ARGS                add a stdio server
  wren mcp add-json NAME JSON     add a server from its JSON entry
                                  (-s local|user|project: local, the default, is this project,
                                  kept in $WREN_HOME rather than the repo)
  wren mcp remove NAME            remove a server
  wren trust                      show this folder's project config and trust it
  wren trust --revoke             stop trusting it (the project config is ignored again)
  wren mcp COMMAND --help         one command's options

Options:
  --model PROVIDER/MODEL   model to use, e.g. ollama/qwen3:8b
  --mcp-config FILE        extra MCP servers file in .mcp.json format
  --no-browser             never open a browser for sign-in (also WREN_NO_BROWSER=1)
  --trust-project          apply this folder's .mcp.json and .wren/settings.json for this run,
                           trusted or not (also WREN_TRUST_PROJECT=1)
  -v, --version            print the version
  -h, --help               print this help

Environment:
  WREN_HOME   where settings, history, sessions and tokens live (default ~/.wren)
  BROWSER     program that opens URLs (BROWSER=none disables)
  WREN_TRUST_PROJECT=1   same as --trust-project
  NO_COLOR    disable colours

Exit codes: 0 ok, 1 the task failed, 2 usage or configuration error.
`;

const OPTIONS = {
  print: { type: "string", short: "p" },
  "output-format": { type: "string" },
  "allowed-tools": { type: "string" },
  continue: { type: "boolean", short: "c" },
  resume: { type: "string", short: "r" },
  "auth-mcp": { type: "string" },
  "no-browser": { type: "boolean" },
  "trust-project": { type: "boolean" },
  "mcp-config": { type: "string" },
  model: { type: "string" },
  version: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
} as const;

const TAKES_VALUE = new Set(
  Object.entries(OPTIONS).flatMap(([name, o]) =>
    o.type === "string" ? [`--${name}`, ...("short" in o ? [`-${o.short}`] : [])] : [],
  ),
);

/** Index of the first positional argument (a subcommand), skipping option values. */
function firstPositional(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") return i;
    if (!arg.startsWith("-") || arg === "-") return i;
    // An option's value never starts with "-" here (`-p --output-format json` reads stdin).
    const next = argv[i + 1];
    if (TAKES_VALUE.has(arg) && next !== undefined && (!next.startsWith("-") || next === "-")) i++;
  }
  return argv.length;
}

/** Parses wren's command line into a request. Never throws; bad input is a usage error. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliRequest {
  const split = firstPositional(argv);
  const flags = argv.slice(0, split);
  const rest = argv.slice(split);
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(withEmptyPrompt(flags)).values;
  } catch (error) {
    if (error instanceof ArgsError) return { kind: "usage-error", message: error.message };
    throw error;
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  const options: GlobalOptions = {
    noBrowser: values["no-browser"] === true || env.WREN_NO_BROWSER === "1",
    trustProject: values["trust-project"] === true || env.WREN_TRUST_PROJECT === "1",
    ...(values["mcp-config"] !== undefined && { mcpConfig: values["mcp-config"] }),
    ...(values.model !== undefined && { model: values.model }),
  };
  if (options.model !== undefined && !/^[^/\s]+\/\S+$/.test(options.model)) {
    return {
      kind: "usage-error",
      message: `--model expects PROVIDER/MODEL, got "${options.model}"`,
    };
  }
  if (values.continue && values.resume !== undefined) {
    return { kind: "usage-error", message: "--continue and --resume cannot be combined" };
  }
  const resume: ResumeRequest | undefined = values.continue
    ? { latest: true }
    : values.resume !== undefined
      ? { id: values.resume }
      : undefined;

  if (rest.length > 0) {
    const [sub, ...subArgv] = rest;
    if (sub === "mcp") {
      if (values.print !== undefined || values["auth-mcp"] !== undefined || resume) {
        return {
          kind: "usage-error",
          message: "wren mcp takes no -p, --auth-mcp, --continue or --resume",
        };
      }
      return { kind: "mcp", options, argv: subArgv };
    }
    if (sub === "trust") {
      if (values.print !== undefined || values["auth-mcp"] !== undefined || resume) {
        return {
          kind: "usage-error",
          message: "wren trust takes no -p, --auth-mcp, --continue or --resume",
        };
      }
      const extra = subArgv.filter((arg) => arg !== "--revoke");
      if (extra.length > 0) {
        return {
          kind: "usage-error",
          message: `wren trust takes only --revoke, not "${extra[0]}"`,
        };
      }
      return { kind: "trust", options, revoke: subArgv.includes("--revoke") };
    }
    return {
      kind: "usage-error",
      message: `unexpected argument "${sub}" (to run one prompt: wren -p "${sub}")`,
    };
  }
  if (values["auth-mcp"] !== undefined) {
    if (values.print !== undefined) {
      return { kind: "usage-error", message: "--auth-mcp cannot be combined with -p" };
    }
    return { kind: "auth-mcp", options, server: values["auth-mcp"] };
  }
  const format = values["output-format"];
  if (values.print === undefined) {
    if (format !== undefined || values["allowed-tools"] !== undefined) {
      return { kind: "usage-error", message: "--output-format and --allowed-tools need -p" };
    }
    return { kind: "repl", options, ...(resume && { resume }) };
  }
  if (format !== undefined && format !== "text" && format !== "json" && format !== "stream-json") {
    return {
      kind: "usage-error",
      message: `--output-format must be text, json or stream-json, not "${format}"`,
    };
  }
  const allowedTools = (values["allowed-tools"] ?? "")
    .split(/[,\s]+/)
    .filter((tool) => tool !== "");
  return {
    kind: "print",
    options,
    prompt: values.print,
    outputFormat: format ?? "text",
    allowedTools,
    ...(resume && { resume }),
  };
}

function parse(args: readonly string[]) {
  return parseCommandLine(args, { options: OPTIONS });
}

/**
 * `-p` may come without a prompt (`echo task | wren -p --output-format json`): then the prompt
 * is read from stdin. A `-p` at the end or before another option gets an empty value.
 */
function withEmptyPrompt(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const arg = flags[i] ?? "";
    out.push(arg);
    if (arg !== "-p" && arg !== "--print") continue;
    const next = flags[i + 1];
    if (next === undefined || (next.startsWith("-") && next !== "-")) out.push("");
    else out.push(flags[++i] ?? "");
  }
  return out;
}
