// Over ~400 lines on purpose: the one table of every `wren mcp` command, its usage and its parser.
import { validateDocument } from "../../config/document.js";
import { ConfigError, formatIssue } from "../../config/errors.js";
import type { McpScope } from "../../config/mcp-servers-edit.js";
import { type RawMcpServer, RawMcpServerSchema } from "../../config/schema.js";
import { ArgsError, parseCommandLine } from "../../utils/args.js";
import { errorText, UsageError } from "../../utils/errors.js";

/** What `wren mcp ...` asks for, as a value; `src/mcp/cli/cli.ts` carries it out. */
export type McpCommand =
  /** Usage text: asked for (stdout, exit 0), or shown because no command was given (stderr, 2). */
  | { readonly kind: "help"; readonly text: string; readonly asked: boolean }
  | { readonly kind: "list"; readonly json: boolean }
  | { readonly kind: "get"; readonly name: string; readonly json: boolean }
  | { readonly kind: "tools"; readonly name: string; readonly json: boolean }
  | { readonly kind: "resources"; readonly name: string; readonly json: boolean }
  | {
      readonly kind: "call";
      readonly name: string;
      readonly tool: string;
      readonly args: Record<string, unknown>;
      readonly timeoutMs?: number;
    }
  | {
      readonly kind: "add";
      readonly name: string;
      readonly entry: RawMcpServer;
      readonly scope?: McpScope;
      /** Unknown keys dropped from an `add-json` entry, to print as warnings. */
      readonly warnings: readonly string[];
    }
  | { readonly kind: "remove"; readonly name: string; readonly scope?: McpScope }
  | {
      readonly kind: "auth";
      readonly name: string;
      /** `--scope "A B"`: scopes to ask for on top of those granted. */
      readonly scope?: string;
      readonly noBrowser: boolean;
      /** `--device`: the device authorization grant instead of a browser redirect. */
      readonly device: boolean;
    }
  | { readonly kind: "logout"; readonly name: string }
  | { readonly kind: "debug"; readonly name: string; readonly json: boolean };

/** `wren mcp --help`. */
export const MCP_CLI_USAGE = `usage: wren mcp <command>

  list [--json]                    configured servers: name, transport, status, tools, auth
  get NAME [--json]                one server's resolved config (secrets redacted) and status
  tools NAME [--json]              the server's tools
  resources NAME [--json]          the server's resources and resource templates
  call NAME TOOL [JSON] [--timeout MS]   call one tool, print its result as JSON; exit 1 if isError
  add [-t TRANSPORT] [-s SCOPE] [-H "K: V"]... NAME URL
  add [-s SCOPE] [-e K=V]... NAME -- CMD [ARGS...]
  add-json [-s SCOPE] NAME JSON    add a server from its JSON entry
  remove NAME [-s SCOPE]
  auth NAME [--scope "A B"] [--no-browser] [--device]   sign in (browser, paste, or a code)
  logout NAME                      revoke (where supported) and forget the server's tokens
  debug NAME [--json]              discovery and a connection attempt, step by step (no secrets)

SCOPE: local (default: this project, kept in $WREN_HOME/local-mcp.json, not in the repo),
user ($WREN_HOME/settings.json) or project (./.mcp.json, shared through the repo).
wren mcp COMMAND --help shows one command's options.`;

const SCOPE_HELP =
  "  -s, --scope local|user|project   where to save it: local (default) is this project, kept in\n" +
  "                                   $WREN_HOME/local-mcp.json; user is $WREN_HOME/settings.json;\n" +
  "                                   project is ./.mcp.json (shared through the repo)";

const FLAGS = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;
const SCOPE_OPTION = { scope: { type: "string", short: "s" } } as const;
const ADD_OPTIONS = {
  ...SCOPE_OPTION,
  transport: { type: "string", short: "t" },
  header: { type: "string", multiple: true, short: "H" },
  env: { type: "string", multiple: true, short: "e" },
} as const;
const AUTH_OPTIONS = {
  "no-browser": { type: "boolean" },
  scope: { type: "string" },
  device: { type: "boolean" },
} as const;

/** One `wren mcp` command: its `--help` text and how its arguments become a command value. */
interface CommandSpec {
  readonly usage: string;
  readonly parse: (argv: readonly string[], usage: string) => McpCommand;
}

