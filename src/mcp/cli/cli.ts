import { resolve } from "node:path";
import { ConfigError } from "../../config/errors.js";
import { loadConfig, type WrenConfig } from "../../config/load.js";
import { addMcpServer, removeMcpServer } from "../../config/mcp-servers-edit.js";
import { redactServer } from "../../config/redact-server.js";
import type { McpServerConfig } from "../../config/schema.js";
import { type CommandOutcome, TaskFailedError, UsageError } from "../../utils/errors.js";
import type { WrenPaths } from "../../utils/paths.js";
import { terminalJson } from "../../utils/terminal-text.js";
import { connectMcpServer } from "../connect.js";
import { declineElicitations } from "../elicitation-store.js";
import { McpConnectionError, McpNeedsAuthError } from "../errors.js";
import { createMcpManager, type McpManager } from "../manager.js";
import { McpAuthRequiredError } from "../oauth/errors.js";
import { createMcpOAuth, type McpOAuth } from "../oauth/mcp-oauth.js";
import { RESOURCE_TABLE_COLUMNS, resourceRows } from "../resource-text.js";
import { describeStatus, SERVER_TABLE_COLUMNS, serverTableRows } from "../status-text.js";
import type { McpCommand } from "./cli-args.js";
import { formatTable, progressText, serverDetailsText, serverJson } from "./cli-format.js";

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

/** A command of `wren mcp` that does something (help is printed by the CLI edge). */
export type McpTask = Exclude<McpCommand, { kind: "help" }>;

type Handler<K extends McpTask["kind"]> = (
  command: Extract<McpTask, { kind: K }>,
  io: McpCliIo,
) => Promise<CommandOutcome>;

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

function findServer(session: Session, name: string): McpServerConfig {
  const server = session.config.servers.find((s) => s.name === name);
  if (!server) throw new UsageError(`no MCP server named "${name}"`);
  if (server.invalid !== undefined) {
    throw new ConfigError([{ file: server.source, path: [], message: server.invalid }]);
  }
  return server;
}

async function withConfig(
  io: McpCliIo,
  run: (session: Session) => Promise<CommandOutcome>,
): Promise<CommandOutcome> {
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

const list: Handler<"list"> = ({ json }, io) =>
  withConfig(io, async (session) => {
    const { config } = session;
    if (config.servers.length === 0) {
      if (json) io.stdout.write("[]\n");
      else io.stdout.write("No MCP servers configured. Add one with: wren mcp add NAME URL\n");
      return "ok";
    }
    const manager = managerFor(session, config.servers);
    try {
      manager.start();
      await manager.whenSettled();
      const states = manager.getSnapshot();
      if (json) io.stdout.write(`${terminalJson(states.map(serverJson), 2)}\n`);
      else io.stdout.write(`${formatTable(SERVER_TABLE_COLUMNS, serverTableRows(states))}\n`);
      return "ok";
    } finally {
      await manager.close();
    }
  });

const get: Handler<"get"> = ({ name, json }, io) =>
  withConfig(io, async (session) => {
    // A server with an invalid entry is shown (with its error) rather than refused.
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
    const details = {
      status,
      ...(protocol !== undefined && { protocol }),
      ...(instructions !== undefined && { instructions }),
    };
    if (json) io.stdout.write(`${terminalJson({ ...redacted, ...details }, 2)}\n`);
    else io.stdout.write(`${serverDetailsText(server.name, redacted, details)}\n`);
    return "ok";
  });

const tools: Handler<"tools"> = ({ name, json }, io) =>
  withConfig(io, async (session) => {
    const server = findServer(session, name);
    const definitions = await withServer(session, server, (manager) =>
      manager.listTools(server.name),
    );
    if (json) {
      io.stdout.write(`${terminalJson(definitions, 2)}\n`);
    } else if (definitions.length === 0) {
      io.stdout.write(`${server.name} has no tools\n`);
    } else {
      const rows = definitions.map((t) => [t.name, (t.description ?? "").split("\n")[0] ?? ""]);
      io.stdout.write(`${formatTable(["tool", "description"], rows)}\n`);
    }
    return "ok";
  });

const resources: Handler<"resources"> = ({ name, json }, io) =>
  withConfig(io, async (session) => {
    const server = findServer(session, name);
    const listed = await withServer(session, server, async (manager) => {
      const api = (await manager.connection(server.name)).resources;
      return api?.capabilities.resources ? api.list() : undefined;
    });
    if (json) {
      io.stdout.write(`${terminalJson(listed ?? { resources: [], templates: [] }, 2)}\n`);
    } else if (!listed) {
      io.stdout.write(`${server.name} does not offer resources\n`);
    } else if (listed.resources.length + listed.templates.length === 0) {
      io.stdout.write(`${server.name} has no resources\n`);
    } else {
      io.stdout.write(`${formatTable(RESOURCE_TABLE_COLUMNS, resourceRows(listed))}\n`);
    }
    return "ok";
  });

const call: Handler<"call"> = ({ name, tool, args, timeoutMs }, io) =>
  withConfig(io, async (session) => {
    const server = findServer(session, name);
    // At a terminal, a tool that needs more scope runs the step-up sign-in right here (on
    // stderr: stdout carries the result).
    let oauth: McpOAuth | undefined;
    if (io.interactive && server.type !== "stdio") {
      const { oauthFor } = await import("../oauth/cli.js");
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
      throw new TaskFailedError(
        `${server.name}: the tool ${tool} needs more access than this sign-in granted (scope "${missing}"). Sign in again with it:\n  wren mcp auth ${server.name} --scope "${stepUp.scope}"`,
      );
    }
    io.stdout.write(`${terminalJson(result, 2)}\n`);
    return result.isError ? "failed" : "ok";
  });

/** The step-up a failed call needed (a 403 `insufficient_scope` nobody could sign in for). */
function stepUpOf(error: unknown): McpAuthRequiredError["stepUp"] {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current instanceof McpAuthRequiredError) return current.stepUp;
    current = current.cause;
  }
  return undefined;
}

