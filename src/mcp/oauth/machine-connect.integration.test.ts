// The jwt_bearer grant through wren's real OAuth wiring (createMcpOAuth → SDK transport →
// auth()) against a small authorization server on port 0 that refuses the workload's JWT.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RemoteServerConfig } from "../../config/schema.js";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { connectMcpServer } from "../connect.js";
import { McpConnectionError } from "../errors.js";
import { createMcpOAuth } from "./mcp-oauth.js";

const JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.d29ya2xvYWQtc2lnbmF0dXJl";
let dir: string;
let paths: WrenPaths;
let server: Server;
let base: string;
const tokenRequests: URLSearchParams[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-machine-it-"));
  paths = resolvePaths({ WREN_HOME: join(dir, "home") }, dir);
  await writeFile(join(dir, "workload.jwt"), JWT);
  tokenRequests.length = 0;
  server = createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    const url = req.url ?? "/";
    if (url.startsWith("/.well-known/oauth-protected-resource")) {
      return send(200, { resource: `${base}/mcp`, authorization_servers: [base] });
    }
    if (url === "/.well-known/oauth-authorization-server") {
      return send(200, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        response_types_supported: ["code"],
        grant_types_supported: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
        token_endpoint_auth_methods_supported: ["none"],
      });
    }
    if (url === "/token") {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => {
        tokenRequests.push(new URLSearchParams(body));
        send(400, { error: "invalid_grant", error_description: "JWT assertion is expired" });
      });
      return;
    }
    send(
      401,
      { error: "unauthorized" },
      {
        "www-authenticate": `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("jwt_bearer through wren's OAuth", () => {
  it("surfaces a refused workload token in one line, without retrying or another grant", async () => {
    const config: RemoteServerConfig = {
      name: "build",
      type: "http",
      url: `${base}/mcp`,
      headers: {},
      oauth: {
        grantType: "jwt_bearer",
        clientId: "ci-runner",
        issuer: base,
        assertionFile: "workload.jwt",
      },
      enabled: true,
      source: join(dir, "settings.json"),
    };
    const oauth = createMcpOAuth({ paths, env: {} });
    const error = await oauth
      .wrapConnect(connectMcpServer)({ server: config, paths, connectTimeoutMs: 10_000 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(McpConnectionError);
    expect((error as McpConnectionError).kind).toBe("auth");
    expect((error as Error).message).toBe(
      "workload identity token refused (invalid_grant: JWT assertion is expired)",
    );
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(tokenRequests[0]?.get("assertion")).toBe(JWT);
  });
});