/**
 * The commands of `wren mcp`. A new command is one entry here (usage + parser) and one handler
 * in `src/mcp/cli/cli.ts`'s HANDLERS; the top-level MCP_CLI_USAGE lists it once it is built.
 */
const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  list: {
    usage:
      "usage: wren mcp list [--json]\n\nConfigured servers with transport, status, tool count and auth.",
    parse: (argv) => {
      const { values, positionals } = parseCommandLine(argv, {
        options: FLAGS,
        allowPositionals: true,
      });
      if (positionals.length > 0) throw new UsageError("usage: wren mcp list [--json]");
      return { kind: "list", json: values.json === true };
    },
  },
  get: {
    usage:
      "usage: wren mcp get NAME [--json]\n\nOne server's resolved config (secrets redacted) and its status.",
    parse: (argv) => ({ kind: "get", ...nameAndJson(argv) }),
  },
  tools: {
    usage:
      "usage: wren mcp tools NAME [--json]\n\nThe server's tools (after includeTools/excludeTools).",
    parse: (argv) => ({ kind: "tools", ...nameAndJson(argv) }),
  },
  resources: {
    usage:
      "usage: wren mcp resources NAME [--json]\n\n" +
      "The server's resources and resource templates; mention one in the REPL as @NAME:URI.",
    parse: (argv) => ({ kind: "resources", ...nameAndJson(argv) }),
  },
  call: {
    usage:
      "usage: wren mcp call NAME TOOL [JSON] [--timeout MS]\n\n" +
      "Calls one tool and prints its result as JSON; exits 1 if the result is an error.\n" +
      "  --timeout MS   give up after MS without a result; progress from the server restarts the wait\n" +
      "                 (a tool that runs as a task is cancelled when MS pass)\n" +
      "Progress and task status go to stderr while it runs.",
    parse: parseCall,
  },
  add: {
    usage:
      "usage: wren mcp add [options] NAME URL\n" +
      "       wren mcp add [options] NAME -- CMD [ARGS...]\n\n" +
      "  -t, --transport stdio|http|sse|streamable-http   default: http for a URL, stdio for a command\n" +
      `${SCOPE_HELP}\n` +
      "  -e, --env KEY=VALUE              environment of a stdio server (repeatable)\n" +
      '  -H, --header "Name: value"       header of a remote server (repeatable)',
    parse: parseAdd,
  },
  "add-json": {
    usage:
      "usage: wren mcp add-json [-s SCOPE] NAME JSON\n\n" +
      `Adds a server from its JSON entry, e.g. '{"type":"http","url":"https://mcp.example.com/mcp"}'.\n${SCOPE_HELP}`,
    parse: parseAddJson,
  },
  remove: {
    usage: `usage: wren mcp remove NAME [-s SCOPE]\n\nWithout --scope, removes it from the file it comes from.\n${SCOPE_HELP}`,
    parse: (argv, usage) => {
      const { values, positionals } = parseCommandLine(argv, {
        options: SCOPE_OPTION,
        allowPositionals: true,
      });
      const [name, ...extra] = positionals;
      if (!name || extra.length > 0) throw new UsageError(usage);
      const scope = parseScope(values.scope);
      return { kind: "remove", name, ...(scope && { scope }) };
    },
  },
  auth: {
    usage:
      'usage: wren mcp auth NAME [--scope "A B"] [--no-browser] [--device]\n\n' +
      "Signs in (browser, or paste the callback URL); exits 0 once signed in.\n" +
      '  --scope "A B"   ask for these scopes too (with those already granted), e.g. after a tool\n' +
      "                  needed more access\n" +
      "  --no-browser    show the URL instead of opening a browser\n" +
      "  --device        sign in with a code on another device (RFC 8628 device grant)",
    parse: (argv, usage) => {
      const { values, positionals } = parseCommandLine(argv, {
        options: AUTH_OPTIONS,
        allowPositionals: true,
      });
      const [name, ...extra] = positionals;
      if (!name || extra.length > 0) throw new UsageError(usage);
      const scope = values.scope?.trim();
      if (scope === "") {
        throw new UsageError('--scope needs the scopes to ask for, e.g. --scope "repo read:org"');
      }
      return {
        kind: "auth",
        name,
        ...(scope !== undefined && { scope }),
        noBrowser: values["no-browser"] === true,
        device: values.device === true,
      };
    },
  },
  logout: {
    usage:
      "usage: wren mcp logout NAME\n\nRevokes (where supported) and forgets the server's tokens.",
    parse: (argv, usage) => {
      const { positionals } = parseCommandLine(argv, { options: {}, allowPositionals: true });
      const [name, ...extra] = positionals;
      if (!name || extra.length > 0) throw new UsageError(usage);
      return { kind: "logout", name };
    },
  },
  debug: {
    usage:
      "usage: wren mcp debug NAME [--json]\n\n" +
      "Runs discovery and a connection attempt step by step and prints what each step found\n" +
      "(secrets redacted); never signs in or registers a client. Exits 0 when it connected, 1 not.\n" +
      "  --json   the same trace as one JSON document, for bug reports",
    parse: (argv, usage) => {
      const { values, positionals } = parseCommandLine(argv, {
        options: FLAGS,
        allowPositionals: true,
      });
      const [name, ...extra] = positionals;
      if (!name || extra.length > 0) throw new UsageError(usage);
      return { kind: "debug", name, json: values.json === true };
    },
  },
};

