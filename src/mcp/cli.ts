import { dirname, resolve } from "node:path";
import { ConfigError, formatIssue } from "../config/errors.js";
import {
  loadConfig,
  parseJsonDocument,
  readTextIfExists,
  validateDocument,
  type WrenConfig,
} from "../config/load.js";
import {
  type McpServerConfig,
  normalizeServer,
  type RawMcpServer,
  RawMcpServerSchema,
} from "../config/schema.js";
import { updateJsonFile } from "../config/write.js";
import type { ToolProgress } from "../tools/types.js";
import { ArgsError, parseCommandLine } from "../utils/args.js";
import type { WrenPaths } from "../utils/paths.js";
import { ensurePrivateDir } from "../utils/private-fs.js";
import { redactArgs, redactNamedValue } from "../utils/redact.js";
import { safeLine, safeWriter, terminalJson } from "../utils/terminal-text.js";
import { connectMcpServer } from "./connect.js";
import { declineElicitations } from "./elicitation-store.js";
import { McpConnectionError, McpNeedsAuthError } from "./errors.js";
import { createMcpManager, type McpManager } from "./manager.js";
import { McpAuthRequiredError } from "./oauth/errors.js";
import { createMcpOAuth, type McpOAuth } from "./oauth/mcp-oauth.js";
import { RESOURCE_TABLE_COLUMNS, resourceRows } from "./resource-text.js";
import type { McpServerState } from "./status.js";
import { authLabel, describeStatus, SERVER_TABLE_COLUMNS, serverTableRows } from "./status-text.js";

/** Where `wren mcp` writes and what it reads. */
export interface McpCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  /** The directory relative paths on the command line (`--mcp-config`) are resolved against. */
  readonly cwd: string;
  readonly paths: WrenPaths;
  /** `--mcp-config FILE` given before `mcp` on the command line. */
  readonly extraMcpConfig?: string;
  /** Handshake timeout for servers without their own `timeout` (ms). */
  readonly connectTimeoutMs?: number;
  /** Where `mcp auth` reads a pasted callback URL; process.stdin by default. */
  readonly stdin?: NodeJS.ReadableStream;
  /** `--no-browser` given before `mcp` on the command line. */
  readonly noBrowser?: boolean;
  /** The folder's project config may apply (see config/trust.ts); default false. */
  readonly trustProject?: boolean;
  /**
   * Whether someone at a terminal can sign in (stdin and stderr are TTYs): then `mcp call` runs
   * a step-up sign-in itself; otherwise it prints the command that does.
   */
  readonly interactive?: boolean;
}

/** Exit codes of the design page: 0 ok, 1 the task failed, 2 usage or configuration error. */
const OK = 0;
const FAILED = 1;
const USAGE = 2;

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
  auth NAME [--scope "A B"] [--no-browser]   sign in (browser, or paste the callback URL)
  logout NAME                      revoke (where supported) and forget the server's tokens

SCOPE: local (default: this project, kept in $WREN_HOME/local-mcp.json, not in the repo),
user ($WREN_HOME/settings.json) or project (./.mcp.json, shared through the repo).
wren mcp COMMAND --help shows one command's options.`;

const SCOPE_HELP =
  "  -s, --scope local|user|project   where to save it: local (default) is this project, kept in\n" +
  "                                   $WREN_HOME/local-mcp.json; user is $WREN_HOME/settings.json;\n" +
  "                                   project is ./.mcp.json (shared through the repo)";