const add: Handler<"add"> = async ({ name, entry, scope, warnings }, io) => {
  for (const warning of warnings) io.stderr.write(`wren: warning: ${warning}\n`);
  const added = await addMcpServer(io.paths, name, entry, scope);
  const { server } = added;
  const what = server.type === "stdio" ? server.command : server.url;
  io.stdout.write(`Added ${name} (${server.type} ${what}) to ${added.label}\n`);
  return "ok";
};

const remove: Handler<"remove"> = async ({ name, scope }, io) => {
  const removed = await removeMcpServer(io.paths, name, scope);
  io.stdout.write(`Removed ${name} from ${removed.label}\n`);
  for (const other of removed.alsoIn) io.stdout.write(`${name} is also defined in ${other}\n`);
  return "ok";
};

/** What `wren mcp auth` / `logout` pass to the sign-in code in oauth/cli.ts. */
function authIo(session: Session, noBrowser: boolean): import("../oauth/cli.js").AuthCliIo {
  const { io, config } = session;
  return {
    stdout: io.stdout,
    stderr: io.stderr,
    stdin: io.stdin ?? process.stdin,
    env: io.env,
    paths: io.paths,
    noBrowser: io.noBrowser === true || noBrowser,
    ...(io.connectTimeoutMs !== undefined && { connectTimeoutMs: io.connectTimeoutMs }),
    ...(config.oauthStorage && { oauthStorage: config.oauthStorage }),
  };
}

/** `wren mcp auth NAME [--scope "A B"] [--no-browser]`. */
const auth: Handler<"auth"> = (command, io) => {
  return withConfig(io, async (session) => {
    const server = findServer(session, command.name);
    const { runAuthCli } = await import("../oauth/cli.js");
    const scope = command.scope;
    await runAuthCli(server, authIo(session, command.noBrowser), {
      ...(scope !== undefined && { scope }),
      ...(command.device && { device: true }),
    });
    return "ok";
  });
};

/** `wren mcp logout NAME`. */
const logout: Handler<"logout"> = ({ name }, io) =>
  withConfig(io, async (session) => {
    const server = findServer(session, name);
    const { runLogoutCli } = await import("../oauth/cli.js");
    await runLogoutCli(server, authIo(session, false));
    return "ok";
  });

/** `wren mcp debug NAME [--json]`: discovery and a connection attempt, step by step. */
const debug: Handler<"debug"> = ({ name, json }, io) =>
  withConfig(io, async (session) => {
    const server = findServer(session, name);
    const { runDebugCli } = await import("../debug/debug.js");
    const { oauthStorage } = session.config;
    const code = await runDebugCli(server, { ...io, ...(oauthStorage && { oauthStorage }) }, json);
    return code === 0 ? "ok" : "failed";
  });

/**
 * Carries out one `wren mcp` command. Failures are thrown as typed errors (UsageError,
 * ConfigError, TaskFailedError — MCP errors reworded for the CLI); `src/cli.tsx` turns them and
 * the outcome into text and an exit code.
 */
export async function runMcpCommand(command: McpTask, io: McpCliIo): Promise<CommandOutcome> {
  try {
    return await dispatch(command, io);
  } catch (error) {
    throw cliFailure(error);
  }
}

/** One handler per command; a command the parser knows but nobody built yet says so (exit 2). */
function dispatch(command: McpTask, io: McpCliIo): Promise<CommandOutcome> {
  switch (command.kind) {
    case "list":
      return list(command, io);
    case "get":
      return get(command, io);
    case "tools":
      return tools(command, io);
    case "resources":
      return resources(command, io);
    case "call":
      return call(command, io);
    case "add":
      return add(command, io);
    case "remove":
      return remove(command, io);
    case "auth":
      return auth(command, io);
    case "logout":
      return logout(command, io);
    case "debug":
      return debug(command, io);
  }
}

/** An MCP error as the CLI words it: `wren mcp ...` commands, never the REPL's `.mcp ...`. */
function cliFailure(error: unknown): unknown {
  if (error instanceof McpNeedsAuthError) {
    return new TaskFailedError(`${error.server} needs sign-in: run wren mcp auth ${error.server}`, {
      cause: error,
    });
  }
  if (error instanceof McpConnectionError) {
    return new TaskFailedError(`${error.server}: ${error.message}`, { cause: error });
  }
  return error;
}