/**
 * Parses the arguments after `wren mcp` into a command. Pure: reads no file, writes nothing;
 * a command line that does not fit throws UsageError (ArgsError is one).
 */
export function parseMcpArgs(argv: readonly string[]): McpCommand {
  const [sub, ...rest] = argv;
  if (sub === undefined) return { kind: "help", text: MCP_CLI_USAGE, asked: false };
  if (sub === "help" || sub === "--help" || sub === "-h") {
    return { kind: "help", text: MCP_CLI_USAGE, asked: true };
  }
  const spec = Object.hasOwn(COMMANDS, sub) ? COMMANDS[sub] : undefined;
  if (spec === undefined) {
    throw new UsageError(`unknown command "mcp ${sub}" (wren mcp --help lists them)`);
  }
  // `--help` anywhere asks for help, but not as a stdio server's own argument after `--`.
  const help = rest.findIndex((a) => a === "--help" || a === "-h");
  const dash = rest.indexOf("--");
  if (help >= 0 && (dash < 0 || help < dash)) {
    return { kind: "help", text: spec.usage, asked: true };
  }
  return spec.parse(rest, spec.usage);
}

function nameAndJson(argv: readonly string[]): { name: string; json: boolean } {
  const { values, positionals } = parseCommandLine(argv, {
    options: FLAGS,
    allowPositionals: true,
  });
  const [name] = positionals;
  if (!name) throw new UsageError("missing server NAME");
  return { name, json: values.json === true };
}

function parseScope(scope: string | undefined): McpScope | undefined {
  if (scope === undefined || scope === "local" || scope === "user" || scope === "project") {
    return scope;
  }
  throw new UsageError(`--scope must be local, user or project, not "${scope}"`);
}

function parseCall(argv: readonly string[], usage: string): McpCommand {
  const { values, positionals } = parseCommandLine(argv, {
    options: { timeout: { type: "string" } },
    allowPositionals: true,
  });
  const [name, tool, argsText, ...extra] = positionals;
  if (!name || !tool || extra.length > 0) throw new UsageError(usage);
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new UsageError(
      `--timeout expects a positive number of milliseconds, not "${values.timeout}"`,
    );
  }
  return {
    kind: "call",
    name,
    tool,
    args: toolArguments(argsText),
    ...(timeoutMs !== undefined && { timeoutMs }),
  };
}

