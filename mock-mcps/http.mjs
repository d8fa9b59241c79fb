#!/usr/bin/env node
// Mock MCP server over Streamable HTTP (/mcp) and legacy HTTP+SSE (/sse + /messages), with fault
// switches for testing the client. Prints "listening on <port>" on stdout. See README.md.
import { crashOnToolCall, exitWithUsageError, readOptions, UsageError } from "./faults.mjs";
import { createMcpHost, sendJson, serveHttp } from "./http-host.mjs";
import { createMockServer } from "./tools.mjs";

const USAGE =
  "usage: node mock-mcps/http.mjs [--port N] [--crash-after N] [--hang]" +
  " [--require-header NAME=VALUE] [--big-default BYTES] [--json-response]";

const OPTION_SPEC = {
  port: { type: "integer", default: 0 },
  "crash-after": { type: "integer", env: "MOCK_CRASH_AFTER" },
  hang: { type: "boolean", env: "MOCK_HANG", default: false },
  "require-header": { type: "string" },
  "big-default": { type: "integer", env: "MOCK_BIG_DEFAULT", default: 200_000 },
  "json-response": { type: "boolean", env: "MOCK_JSON_RESPONSE", default: false },
};

function log(line) {
  process.stderr.write(`mock-http: ${line}\n`);
}

/** Parses `NAME=VALUE` into a lower-cased header name (as node:http reports them) and a value. */
function parseRequiredHeader(spec) {
  const separator = spec.indexOf("=");
  if (separator <= 0) throw new UsageError(`--require-header expects NAME=VALUE, got "${spec}"`);
  return { name: spec.slice(0, separator).trim().toLowerCase(), value: spec.slice(separator + 1) };
}

/**
 * The mock's request handler: the fault switches first, then MCP over both transports, where
 * every session (Streamable HTTP or SSE) gets its own McpServer.
 */
function createMockHttpServer(options) {
  const requiredHeader = options.requireHeader ? parseRequiredHeader(options.requireHeader) : null;
  const host = createMcpHost({
    newServer: () =>
      createMockServer({ name: "wren-mock-http", bigDefault: options.bigDefault, log }),
    log,
    onRequest:
      options.crashAfter === undefined ? undefined : crashOnToolCall(options.crashAfter, log),
    jsonResponse: options.jsonResponse,
  });

  async function route(req, res, url) {
    if (requiredHeader && req.headers[requiredHeader.name] !== requiredHeader.value) {
      return sendJson(res, 401, {
        error: "unauthorized",
        error_description: `missing or wrong ${requiredHeader.name} header`,
      });
    }
    if (options.hang && req.method === "POST") {
      // Read the body so the client finishes sending, then never answer.
      req.resume();
      log(`hanging on POST ${url.pathname} (--hang)`);
      return;
    }
    if (await host.serve(req, res, url)) return;
    sendJson(res, 404, { error: "not_found", error_description: `no route ${url.pathname}` });
  }

  return { route, close: host.close };
}

async function main() {
  let options;
  try {
    options = readOptions(process.argv.slice(2), process.env, OPTION_SPEC);
    if (options.requireHeader) parseRequiredHeader(options.requireHeader);
  } catch (error) {
    if (error instanceof UsageError) exitWithUsageError(error, USAGE);
    throw error;
  }
  const mock = createMockHttpServer(options);
  await serveHttp({ port: options.port, log, route: mock.route, close: mock.close });
}

main().catch((error) => {
  log(`fatal: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
