#!/usr/bin/env node
// Mock MCP server of revision 2026-07-28 over Streamable HTTP (/mcp), built on the v2 server
// SDK's createMcpHandler. By default it serves 2026-07-28 only, as servers that dropped the
// initialize handshake do; --legacy-too also answers 2025-era clients (stateless).
// A resource that changes (`mock://counter`, bumped by the `bump` tool) exercises the 2026 way
// of watching it: `subscriptions/listen`. Prints "listening on <port>" on stdout. See README.md.
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import * as z from "zod/v4";
import { exitWithUsageError, readOptions } from "./faults.mjs";
import { serveHttp } from "./http-host.mjs";

const USAGE = "usage: node mock-mcps/http-modern.mjs [--port N] [--legacy-too]";

const OPTION_SPEC = {
  port: { type: "integer", default: 0 },
  "legacy-too": { type: "boolean", default: false },
};

/** The changing resource; what `bump` changes and announces. */
const COUNTER_URI = "mock://counter";

/**
 * State shared by the per-request server instances: the counter, the notes `bump` adds, and
 * which URIs an open `subscriptions/listen` stream has asked for.
 */
function createState() {
  const state = { count: 0, notes: [], watched: new Set(), waiters: [] };
  state.noteListen = (uris) => {
    for (const uri of uris) state.watched.add(uri);
    for (const waiter of state.waiters.splice(0)) waiter();
  };
  /** Resolves once a listen stream watches `uri` (or after 10 s, so a bump never hangs). */
  state.watching = (uri) =>
    new Promise((resolve) => {
      const check = () => {
        if (state.watched.has(uri)) resolve(true);
        else state.waiters.push(check);
      };
      setTimeout(() => resolve(false), 10_000).unref();
      check();
    });
  return state;
}

function registerCounter(server, state, notify) {
  server.registerResource(
    "counter",
    COUNTER_URI,
    { description: "A count that bump increases", mimeType: "text/plain" },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: "text/plain", text: `count is ${state.count}` }],
    }),
  );
  for (const note of state.notes) {
    server.registerResource(
      `note-${note}`,
      `mock://notes/${note}`,
      { mimeType: "text/plain" },
      async (uri) => ({
        contents: [{ uri: uri.href, mimeType: "text/plain", text: `note ${note}` }],
      }),
    );
  }
  server.registerTool(
    "bump",
    {
      description:
        "Increases mock://counter, adds a note resource, and announces both on the listen streams (after one watches the counter)",
      inputSchema: z.object({}),
    },
    async () => {
      const watched = await state.watching(COUNTER_URI);
      state.count++;
      state.notes.push(state.count);
      notify().resourceUpdated(COUNTER_URI);
      notify().resourcesChanged();
      return {
        content: [
          {
            type: "text",
            text: `count is ${state.count}${watched ? "" : " (nobody was watching)"}`,
          },
        ],
      };
    },
  );
}

function createModernServer(request, state, notify) {
  const server = new McpServer(
    { name: "mock-modern", version: "1.0.0" },
    { capabilities: { resources: { subscribe: true, listChanged: true } } },
  );
  server.registerTool(
    "echo",
    { description: "Returns its text argument", inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: "text", text }] }),
  );
  server.registerTool(
    "add",
    {
      description: "Adds two numbers",
      inputSchema: z.object({ a: z.number(), b: z.number() }),
    },
    async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
  );
  // SEP-2243: the client mirrors `region` into an Mcp-Param-Region header, base64 when unsafe.
  server.registerTool(
    "where",
    {
      description: "Returns the Mcp-Param-Region header as it arrived (SEP-2243)",
      inputSchema: z.object({ region: z.string().meta({ "x-mcp-header": "Region" }) }),
    },
    async () => ({
      content: [{ type: "text", text: request?.headers.get("mcp-param-region") ?? "(none)" }],
    }),
  );
  registerCounter(server, state, notify);
  return server;
}

/** The resource URIs a `subscriptions/listen` request body asks for. */
function listenedUris(body) {
  try {
    const message = JSON.parse(body.toString("utf8"));
    if (message?.method !== "subscriptions/listen") return [];
    const uris = message.params?.notifications?.resourceSubscriptions;
    return Array.isArray(uris) ? uris : [];
  } catch {
    return [];
  }
}

/** node:http request -> web Request -> handler -> node:http response, streaming the body. */
function toNode(handler, onListen) {
  return async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const listened = listenedUris(body);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      ...(body.length > 0 && { body }),
    });
    const response = await handler.fetch(request);
    // The handler has registered the stream by the time it answers: a change now reaches it.
    if (listened.length > 0) onListen(listened);
    const out = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    res.writeHead(response.status, out);
    if (response.body) for await (const chunk of response.body) res.write(chunk);
    res.end();
  };
}

function log(line) {
  process.stderr.write(`mock-modern: ${line}\n`);
}

async function main() {
  const options = readOptions(process.argv.slice(2), process.env, OPTION_SPEC);
  const state = createState();
  const handler = createMcpHandler(
    (ctx) => createModernServer(ctx.requestInfo, state, () => handler.notify),
    { legacy: options.legacyToo ? "stateless" : "reject" },
  );
  const serve = toNode(handler, state.noteListen);
  await serveHttp({
    port: options.port,
    log,
    route: async (req, res, url) => {
      if (url.pathname === "/mcp") return serve(req, res);
      res.writeHead(404).end();
    },
    close: () => handler.close(),
  });
}

main().catch((error) => exitWithUsageError(error, USAGE));