/** `wren mcp COMMAND --help`. */
const COMMAND_USAGE: Readonly<Record<string, string>> = {
  list: "usage: wren mcp list [--json]\n\nConfigured servers with transport, status, tool count and auth.",
  get: "usage: wren mcp get NAME [--json]\n\nOne server's resolved config (secrets redacted) and its status.",
  tools:
    "usage: wren mcp tools NAME [--json]\n\nThe server's tools (after includeTools/excludeTools).",
  resources:
    "usage: wren mcp resources NAME [--json]\n\n" +
    "The server's resources and resource templates; mention one in the REPL as @NAME:URI.",
  call:
    "usage: wren mcp call NAME TOOL [JSON] [--timeout MS]\n\n" +
    "Calls one tool and prints its result as JSON; exits 1 if the result is an error.\n" +
    "  --timeout MS   give up after MS without a result; progress from the server restarts the wait\n" +
    "                 (a tool that runs as a task is cancelled when MS pass)\n" +
    "Progress and task status go to stderr while it runs.",
  add:
    "usage: wren mcp add [options] NAME URL\n" +
    "       wren mcp add [options] NAME -- CMD [ARGS...]\n\n" +
    "  -t, --transport stdio|http|sse|streamable-http   default: http for a URL, stdio for a command\n" +
    `${SCOPE_HELP}\n` +
    "  -e, --env KEY=VALUE              environment of a stdio server (repeatable)\n" +
    '  -H, --header "Name: value"       header of a remote server (repeatable)',
  "add-json":
    "usage: wren mcp add-json [-s SCOPE] NAME JSON\n\n" +
    `Adds a server from its JSON entry, e.g. '{"type":"http","url":"https://mcp.example.com/mcp"}'.\n${SCOPE_HELP}`,
  remove: `usage: wren mcp remove NAME [-s SCOPE]\n\nWithout --scope, removes it from the file it comes from.\n${SCOPE_HELP}`,
  auth:
    'usage: wren mcp auth NAME [--scope "A B"] [--no-browser]\n\n' +
    "Signs in (browser, or paste the callback URL); exits 0 once signed in.\n" +
    '  --scope "A B"   ask for these scopes too (with those already granted), e.g. after a tool\n' +
    "                  needed more access\n" +
    "  --no-browser    show the URL instead of opening a browser",
  logout:
    "usage: wren mcp logout NAME\n\nRevokes (where supported) and forgets the server's tokens.",
};

class UsageError extends Error {
  override readonly name = "UsageError";
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    for (const [key, value] of parsed.searchParams) {
      parsed.searchParams.set(key, redactNamedValue(key, value));
    }
    return parsed.toString().replace(/%2A%2A%2A/g, "***");
  } catch {
    return url;
  }
}

/**
 * The resolved config of a server with secrets redacted: header values, secret-looking env and
 * args (`--token=...`, `--api-key X`), clientSecret, idpClientSecret, privateKey, credentials
 * in the URL.
 */
export function redactServer(server: McpServerConfig): Record<string, unknown> {
  const common = {
    name: server.name,
    type: server.type,
    enabled: server.enabled,
    source: server.source,
    ...(server.timeout !== undefined && { timeout: server.timeout }),
    ...(server.includeTools && { includeTools: server.includeTools }),
    ...(server.excludeTools && { excludeTools: server.excludeTools }),
  };
  if (server.type === "stdio") {
    return {
      ...common,
      command: server.command,
      args: redactArgs(server.args),
      env: Object.fromEntries(
        Object.entries(server.env).map(([k, v]) => [k, redactNamedValue(k, v)]),
      ),
      ...(server.cwd !== undefined && { cwd: server.cwd }),
    };
  }
  return {
    ...common,
    url: redactUrl(server.url),
    headers: Object.fromEntries(Object.keys(server.headers).map((k) => [k, "***"])),
    oauth:
      server.oauth === false
        ? false
        : {
            ...server.oauth,
            ...(server.oauth.clientSecret !== undefined && { clientSecret: "***" }),
            // The identity provider's secret and an inline PEM key are secrets too.
            ...(server.oauth.idpClientSecret !== undefined && { idpClientSecret: "***" }),
            ...(server.oauth.privateKey !== undefined && { privateKey: "***" }),
          },
  };
}

/** Plain-text table with aligned columns; cells are foreign text, each kept on one line. */
export function formatTable(
  columns: readonly string[],
  foreignRows: readonly (readonly string[])[],
): string {
  const rows = foreignRows.map((row) => row.map(safeLine));
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map(line)].join("\n");
}