function toolArguments(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`arguments are not valid JSON: ${errorText(error)}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError("arguments must be a JSON object, for example '{\"a\":1}'");
  }
  return Object.fromEntries(Object.entries(value));
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new UsageError(`server names may use letters, digits, "_", "-" and "." only: "${name}"`);
  }
}

function parseHeader(spec: string): [string, string] {
  const colon = spec.indexOf(":");
  if (colon <= 0) throw new UsageError(`--header expects "Name: value", got "${spec}"`);
  return [spec.slice(0, colon).trim(), spec.slice(colon + 1).trim()];
}

function parseEnv(spec: string): [string, string] {
  const eq = spec.indexOf("=");
  if (eq <= 0) throw new UsageError(`--env expects KEY=VALUE, got "${spec}"`);
  return [spec.slice(0, eq), spec.slice(eq + 1)];
}

const TRANSPORTS: Readonly<Record<string, "stdio" | "http" | "sse">> = {
  stdio: "stdio",
  http: "http",
  "streamable-http": "http",
  sse: "sse",
};

/**
 * `wren mcp add` in Claude Code's forms: `add [-t http] NAME URL`, `add NAME -- CMD ARGS`,
 * `add -t stdio NAME CMD ARGS` (arguments that start with "-" need the `--`).
 */
function parseAdd(argv: readonly string[], usage: string): McpCommand {
  let parsed: ReturnType<typeof parseCommandLine<typeof ADD_OPTIONS>>;
  try {
    parsed = parseCommandLine(argv, { options: ADD_OPTIONS, allowPositionals: true });
  } catch (error) {
    if (error instanceof ArgsError && error.kind === "unknown-option" && !argv.includes("--")) {
      throw new UsageError(
        `${error.message} (a stdio server's own options go after --: wren mcp add NAME -- CMD ARGS...)`,
      );
    }
    throw error;
  }
  const { values, positionals, tokens } = parsed;
  const terminator = tokens.findIndex((t) => t.kind === "option-terminator");
  const before =
    terminator < 0
      ? positionals
      : tokens.slice(0, terminator).flatMap((t) => (t.kind === "positional" ? [t.value] : []));
  const [name, target, ...rest] = before;
  const afterDash = terminator < 0 ? [] : positionals.slice(before.length);
  if (!name) throw new UsageError(usage);
  checkName(name);
  const transport =
    values.transport === undefined ? undefined : TRANSPORTS[values.transport.toLowerCase()];
  if (values.transport !== undefined && transport === undefined) {
    throw new UsageError(
      `--transport must be stdio, http, sse or streamable-http, not "${values.transport}"`,
    );
  }
  // Any scheme counts as a URL here, so `ftp://...` is refused rather than run as a command.
  const looksLikeUrl = target !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
  const stdio =
    transport === "stdio" ||
    (transport === undefined && !looksLikeUrl && (target !== undefined || afterDash.length > 0));
  let entry: RawMcpServer;
  if (!stdio) {
    if (target === undefined || rest.length > 0 || afterDash.length > 0) {
      throw new UsageError("a remote server takes one URL: wren mcp add [-t http|sse] NAME URL");
    }
    if (values.env) {
      throw new UsageError("--env applies to stdio servers (wren mcp add NAME -- CMD ARGS...)");
    }
    const headers = Object.fromEntries((values.header ?? []).map(parseHeader));
    entry = {
      type: transport ?? "http",
      url: target,
      ...(Object.keys(headers).length > 0 && { headers }),
    };
  } else {
    if (values.header) {
      throw new UsageError("--header applies to remote servers (wren mcp add NAME URL)");
    }
    const [cmd, ...args] = [...(target === undefined ? [] : [target]), ...rest, ...afterDash];
    if (cmd === undefined) {
      throw new UsageError("missing the command: wren mcp add NAME -- CMD ARGS...");
    }
    const env = Object.fromEntries((values.env ?? []).map(parseEnv));
    entry = { type: "stdio", command: cmd, args, ...(Object.keys(env).length > 0 && { env }) };
  }
  const scope = parseScope(values.scope);
  return { kind: "add", name, entry, ...(scope && { scope }), warnings: [] };
}

/** `wren mcp add-json NAME JSON`: an entry as it would appear under `mcpServers`. */
function parseAddJson(argv: readonly string[], usage: string): McpCommand {
  const { values, positionals } = parseCommandLine(argv, {
    options: SCOPE_OPTION,
    allowPositionals: true,
  });
  const [name, json, ...extra] = positionals;
  if (!name || json === undefined || extra.length > 0) throw new UsageError(usage);
  checkName(name);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`the server entry is not valid JSON: ${errorText(error)}`);
  }
  let checked: { data: RawMcpServer; warnings: string[] };
  try {
    checked = validateDocument(RawMcpServerSchema, value, "JSON");
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new UsageError(`invalid server: ${error.issues.map(formatIssue).join("; ")}`);
    }
    throw error;
  }
  const scope = parseScope(values.scope);
  return {
    kind: "add",
    name,
    entry: checked.data,
    ...(scope && { scope }),
    warnings: checked.warnings,
  };
}
