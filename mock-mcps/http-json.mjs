// node:http basics every HTTP mock shares (http-host.mjs, oidc-as.mjs, model-server.mjs):
// JSON answers, request bodies, listening on loopback. No dependencies, so the model server
// still loads no MCP SDK.

/** Sends a JSON body; never cached, since OAuth answers carry tokens. */
export function sendJson(res, status, body, headers = {}) {
  res
    .writeHead(status, {
      "content-type": "application/json",
      "cache-control": "no-store",
      ...headers,
    })
    .end(JSON.stringify(body));
}

/** Reads a request body as UTF-8 text. */
export async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Listens on 127.0.0.1:`port` (0: any free port); resolves with the port bound. */
export function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server.address().port));
  });
}
