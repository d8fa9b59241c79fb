// The hosting the HTTP mocks share: MCP over Streamable HTTP (/mcp) and the legacy HTTP+SSE
// transport (GET /sse + POST /messages), one McpServer per session, and the process around an
// HTTP server (listen on 127.0.0.1, print "listening on <port>", shut down on SIGTERM/SIGINT).
// http.mjs and http-oauth.mjs host MCP through createMcpHost; all three HTTP mocks serve
// through serveHttp.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { listen, readBody, sendJson } from "./http-json.mjs";
import { connectMockServer } from "./tools.mjs";

export { readBody, sendJson } from "./http-json.mjs";

/** Sends a JSON-RPC error that answers no particular request. */
export function sendRpcError(res, status, code, message) {
  sendJson(res, status, { jsonrpc: "2.0", error: { code, message }, id: null });
}

/** Reads a JSON-RPC POST body; answers a parse error itself and returns undefined. */
async function readRpcBody(req, res) {
  try {
    return JSON.parse(await readBody(req));
  } catch {
    sendRpcError(res, 400, -32700, "Parse error: body is not JSON");
    return undefined;
  }
}

/**
 * MCP over both HTTP transports. Every session gets its own McpServer from `newServer()`, kept
 * by session id until its transport closes. `admit(req, res, body, resourcePath)` runs before
 * each MCP request is served (resourcePath `/mcp` or `/sse`); when it returns false it has
 * answered the request itself (http-oauth.mjs's Bearer check). `onRequest` intercepts
 * JSON-RPC requests (see connectMockServer); `jsonResponse` answers POSTs with plain JSON
 * instead of an SSE stream.
 */
export function createMcpHost({
  newServer,
  log,
  admit = () => true,
  onRequest,
  jsonResponse = false,
}) {
  const sessions = new Map();

  async function handleStreamable(req, res) {
    let body;
    if (req.method === "POST") {
      body = await readRpcBody(req, res);
      if (body === undefined) return;
    }
    if (!admit(req, res, body, "/mcp")) return;
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
    const server = newServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      // Plain JSON answers instead of an SSE stream per POST (servers do both).
      enableJsonResponse: jsonResponse,
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

  /** GET /sse: the legacy transport's event stream, one McpServer per stream. */
  async function openSse(req, res) {
    if (!admit(req, res, undefined, "/sse")) return;
    const server = newServer();
    const transport = new SSEServerTransport("/messages", res);
    sessions.set(transport.sessionId, { server, transport });
    transport.onclose = () => {
      if (sessions.delete(transport.sessionId)) log(`sse session ${transport.sessionId} closed`);
    };
    // connect() starts the transport, which sends the `endpoint` event naming /messages?sessionId=.
    await connectMockServer(server, transport, { onRequest });
    log(`sse session ${transport.sessionId} opened`);
  }

  /** POST /messages?sessionId=: a message for an SSE stream, behind the same admission. */
  async function postSseMessage(req, res, sessionId) {
    const body = await readRpcBody(req, res);
    if (body === undefined || !admit(req, res, body, "/sse")) return;
    const session = sessionId ? sessions.get(sessionId) : undefined;
    if (!(session?.transport instanceof SSEServerTransport)) {
      return sendRpcError(res, 404, -32001, "Session not found");
    }
    return session.transport.handlePostMessage(req, res, body);
  }

  return {
    /** Serves `req` and resolves true when `url` is an MCP endpoint; false leaves it to the caller. */
    async serve(req, res, url) {
      if (url.pathname === "/mcp") await handleStreamable(req, res);
      else if (url.pathname === "/sse" && req.method === "GET") await openSse(req, res);
      else if (url.pathname === "/messages" && req.method === "POST") {
        await postSseMessage(req, res, url.searchParams.get("sessionId"));
      } else return false;
      return true;
    },
    /** Closes every session's McpServer (and so its transport). */
    async close() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map(({ server }) => server.close()));
    },
  };
}

/**
 * Runs an HTTP mock as a process: listens on 127.0.0.1:`port` with `route(req, res, url)` as
 * the handler, calls `onListening(port)`, prints "listening on <port>", and on SIGTERM/SIGINT
 * runs `close()`, closes the server (hung requests too) and exits 0.
 */
export async function serveHttp({
  port,
  log,
  route,
  onListening = () => {},
  close = async () => {},
}) {
  const httpServer = createServer((req, res) => {
    route(req, res, new URL(req.url ?? "/", "http://127.0.0.1")).catch((error) => {
      log(
        `error handling ${req.method} ${req.url}: ${error instanceof Error ? error.stack : error}`,
      );
      if (!res.headersSent) sendRpcError(res, 500, -32603, "Internal server error");
      else res.destroy();
    });
  });
  const bound = await listen(httpServer, port);
  onListening(bound);
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => {
      log(`${signal}: shutting down`);
      void shutdown().then(() => process.exit(0));
    });
  }
  async function shutdown() {
    await close();
    const closed = new Promise((resolve) => httpServer.close(() => resolve()));
    // Hung POSTs and idle keep-alive sockets would otherwise hold close() open forever.
    httpServer.closeAllConnections();
    await closed;
  }
  process.stdout.write(`listening on ${bound}\n`);
}