function serverJson(state: McpServerState): Record<string, unknown> {
  const { status } = state;
  return {
    name: state.name,
    transport: state.config.type,
    status: status.state,
    ...(status.state === "connected" && { tools: status.toolCount }),
    ...(status.state === "failed" && { error: status.reason }),
    // The status message is the REPL's (".mcp auth NAME"); here the command is the CLI's.
    ...(status.state === "needs-auth" && {
      error: `${state.name} needs sign-in: run wren mcp auth ${state.name}`,
    }),
    auth: authLabel(state.config, status),
  };
}

interface Session {
  readonly io: McpCliIo;
  readonly config: WrenConfig;
}

function managerFor(
  session: Session,
  servers: readonly McpServerConfig[],
  oauth?: McpOAuth,
): McpManager {
  const { io } = session;
  const { oauthStorage } = session.config;
  // Without the caller's OAuth (step-up at a terminal), stored tokens are used, no sign-in
  // asked; it is told where settings keep the secrets.
  const auth =
    oauth ??
    createMcpOAuth({
      paths: io.paths,
      ...(oauthStorage && { oauthStorage }),
      warn: (line) => io.stderr.write(`wren: warning: ${line}\n`),
    });
  return createMcpManager({
    servers,
    paths: io.paths,
    connect: auth.wrapConnect(connectMcpServer),
    connectTimeoutMs: io.connectTimeoutMs ?? 15_000,
    elicitation: declineElicitations((line) => io.stderr.write(`wren: ${line}\n`)),
  });
}

function findServer(session: Session, name: string | undefined): McpServerConfig {
  if (!name) throw new UsageError("missing server NAME");
  const server = session.config.servers.find((s) => s.name === name);
  if (!server) throw new UsageError(`no MCP server named "${name}"`);
  if (server.invalid !== undefined) {
    throw new ConfigError([{ file: server.source, path: [], message: server.invalid }]);
  }
  return server;
}

/** Connects one server (even if disabled in config: the user asked for it by name). */
async function withServer<T>(
  session: Session,
  server: McpServerConfig,
  use: (manager: McpManager) => Promise<T>,
  oauth?: McpOAuth,
): Promise<T> {
  const manager = managerFor(session, [{ ...server, enabled: true }], oauth);
  try {
    return await use(manager);
  } finally {
    await manager.close();
  }
}

async function list(session: Session, json: boolean): Promise<number> {
  const { io, config } = session;
  if (config.servers.length === 0) {
    if (json) io.stdout.write("[]\n");
    else io.stdout.write("No MCP servers configured. Add one with: wren mcp add NAME URL\n");
    return OK;
  }
  const manager = managerFor(session, config.servers);
  try {
    manager.start();
    await manager.whenSettled();
    const states = manager.getSnapshot();
    if (json) io.stdout.write(`${terminalJson(states.map(serverJson), 2)}\n`);
    else io.stdout.write(`${formatTable(SERVER_TABLE_COLUMNS, serverTableRows(states))}\n`);
    return OK;
  } finally {
    await manager.close();
  }
}

async function get(session: Session, name: string | undefined, json: boolean): Promise<number> {
  const server = session.config.servers.find((s) => s.name === name) ?? findServer(session, name);
  const redacted = redactServer(server);
  const state =
    server.enabled && server.invalid === undefined
      ? await withServer(session, server, async (manager) => {
          manager.start();
          await manager.whenSettled();
          return manager.getSnapshot()[0];
        })
      : undefined;
  const status =
    server.invalid !== undefined
      ? `failed: ${server.invalid}`
      : state
        ? describeStatus(state.status)
        : "disabled";
  const protocol = state?.protocolVersion;
  // What the server tells the model (its handshake `instructions`), so the user can read it.
  const instructions = state?.instructions;
  if (json) {
    const shown = {
      ...redacted,
      status,
      ...(protocol !== undefined && { protocol }),
      ...(instructions !== undefined && { instructions }),
    };
    session.io.stdout.write(`${terminalJson(shown, 2)}\n`);
    return OK;
  }
  const lines = [server.name];
  for (const [key, value] of Object.entries(redacted)) {
    if (key === "name") continue;
    const shown =
      value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
    lines.push(`  ${key}: ${shown}`);
  }
  lines.push(`  status: ${status}`);
  if (protocol !== undefined) lines.push(`  protocol: ${protocol}`);
  if (instructions?.trim()) {
    lines.push(`  instructions:\n${instructions.trim().replace(/^/gm, "    ")}`);
  }
  session.io.stdout.write(`${lines.join("\n")}\n`);
  return OK;
}

