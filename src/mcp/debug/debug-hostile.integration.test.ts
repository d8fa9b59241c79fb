// `wren mcp debug NAME` against a hostile server whose texts carry escape sequences and
// secrets: none reaches the output raw.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOAuthStorage } from "../oauth/storage.js";
import { useDebugHomes } from "./test-support.js";

const { home, debug } = useDebugHomes();

describe("wren mcp debug against a hostile server", () => {
  const ESC = "\u001b";
  const HEADER_SECRET = "hdr-secret-value-0123456789";
  const STORED_TOKEN = "stored-access-token-0123456789";
  const STORED_REFRESH = "stored-refresh-token-0123456789";
  let server: Server;
  let base = "";

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? "";
      if (url.startsWith("/.well-known/oauth-protected-resource")) {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ resource: `${base}/mcp`, authorization_servers: [base] }));
        return;
      }
      if (url.startsWith("/.well-known/oauth-authorization-server")) {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            issuer: base,
            authorization_endpoint: `${base}/authorize${ESC}]52;c;cHdu${ESC}\\`,
            token_endpoint: `${base}/token${ESC}[2J`,
            registration_endpoint: `${base}/register?access_token=leaked-in-metadata-0123456789`,
            response_types_supported: ["code"],
            code_challenge_methods_supported: [`S256${ESC}]0;owned${ESC}\\`],
          }),
        );
        return;
      }
      // The MCP endpoint fails, echoing what it was sent: the header, the stored token.
      res.statusCode = 500;
      res.setHeader("content-type", "text/plain");
      res.end(
        `${ESC}[31mboom${ESC}[0m ${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\ ` +
          `authorization=${req.headers.authorization ?? ""} x-api-key=${req.headers["x-api-key"] ?? ""} ` +
          "id=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlX2hlcmU",
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("escape sequences never reach the output raw; no secret value does either", async () => {
    const paths = await home("hostile", {
      evil: { url: `${base}/mcp`, headers: { "X-Api-Key": HEADER_SECRET } },
    });
    const storage = createOAuthStorage({
      dir: paths.mcpOAuthDir,
      serverName: "evil",
      serverUrl: `${base}/mcp`,
    });
    await storage.update((state) => ({
      ...state,
      issuer: base,
      tokens: {
        access_token: STORED_TOKEN,
        token_type: "Bearer",
        refresh_token: STORED_REFRESH,
        expires_at: Date.now() + 3_600_000,
      },
    }));
    const text = await debug(paths, ["evil"]);
    const json = await debug(paths, ["evil", "--json"]);
    expect(text.code).toBe(1);
    expect(json.code).toBe(1);
    // The server's own words are there, inert.
    expect(text.out).toContain("␛[31mboom");
    expect(text.out).toMatch(
      /result: failed at connection: HTTP 500.*; the server said: ␛\[31mboom/,
    );
    for (const output of [text.out, text.err, json.out, json.err]) {
      expect(output).not.toContain(ESC);
      for (const secret of [HEADER_SECRET, STORED_TOKEN, STORED_REFRESH]) {
        expect(output).not.toContain(secret);
      }
      expect(output).not.toContain("leaked-in-metadata-0123456789");
      expect(output).not.toContain("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0");
    }
    const trace = JSON.parse(json.out);
    expect(trace.result).toBe("failed");
    // The stored file still holds the token: debug did not drop or print it.
    expect((await storage.read()).tokens?.access_token).toBe(STORED_TOKEN);
  });
});
