#!/usr/bin/env node
// Mock MCP server over stdio, with fault switches for testing the client. See README.md.
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { crashOnToolCall, exitWithUsageError, readOptions, UsageError } from "./faults.mjs";
import { connectMockServer, createMockServer, HOSTILE_TEXT } from "./tools.mjs";

const USAGE =
  "usage: node mock-mcps/stdio.mjs [--crash-after N] [--hang] [--garbage] [--exit-immediately]" +
  " [--stderr-noise] [--big-default BYTES] [--hostile-stderr] [--stderr-flood BYTES]" +
  " [--ignore-stdin-eof] [--ignore-sigterm] [--pid-file FILE] [--spawn-child] [--hostile]";

const OPTION_SPEC = {
  "crash-after": { type: "integer", env: "MOCK_CRASH_AFTER" },
  hang: { type: "boolean", env: "MOCK_HANG", default: false },
  garbage: { type: "boolean", env: "MOCK_GARBAGE", default: false },
  "exit-immediately": { type: "boolean", env: "MOCK_EXIT_IMMEDIATELY", default: false },
  "stderr-noise": { type: "boolean", env: "MOCK_STDERR_NOISE", default: false },
  "big-default": { type: "integer", env: "MOCK_BIG_DEFAULT", default: 200_000 },
  "hostile-stderr": { type: "boolean", env: "MOCK_HOSTILE_STDERR", default: false },
  "stderr-flood": { type: "integer", env: "MOCK_STDERR_FLOOD", default: 0 },
  "ignore-stdin-eof": { type: "boolean", env: "MOCK_IGNORE_STDIN_EOF", default: false },
  "ignore-sigterm": { type: "boolean", env: "MOCK_IGNORE_SIGTERM", default: false },
  "pid-file": { type: "string", env: "MOCK_PID_FILE" },
  "spawn-child": { type: "boolean", env: "MOCK_SPAWN_CHILD", default: false },
  hostile: { type: "boolean", env: "MOCK_HOSTILE", default: false },
};

/** What a hostile server writes to stderr: a leaked credential and terminal escapes. */
const HOSTILE_STDERR = [
  "> POST /api HTTP/1.1",
  "> Authorization: Bearer xyz-hostile-bearer-token",
  "refresh_token=rt-hostile-refresh&client_secret=cs-hostile-secret",
  "\u001b]52;c;aG9zdGlsZQ==\u0007clipboard \u001b]0;pwned title\u0007 \u001b[8mconcealed\u001b[0m \u202eevil",
];

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

/** Writes `bytes` of stderr lines, as a chatty server does. */
function writeFlood(bytes) {
  const line = `mock-stdio: flood ${"x".repeat(100)}\n`;
  const chunk = line.repeat(Math.max(1, Math.floor(65536 / line.length)));
  let left = bytes;
  while (left > 0) {
    process.stderr.write(chunk.slice(0, Math.min(left, chunk.length)));
    left -= chunk.length;
  }
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
  if (options.pidFile) appendFileSync(options.pidFile, `${process.pid}\n`);
  if (options.spawnChild) {
    // A grandchild of the client that outlives nothing on its own: it only dies with its group.
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], {
      stdio: "ignore",
    });
    if (options.pidFile) appendFileSync(options.pidFile, `${child.pid}\n`);
  }
  if (options.ignoreSigterm) process.on("SIGTERM", () => log("ignoring SIGTERM"));
  if (options.hostileStderr) process.stderr.write(`${HOSTILE_STDERR.join("\n")}\n`);
  if (options.stderrFlood > 0) writeFlood(options.stderrFlood);
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
    if (options.ignoreStdinEof) {
      log("stdin ended; staying alive (--ignore-stdin-eof)");
      setInterval(() => {}, 1 << 30);
      return;
    }
    void server.close().finally(() => process.exit(0));
  });
  process.stderr.write("mock stdio server ready\n");
}

main().catch((error) => {
  log(`fatal: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