async function tools(session: Session, name: string | undefined, json: boolean): Promise<number> {
  const server = findServer(session, name);
  const definitions = await withServer(session, server, (manager) =>
    manager.listTools(server.name),
  );
  const { stdout } = session.io;
  if (json) {
    stdout.write(`${terminalJson(definitions, 2)}\n`);
  } else if (definitions.length === 0) {
    stdout.write(`${server.name} has no tools\n`);
  } else {
    const rows = definitions.map((t) => [t.name, (t.description ?? "").split("\n")[0] ?? ""]);
    stdout.write(`${formatTable(["tool", "description"], rows)}\n`);
  }
  return OK;
}

async function resources(
  session: Session,
  name: string | undefined,
  json: boolean,
): Promise<number> {
  const server = findServer(session, name);
  const listed = await withServer(session, server, async (manager) => {
    const api = (await manager.connection(server.name)).resources;
    return api?.capabilities.resources ? api.list() : undefined;
  });
  const { stdout } = session.io;
  if (json) {
    stdout.write(`${terminalJson(listed ?? { resources: [], templates: [] }, 2)}\n`);
  } else if (!listed) {
    stdout.write(`${server.name} does not offer resources\n`);
  } else if (listed.resources.length + listed.templates.length === 0) {
    stdout.write(`${server.name} has no resources\n`);
  } else {
    stdout.write(`${formatTable(RESOURCE_TABLE_COLUMNS, resourceRows(listed))}\n`);
  }
  return OK;
}

