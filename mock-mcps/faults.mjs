// Flag parsing and fault switches shared by the mock MCP servers.
import { parseArgs } from "node:util";

/** Thrown for a bad command line; the servers print it and exit 2. */
export class UsageError extends Error {
  name = "UsageError";
}

/**
 * Reads options from argv with env-var fallbacks; a flag on the command line wins over its env var.
 * `spec` maps a flag name to `{ type: "boolean" | "integer" | "string", env?, default? }`;
 * the result is keyed by the camelCased flag name.
 */
export function readOptions(argv, env, spec) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: toParseArgsOptions(spec), strict: true }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const options = {};
  for (const [flag, { type, env: envName, default: fallback }] of Object.entries(spec)) {
    const raw = values[flag] ?? (envName ? env[envName] : undefined);
    options[camelCase(flag)] = raw === undefined ? fallback : convert(flag, type, raw);
  }
  return options;
}

function toParseArgsOptions(spec) {
  // parseArgs only knows strings and booleans; integers arrive as strings and are converted after.
  return Object.fromEntries(
    Object.entries(spec).map(([flag, { type }]) => [
      flag,
      { type: type === "boolean" ? "boolean" : "string" },
    ]),
  );
}

function convert(flag, type, raw) {
  if (type === "boolean") return raw === true || /^(1|true|yes|on)$/i.test(String(raw));
  if (type === "integer") {
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new UsageError(`--${flag} expects a non-negative integer, got "${raw}"`);
    }
    return value;
  }
  return String(raw);
}

function camelCase(flag) {
  return flag.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());
}

/**
 * Returns a request hook that exits the process with code 1 when the Nth `tools/call` arrives,
 * before the McpServer sees it, so the client observes a server dying mid-call.
 */
export function crashOnToolCall(limit, log) {
  let calls = 0;
  return (message) => {
    if (message.method !== "tools/call") return undefined;
    calls += 1;
    if (calls < limit) return undefined;
    log(`crashing on tools/call #${calls} (--crash-after ${limit})`);
    process.exit(1);
  };
}

/** Prints a usage error and exits 2, the way the servers report a bad command line. */
export function exitWithUsageError(error, usage) {
  process.stderr.write(`${error.message}\n${usage}\n`);
  process.exit(2);
}
