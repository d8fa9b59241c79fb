#!/usr/bin/env node
// Mock MCP server over stdio, with fault switches for testing the client. See README.md.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { crashOnToolCall, exitWithUsageError, readOptions, UsageError } from "./faults.mjs";
import { connectMockServer, createMockServer, HOSTILE_TEXT } from "./tools.mjs";

const USAGE =
  "usage: node mock-mcps/stdio.mjs [--crash-after N] [--hang] [--garbage] [--exit-immediately]" +
  " [--stderr-noise] [--big-default BYTES] [--hostile]";

const OPTION_SPEC = {
  "crash-after": { type: "integer", env: "MOCK_CRASH_AFTER" },
  hang: { type: "boolean", env: "MOCK_HANG", default: false },
  garbage: { type: "boolean", env: "MOCK_GARBAGE", default: false },
  "exit-immediately": { type: "boolean", env: "MOCK_EXIT_IMMEDIATELY", default: false },
  "stderr-noise": { type: "boolean", env: "MOCK_STDERR_NOISE", default: false },
  "big-default": { type: "integer", env: "MOCK_BIG_DEFAULT", default: 200_000 },
  hostile: { type: "boolean", env: "MOCK_HOSTILE", default: false },
};

/** Lines that are not JSON-RPC messages: plain text, and JSON that is not a JSON-RPC message. */
const GARBAGE_LINES = ["mock garbage: this line is not JSON", '{"mock":"garbage, valid JSON"}'];

function log(line) {
  process.stderr.write(`mock-stdio: ${line}\n`);
}

function writeGarbage() {
  process.stdout.write(`${GARBAGE_LINES.join("\n")}\n`);
}

/** Makes every outgoing message be preceded by garbage lines on stdout. */
function interleaveGarbage(transport) {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    writeGarbage();
    return send(message, options);
  };
}

function writeNoise() {
  log("INFO loading configuration from nowhere");
  log("WARN this is noise from --stderr-noise");
  log("ERROR not a real error, just noise");
}

/** Builds the request hook for --hang, --crash-after and --stderr-noise. */
function requestHook(options) {
  const crash =
    options.crashAfter === undefined ? undefined : crashOnToolCall(options.crashAfter, log);
  return (message) => {
    if (options.stderrNoise) log(`noise: received ${message.method}`);
    if (options.hang && message.method === "initialize") {
      log("ignoring initialize (--hang)");
      return "drop";
    }
    return crash?.(message);
  };
}

async function main() {
  let options;
  try {
    options = readOptions(process.argv.slice(2), process.env, OPTION_SPEC);
  } catch (error) {
    if (error instanceof UsageError) exitWithUsageError(error, USAGE);
    throw error;
  }
  if (options.exitImmediately) {
    log("exiting immediately with code 3 (--exit-immediately)");
    process.exit(3);
  }
  if (options.stderrNoise) writeNoise();
  if (options.garbage) writeGarbage();

  const server = createMockServer({
    name: "wren-mock-stdio",
    bigDefault: options.bigDefault,
    log,
    hostile: options.hostile,
  });
  const transport = new StdioServerTransport();
  if (options.garbage) interleaveGarbage(transport);
  await connectMockServer(server, transport, {
    onRequest: requestHook(options),
    ...(options.hostile && { protocolErrorMessage: HOSTILE_TEXT }),
  });
  // The client closing our stdin means it is done with us; exit promptly instead of idling.
  process.stdin.once("end", () => {
    void server.close().finally(() => process.exit(0));
  });
  process.stderr.write("mock stdio server ready\n");
}

main().catch((error) => {
  log(`fatal: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