function parseArguments(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`arguments are not valid JSON: ${reason}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError("arguments must be a JSON object, for example '{\"a\":1}'");
  }
  return Object.fromEntries(Object.entries(value));
}

async function call(session: Session, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    options: { timeout: { type: "string" } },
    allowPositionals: true,
  });
  const [name, tool, argsText, ...extra] = positionals;
  if (!tool || extra.length > 0) throw new UsageError(COMMAND_USAGE.call ?? "");
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new UsageError(
      `--timeout expects a positive number of milliseconds, not "${values.timeout}"`,
    );
  }
  const server = findServer(session, name);
  const args = parseArguments(argsText);
  const { io } = session;
  // At a terminal, a tool that needs more scope runs the step-up sign-in right here (on
  // stderr: stdout carries the result).
  let oauth: McpOAuth | undefined;
  if (io.interactive && server.type !== "stdio") {
    const { oauthFor } = await import("./oauth/cli.js");
    oauth = oauthFor(
      {
        stdout: io.stderr,
        stderr: io.stderr,
        stdin: io.stdin ?? process.stdin,
        env: io.env,
        paths: io.paths,
        ...(io.noBrowser && { noBrowser: true }),
        ...(session.config.oauthStorage && { oauthStorage: session.config.oauthStorage }),
      },
      true,
    );
  }
  let result: Awaited<ReturnType<McpManager["callTool"]>>;
  try {
    result = await withServer(
      session,
      server,
      (manager) =>
        manager.callTool(server.name, tool, args, {
          ...(timeoutMs !== undefined && { timeoutMs }),
          // Progress means the tool is working: it restarts the timeout. Shown on stderr,
          // since stdout carries the result.
          onProgress: (p) =>
            void io.stderr.write(`wren: ${server.name}/${tool}: ${progressText(p)}\n`),
        }),
      oauth,
    );
  } catch (error) {
    const stepUp = stepUpOf(error);
    if (!stepUp) throw error;
    const missing = stepUp.missing ?? stepUp.scope;
    throw new CliFailure(
      `${server.name}: the tool ${tool} needs more access than this sign-in granted (scope "${missing}"). Sign in again with it:\n  wren mcp auth ${server.name} --scope "${stepUp.scope}"`,
    );
  }
  session.io.stdout.write(`${terminalJson(result, 2)}\n`);
  return result.isError ? FAILED : OK;
}

/** One progress report as a line: `3/10 copying` (server text made safe for the terminal). */
export function progressText(progress: ToolProgress): string {
  const count =
    progress.progress === undefined
      ? ""
      : progress.total === undefined
        ? `${progress.progress}`
        : `${progress.progress}/${progress.total}`;
  const message = progress.message === undefined ? "" : safeLine(progress.message);
  return [count, message].filter((part) => part !== "").join(" ") || "working";
}

/** The step-up a failed call needed (a 403 `insufficient_scope` nobody could sign in for). */
function stepUpOf(error: unknown): McpAuthRequiredError["stepUp"] {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current instanceof McpAuthRequiredError) return current.stepUp;
    current = current.cause;
  }
  return undefined;
}

/** A failure already worded for the CLI: printed as is, exit 1. */
class CliFailure extends Error {
  override readonly name = "CliFailure";
}

/** Where a scope keeps its servers: a file and the JSON path of its `mcpServers` object. */
interface ScopeTarget {
  readonly file: string;
  readonly at: readonly string[];
  readonly label: string;
}

function scopeTarget(paths: WrenPaths, scope: string | undefined): ScopeTarget {
  if (scope === undefined || scope === "local") {
    return {
      file: paths.localMcpServers,
      at: ["projects", paths.project, "mcpServers"],
      label: `local scope (${paths.project}) in ${paths.localMcpServers}`,
    };
  }
  if (scope === "user")
    return { file: paths.userSettings, at: ["mcpServers"], label: paths.userSettings };
  if (scope === "project") {
    return { file: paths.projectMcpJson, at: ["mcpServers"], label: paths.projectMcpJson };
  }
  throw new UsageError(`--scope must be local, user or project, not "${scope}"`);
}

/** The raw servers of a scope, without expanding variables (so one bad entry blocks nothing). */
async function rawServers(target: ScopeTarget): Promise<Record<string, unknown>> {
  const text = await readTextIfExists(target.file);
  if (text === undefined) return {};
  let node: unknown = parseJsonDocument(text, target.file);
  for (const key of target.at) {
    node =
      node !== null && typeof node === "object"
        ? new Map(Object.entries(node)).get(key)
        : undefined;
  }
  return node !== null && typeof node === "object" ? { ...node } : {};
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

const SCOPE_OPTION = { scope: { type: "string", short: "s" } } as const;

const ADD_OPTIONS = {
  ...SCOPE_OPTION,
  transport: { type: "string", short: "t" },
  header: { type: "string", multiple: true, short: "H" },
  env: { type: "string", multiple: true, short: "e" },
} as const;

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
async function add(io: McpCliIo, argv: readonly string[]): Promise<number> {
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
  if (!name) throw new UsageError(COMMAND_USAGE.add ?? "");
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
    if (values.env)
      throw new UsageError("--env applies to stdio servers (wren mcp add NAME -- CMD ARGS...)");
    const headers = Object.fromEntries((values.header ?? []).map(parseHeader));
    entry = {
      type: transport ?? "http",
      url: target,
      ...(Object.keys(headers).length > 0 && { headers }),
    };
  } else {
    if (values.header)
      throw new UsageError("--header applies to remote servers (wren mcp add NAME URL)");
    const command = [...(target === undefined ? [] : [target]), ...rest, ...afterDash];
    const [cmd, ...args] = command;
    if (cmd === undefined)
      throw new UsageError("missing the command: wren mcp add NAME -- CMD ARGS...");
    const env = Object.fromEntries((values.env ?? []).map(parseEnv));
    entry = { type: "stdio", command: cmd, args, ...(Object.keys(env).length > 0 && { env }) };
  }
  return save(io, name, entry, values.scope);
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new UsageError(`server names may use letters, digits, "_", "-" and "." only: "${name}"`);
  }
}

/** `wren mcp add-json NAME JSON`: an entry as it would appear under `mcpServers`. */
async function addJson(io: McpCliIo, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    options: SCOPE_OPTION,
    allowPositionals: true,
  });
  const [name, json, ...extra] = positionals;
  if (!name || json === undefined || extra.length > 0) {
    throw new UsageError(COMMAND_USAGE["add-json"] ?? "");
  }
  checkName(name);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new UsageError(
      `the server entry is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
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
  for (const warning of checked.warnings) io.stderr.write(`wren: warning: ${warning}\n`);
  return save(io, name, checked.data, values.scope);
}

