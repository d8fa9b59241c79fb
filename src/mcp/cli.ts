import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../config/errors.js";
import {
  loadConfig,
  parseJsonDocument,
  readTextIfExists,
  type WrenConfig,
} from "../config/load.js";
import { type McpServerConfig, normalizeServer, type RawMcpServer } from "../config/schema.js";
import { updateJsonFile } from "../config/write.js";
import type { WrenPaths } from "../utils/paths.js";
import { declineElicitations } from "./elicitation-store.js";
import { createMcpManager, type McpManager, type McpServerState } from "./manager.js";
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
  call NAME TOOL [JSON]            call one tool, print its result as JSON; exit 1 if isError
  add NAME URL [--transport http|sse] [--header "K: V"]... [--scope user|project]
  add NAME [--env K=V]... [--scope user|project] -- CMD [ARGS...]
  remove NAME [--scope user|project]
  auth NAME [--no-browser]         sign in (browser, or paste the callback URL); exit 0 once signed in
  logout NAME                      revoke (where supported) and forget the server's tokens

--scope user writes ~/.wren/settings.json (default); project writes ./.mcp.json.`;

class UsageError extends Error {
  override readonly name = "UsageError";
}

const SECRET_NAME = /token|secret|passw|pwd|key|auth|credential|cookie|session|private/i;

/** Replaces anything that may be a secret with `***`. */
function redactValue(name: string, value: string): string {
  // Long unbroken runs of letters and digits look like keys even under innocent names.
  return SECRET_NAME.test(name) || /[A-Za-z0-9_\-+/=]{32,}/.test(value) ? "***" : value;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    for (const [key, value] of parsed.searchParams) {
      parsed.searchParams.set(key, redactValue(key, value));
    }
    return parsed.toString().replace(/%2A%2A%2A/g, "***");
  } catch {
    return url;
  }
}

/** The resolved config of a server with secrets redacted: header values, secret-looking env, clientSecret. */
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
      args: server.args,
      env: Object.fromEntries(Object.entries(server.env).map(([k, v]) => [k, redactValue(k, v)])),
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
          },
  };
}

/** Plain-text table with aligned columns. */
export function formatTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): string {
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
    ...(status.state === "needs-auth" && { error: status.message }),
    auth: authLabel(state.config, status),
  };
}

interface Session {
  readonly io: McpCliIo;
  readonly config: WrenConfig;
}

function managerFor(session: Session, servers: readonly McpServerConfig[]): McpManager {
  const { io } = session;
  return createMcpManager({
    servers,
    paths: io.paths,
    connectTimeoutMs: io.connectTimeoutMs ?? 15_000,
    elicitation: declineElicitations((line) => io.stderr.write(`wren: ${line}\n`)),
  });
}

function findServer(session: Session, name: string | undefined): McpServerConfig {
  if (!name) throw new UsageError("missing server NAME");
  const server = session.config.servers.find((s) => s.name === name);
  if (!server) throw new UsageError(`no MCP server named "${name}"`);
  return server;
}

/** Connects one server (even if disabled in config: the user asked for it by name). */
async function withServer<T>(
  session: Session,
  server: McpServerConfig,
  use: (manager: McpManager) => Promise<T>,
): Promise<T> {
  const manager = managerFor(session, [{ ...server, enabled: true }]);
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
    if (json) io.stdout.write(`${JSON.stringify(states.map(serverJson), null, 2)}\n`);
    else io.stdout.write(`${formatTable(SERVER_TABLE_COLUMNS, serverTableRows(states))}\n`);
    return OK;
  } finally {
    await manager.close();
  }
}

async function get(session: Session, name: string | undefined, json: boolean): Promise<number> {
  const server = findServer(session, name);
  const redacted = redactServer(server);
  const state = server.enabled
    ? await withServer(session, server, async (manager) => {
        manager.start();
        await manager.whenSettled();
        return manager.getSnapshot()[0];
      })
    : undefined;
  const status = state ? describeStatus(state.status) : "disabled";
  const protocol = state?.protocolVersion;
  if (json) {
    const shown = { ...redacted, status, ...(protocol !== undefined && { protocol }) };
    session.io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
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
    stdout.write(`${JSON.stringify(definitions, null, 2)}\n`);
  } else if (definitions.length === 0) {
    stdout.write(`${server.name} has no tools\n`);
  } else {
    const rows = definitions.map((t) => [t.name, (t.description ?? "").split("\n")[0] ?? ""]);
    stdout.write(`${formatTable(["tool", "description"], rows)}\n`);
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

async function call(session: Session, positionals: readonly string[]): Promise<number> {
  const [name, tool, argsText, ...extra] = positionals;
  if (!tool || extra.length > 0) throw new UsageError("usage: wren mcp call NAME TOOL [JSON]");
  const server = findServer(session, name);
  const args = parseArguments(argsText);
  const result = await withServer(session, server, (manager) =>
    manager.callTool(server.name, tool, args),
  );
  session.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return result.isError ? FAILED : OK;
}

function scopeFile(paths: WrenPaths, scope: string | undefined): string {
  if (scope === undefined || scope === "user") return paths.userSettings;
  if (scope === "project") return paths.projectMcpJson;
  throw new UsageError(`--scope must be "user" or "project", not "${scope}"`);
}

/** The raw `mcpServers` of a file, without expanding variables (so one bad entry blocks nothing). */
async function rawServers(file: string): Promise<Record<string, unknown>> {
  const text = await readTextIfExists(file);
  if (text === undefined) return {};
  const document = parseJsonDocument(text, file);
  const servers =
    document !== null && typeof document === "object" && "mcpServers" in document
      ? document.mcpServers
      : undefined;
  return servers !== null && typeof servers === "object" ? { ...servers } : {};
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

const ADD_OPTIONS = {
  scope: { type: "string" },
  transport: { type: "string" },
  header: { type: "string", multiple: true },
  env: { type: "string", multiple: true },
} as const;

async function add(io: McpCliIo, argv: readonly string[]): Promise<number> {
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: ADD_OPTIONS,
    allowPositionals: true,
    strict: true,
    tokens: true,
  });
  const terminator = tokens.findIndex((t) => t.kind === "option-terminator");
  const before =
    terminator < 0
      ? positionals
      : tokens.slice(0, terminator).flatMap((t) => (t.kind === "positional" ? [t.value] : []));
  const command = terminator < 0 ? [] : positionals.slice(before.length);
  const [name, url, ...extra] = before;
  if (!name)
    throw new UsageError("usage: wren mcp add NAME URL | wren mcp add NAME -- CMD ARGS...");
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new UsageError(`server names may use letters, digits, "_", "-" and "." only: "${name}"`);
  }
  if (extra.length > 0 || (url !== undefined) === command.length > 0) {
    throw new UsageError("give either a URL or `-- CMD ARGS...`, not both or neither");
  }
  let entry: RawMcpServer;
  if (url !== undefined) {
    if (values.env) throw new UsageError("--env applies to stdio servers (`-- CMD ARGS...`)");
    const transport = values.transport ?? "http";
    if (transport !== "http" && transport !== "sse") {
      throw new UsageError(`--transport must be "http" or "sse", not "${transport}"`);
    }
    const headers = Object.fromEntries((values.header ?? []).map(parseHeader));
    entry = { type: transport, url, ...(Object.keys(headers).length > 0 && { headers }) };
  } else {
    if (values.header || values.transport) {
      throw new UsageError("--header and --transport apply to remote servers (NAME URL)");
    }
    const [cmd = "", ...args] = command;
    const env = Object.fromEntries((values.env ?? []).map(parseEnv));
    entry = {
      type: "stdio",
      command: cmd,
      args,
      ...(Object.keys(env).length > 0 && { env }),
    };
  }
  const file = scopeFile(io.paths, values.scope);
  const checked = normalizeServer(name, entry, file);
  if (!checked.ok) throw new UsageError(`invalid server: ${checked.issue.message}`);
  if (name in (await rawServers(file))) {
    throw new UsageError(`${name} already exists in ${file}; remove it first`);
  }
  await updateJsonFile(file, ["mcpServers", name], entry);
  const what = checked.server.type === "stdio" ? checked.server.command : checked.server.url;
  io.stdout.write(`Added ${name} (${checked.server.type} ${what}) to ${file}\n`);
  return OK;
}

async function remove(io: McpCliIo, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { scope: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError("usage: wren mcp remove NAME");
  const { paths } = io;
  const candidates =
    values.scope === undefined
      ? [paths.projectMcpJson, paths.projectSettings, paths.userSettings]
      : [scopeFile(paths, values.scope)];
  const defining: string[] = [];
  for (const file of candidates) {
    if (name in (await rawServers(file))) defining.push(file);
  }
  const [file, ...others] = defining;
  if (!file) throw new UsageError(`no MCP server named "${name}" in ${candidates.join(", ")}`);
  // The file that wins is the one to edit; a lower one would then take over, so say so.
  await updateJsonFile(file, ["mcpServers", name], undefined);
  io.stdout.write(`Removed ${name} from ${file}\n`);
  for (const other of others) io.stdout.write(`${name} is also defined in ${other}\n`);
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
    ...(extra !== undefined && { extraMcpConfig: extra }),
  });
  for (const warning of config.warnings) io.stderr.write(`wren: warning: ${warning}\n`);
  return run({ io, config });
}

const FLAG_OPTIONS = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

/** `wren mcp auth NAME [--no-browser]` / `wren mcp logout NAME`. */
async function signInOrOut(
  io: McpCliIo,
  sub: "auth" | "logout",
  argv: readonly string[],
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: sub === "auth" ? { "no-browser": { type: "boolean" } } : {},
    allowPositionals: true,
    strict: true,
  });
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) {
    throw new UsageError(`usage: wren mcp ${sub} NAME${sub === "auth" ? " [--no-browser]" : ""}`);
  }
  return withConfig(io, async (session) => {
    const server = findServer(session, name);
    const { runAuthCli, runLogoutCli } = await import("./oauth/cli.js");
    const authIo = {
      stdout: io.stdout,
      stderr: io.stderr,
      stdin: io.stdin ?? process.stdin,
      env: io.env,
      paths: io.paths,
      noBrowser: io.noBrowser === true || values["no-browser"] === true,
      ...(io.connectTimeoutMs !== undefined && { connectTimeoutMs: io.connectTimeoutMs }),
    };
    return sub === "auth" ? runAuthCli(server, authIo) : runLogoutCli(server, authIo);
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
  if (sub === "add") return add(io, rest);
  if (sub === "remove") return remove(io, rest);
  if (sub === "auth" || sub === "logout") return signInOrOut(io, sub, rest);
  const { values, positionals } = parseArgs({
    args: rest,
    options: FLAG_OPTIONS,
    allowPositionals: true,
    strict: true,
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
    case "call":
      return withConfig(io, (s) => call(s, positionals));
    default:
      throw new UsageError(`unknown command "mcp ${sub}"`);
  }
}

/**
 * Runs `wren mcp <argv...>` and returns the exit code: 0 ok, 1 the task failed (a server
 * could not be reached, a tool returned isError), 2 usage or configuration error.
 */
export async function runMcpCli(argv: readonly string[], io: McpCliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`wren: invalid configuration:\n${error.message}\n`);
      return USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(`wren: ${message}\n`);
      return USAGE;
    }
    io.stderr.write(`wren: ${message}\n`);
    return FAILED;
  }
}

/** node:util parseArgs errors carry an `ERR_PARSE_ARGS_*` code. */
function isParseArgsError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    "code" in error &&
    typeof error.code === "string" &&
    error.code.startsWith("ERR_PARSE_ARGS")
  );
}
