#!/usr/bin/env node
// Mock MCP server over Streamable HTTP (/mcp) and legacy HTTP+SSE (/sse + /messages), with fault
// switches for testing the client. Prints "listening on <port>" on stdout. See README.md.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { crashOnToolCall, exitWithUsageError, readOptions, UsageError } from "./faults.mjs";
import { connectMockServer, createMockServer } from "./tools.mjs";

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

function sendJson(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function sendRpcError(res, status, code, message) {
  sendJson(res, status, { jsonrpc: "2.0", error: { code, message }, id: null });
}

/** Reads and parses a JSON request body; returns `{ ok: false }` when it is not valid JSON. */
async function readJsonBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

/**
 * Creates the HTTP server. Every MCP session (Streamable HTTP or SSE) gets its own McpServer and
 * transport, kept in `sessions` by session id until the transport closes.
 */
function createMockHttpServer(options) {
  const sessions = new Map();
  const requiredHeader = options.requireHeader ? parseRequiredHeader(options.requireHeader) : null;
  const onRequest =
    options.crashAfter === undefined ? undefined : crashOnToolCall(options.crashAfter, log);

  function newMcpServer() {
    return createMockServer({ name: "wren-mock-http", bigDefault: options.bigDefault, log });
  }

  async function handleStreamable(req, res) {
    let body;
    if (req.method === "POST") {
      const parsed = await readJsonBody(req);
      if (!parsed.ok) return sendRpcError(res, 400, -32700, "Parse error: body is not JSON");
      body = parsed.body;
    }
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const session = sessions.get(sessionId);
      if (!(session?.transport instanceof StreamableHTTPServerTransport)) {
        // 404 tells a spec-following client to start a new session.
        return sendRpcError(res, 404, -32001, "Session not found");
      }
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return sendRpcError(res, 400, -32000, "Bad Request: no valid session id provided");
    }
    const server = newMcpServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      // Plain JSON answers instead of an SSE stream per POST (servers do both).
      enableJsonResponse: options.jsonResponse,
      onsessioninitialized: (id) => {
        sessions.set(id, { server, transport });
        log(`streamable session ${id} opened`);
      },
      // A DELETE only calls this hook; the SDK leaves closing the session's server to us.
      onsessionclosed: (id) => {
        void server.close();
        log(`streamable session ${id} deleted`);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId && sessions.delete(transport.sessionId)) {
        log(`streamable session ${transport.sessionId} closed`);
      }
    };
    await connectMockServer(server, transport, { onRequest });
    return transport.handleRequest(req, res, body);
  }

  async function openSse(res) {
    const server = newMcpServer();
    const transport = new SSEServerTransport("/messages", res);
    sessions.set(transport.sessionId, { server, transport });
    transport.onclose = () => {
      if (sessions.delete(transport.sessionId)) log(`sse session ${transport.sessionId} closed`);
    };
    // connect() starts the transport, which sends the `endpoint` event naming /messages?sessionId=.
    await connectMockServer(server, transport, { onRequest });
    log(`sse session ${transport.sessionId} opened`);
  }

  async function postSseMessage(req, res, sessionId) {
    const session = sessionId ? sessions.get(sessionId) : undefined;
    if (!(session?.transport instanceof SSEServerTransport)) {
      return sendRpcError(res, 404, -32001, "Session not found");
    }
    const parsed = await readJsonBody(req);
    if (!parsed.ok) return sendRpcError(res, 400, -32700, "Parse error: body is not JSON");
    return session.transport.handlePostMessage(req, res, parsed.body);
  }

  async function route(req, res) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
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
    if (url.pathname === "/mcp") return handleStreamable(req, res);
    if (url.pathname === "/sse" && req.method === "GET") return openSse(res);
    if (url.pathname === "/messages" && req.method === "POST") {
      return postSseMessage(req, res, url.searchParams.get("sessionId"));
    }
    return sendJson(res, 404, {
      error: "not_found",
      error_description: `no route ${url.pathname}`,
    });
  }

  const httpServer = createServer((req, res) => {
    route(req, res).catch((error) => {
      log(
        `error handling ${req.method} ${req.url}: ${error instanceof Error ? error.stack : error}`,
      );
      if (!res.headersSent) sendRpcError(res, 500, -32603, "Internal server error");
    });
  });

  return {
    /** Starts listening on 127.0.0.1 and resolves with the bound port. */
    listen(port) {
      return new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, "127.0.0.1", () => resolve(httpServer.address().port));
      });
    },
    /** Closes every session's McpServer (and so its transport), then the HTTP server. */
    async close() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map(({ server }) => server.close()));
      const closed = new Promise((resolve) => httpServer.close(() => resolve()));
      // Hung POSTs and idle keep-alive sockets would otherwise hold close() open forever.
      httpServer.closeAllConnections();
      await closed;
    },
  };
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
  const port = await mock.listen(options.port);
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => {
      log(`${signal}: shutting down`);
      void mock.close().then(() => process.exit(0));
    });
  }
  process.stdout.write(`listening on ${port}\n`);
}

main().catch((error) => {
  log(`fatal: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