/** Validates an entry and writes it into the scope's file. */
async function save(
  io: McpCliIo,
  name: string,
  entry: RawMcpServer,
  scope: string | undefined,
): Promise<number> {
  const target = scopeTarget(io.paths, scope);
  const checked = normalizeServer(name, entry, target.file);
  if (!checked.ok) throw new UsageError(`invalid server: ${checked.issue.message}`);
  if (name in (await rawServers(target))) {
    throw new UsageError(`${name} already exists in ${target.label}; remove it first`);
  }
  // User and local scope can hold header values and client secrets: WREN_HOME is private, so
  // their files are. (A prefix test would also match a sibling such as `~/.wren-old`.)
  if (dirname(target.file) === io.paths.home) await ensurePrivateDir(io.paths.home);
  await updateJsonFile(target.file, [...target.at, name], entry);
  const what = checked.server.type === "stdio" ? checked.server.command : checked.server.url;
  io.stdout.write(`Added ${name} (${checked.server.type} ${what}) to ${target.label}\n`);
  return OK;
}

async function remove(io: McpCliIo, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    options: SCOPE_OPTION,
    allowPositionals: true,
  });
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError(COMMAND_USAGE.remove ?? "");
  const { paths } = io;
  const candidates =
    values.scope === undefined
      ? [
          scopeTarget(paths, "local"),
          scopeTarget(paths, "project"),
          { file: paths.projectSettings, at: ["mcpServers"], label: paths.projectSettings },
          scopeTarget(paths, "user"),
        ]
      : [scopeTarget(paths, values.scope)];
  const defining: ScopeTarget[] = [];
  for (const target of candidates) {
    if (name in (await rawServers(target))) defining.push(target);
  }
  const [target, ...others] = defining;
  if (!target) {
    throw new UsageError(
      `no MCP server named "${name}" in ${candidates.map((c) => c.label).join(", ")}`,
    );
  }
  // The file that wins is the one to edit; a lower one would then take over, so say so.
  await updateJsonFile(target.file, [...target.at, name], undefined);
  io.stdout.write(`Removed ${name} from ${target.label}\n`);
  for (const other of others) io.stdout.write(`${name} is also defined in ${other.label}\n`);
  return OK;
}

async function withConfig(
  io: McpCliIo,
  run: (session: Session) => Promise<number>,
): Promise<number> {
  const extra = io.extraMcpConfig === undefined ? undefined : resolve(io.cwd, io.extraMcpConfig);
  const config = await loadConfig({
    paths: io.paths,
    env: io.env,
    trustProject: io.trustProject === true,
    ...(extra !== undefined && { extraMcpConfig: extra }),
  });
  for (const warning of config.warnings) io.stderr.write(`wren: warning: ${warning}\n`);
  return run({ io, config });
}

const FLAG_OPTIONS = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

const AUTH_OPTIONS = {
  "no-browser": { type: "boolean" },
  scope: { type: "string" },
} as const;

