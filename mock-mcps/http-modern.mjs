#!/usr/bin/env node
// Mock MCP server of revision 2026-07-28 over Streamable HTTP (/mcp), built on the v2 server
// SDK's createMcpHandler. By default it serves 2026-07-28 only, as servers that dropped the
// initialize handshake do; --legacy-too also answers 2025-era clients (stateless).
// Prints "listening on <port>" on stdout. See README.md.
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import * as z from "zod/v4";
import { exitWithUsageError, readOptions } from "./faults.mjs";
import { serveHttp } from "./http-host.mjs";

const USAGE = "usage: node mock-mcps/http-modern.mjs [--port N] [--legacy-too]";

const OPTION_SPEC = {
  port: { type: "integer", default: 0 },
  "legacy-too": { type: "boolean", default: false },
};

function createModernServer(request) {
  const server = new McpServer({ name: "mock-modern", version: "1.0.0" });
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
  return server;
}

/** node:http request -> web Request -> handler -> node:http response, streaming the body. */
function toNode(handler) {
  return async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
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
  const handler = createMcpHandler((ctx) => createModernServer(ctx.requestInfo), {
    legacy: options.legacyToo ? "stateless" : "reject",
  });
  const serve = toNode(handler);
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