/** `wren mcp auth NAME [--scope "A B"] [--no-browser]` / `wren mcp logout NAME`. */
async function signInOrOut(
  io: McpCliIo,
  sub: "auth" | "logout",
  argv: readonly string[],
): Promise<number> {
  const { values, positionals } =
    sub === "auth"
      ? parseCommandLine(argv, { options: AUTH_OPTIONS, allowPositionals: true })
      : { ...parseCommandLine(argv, { options: {}, allowPositionals: true }), values: {} };
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError(COMMAND_USAGE[sub] ?? "");
  const scope = "scope" in values ? values.scope?.trim() : undefined;
  if (scope === "")
    throw new UsageError('--scope needs the scopes to ask for, e.g. --scope "repo read:org"');
  return withConfig(io, async (session) => {
    const server = findServer(session, name);
    const { runAuthCli, runLogoutCli } = await import("./oauth/cli.js");
    const authIo = {
      stdout: io.stdout,
      stderr: io.stderr,
      stdin: io.stdin ?? process.stdin,
      env: io.env,
      paths: io.paths,
      noBrowser: io.noBrowser === true || ("no-browser" in values && values["no-browser"] === true),
      ...(io.connectTimeoutMs !== undefined && { connectTimeoutMs: io.connectTimeoutMs }),
      ...(session.config.oauthStorage && { oauthStorage: session.config.oauthStorage }),
    };
    return sub === "auth"
      ? runAuthCli(server, authIo, scope === undefined ? {} : { scope })
      : runLogoutCli(server, authIo);
  });
}

async function dispatch(argv: readonly string[], io: McpCliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    io.stderr.write(`${MCP_CLI_USAGE}\n`);
    return USAGE;
  }
  if (sub === "help" || sub === "--help" || sub === "-h") {
    io.stdout.write(`${MCP_CLI_USAGE}\n`);
    return OK;
  }
  const usage = COMMAND_USAGE[sub];
  if (usage === undefined)
    throw new UsageError(`unknown command "mcp ${sub}" (wren mcp --help lists them)`);
  if (rest.includes("--help") || rest.includes("-h")) {
    // Not when they are a stdio server's own arguments, after `--`.
    const dash = rest.indexOf("--");
    const help = rest.findIndex((a) => a === "--help" || a === "-h");
    if (dash < 0 || help < dash) {
      io.stdout.write(`${usage}\n`);
      return OK;
    }
  }
  if (sub === "add") return add(io, rest);
  if (sub === "add-json") return addJson(io, rest);
  if (sub === "remove") return remove(io, rest);
  if (sub === "auth" || sub === "logout") return signInOrOut(io, sub, rest);
  if (sub === "call") return withConfig(io, (s) => call(s, rest));
  const { values, positionals } = parseCommandLine(rest, {
    options: FLAG_OPTIONS,
    allowPositionals: true,
  });
  const json = values.json === true;
  switch (sub) {
    case "list":
      if (positionals.length > 0) throw new UsageError("usage: wren mcp list [--json]");
      return withConfig(io, (s) => list(s, json));
    case "get":
      return withConfig(io, (s) => get(s, positionals[0], json));
    case "tools":
      return withConfig(io, (s) => tools(s, positionals[0], json));
    case "resources":
      return withConfig(io, (s) => resources(s, positionals[0], json));
    default:
      throw new UsageError(`unknown command "mcp ${sub}"`);
  }
}

/**
 * Runs `wren mcp <argv...>` and returns the exit code: 0 ok, 1 the task failed (a server
 * could not be reached, a tool returned isError), 2 usage or configuration error.
 */
export async function runMcpCli(argv: readonly string[], foreignIo: McpCliIo): Promise<number> {
  // Server names, tool names and descriptions, results and error texts come from config and
  // servers: everything written passes the terminal-text sanitizer (JSON is written with
  // terminalJson, which it leaves unchanged).
  const io: McpCliIo = {
    ...foreignIo,
    stdout: safeWriter(foreignIo.stdout),
    stderr: safeWriter(foreignIo.stderr),
  };
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`wren: invalid configuration:\n${error.message}\n`);
      return USAGE;
    }
    if (error instanceof UsageError || error instanceof ArgsError) {
      io.stderr.write(`wren: ${error.message}\n`);
      return USAGE;
    }
    io.stderr.write(`wren: ${cliMessage(error)}\n`);
    return FAILED;
  }
}

/** An error as the CLI words it: `wren mcp ...` commands, never the REPL's `.mcp ...`; the server named. */
function cliMessage(error: unknown): string {
  if (error instanceof McpNeedsAuthError) {
    return `${error.server} needs sign-in: run wren mcp auth ${error.server}`;
  }
  if (error instanceof McpConnectionError) return `${error.server}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
