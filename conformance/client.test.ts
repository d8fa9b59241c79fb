import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { freePort, REPO_ROOT, startHttpMock, type TestServer } from "../src/mcp/test-support.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
});

function runAdapter(url: string, scenario: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "conformance/run-client.mjs"), url], {
      env: { ...process.env, MCP_CONFORMANCE_SCENARIO: scenario },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
  });
}

it("the adapter connects through wren's config and manager and exits 0", async () => {
  server = await startHttpMock();
  const { code, out } = await runAdapter(`http://127.0.0.1:${server.port}/mcp`, "initialize");
  expect(out).toContain("connected (11 tools)");
  expect(code).toBe(0);
});

it("exits 3, not 1, when wren does not connect: the runner's refusal scenarios need exactly that", async () => {
  const port = await freePort();
  const { code, out } = await runAdapter(`http://127.0.0.1:${port}/mcp`, "initialize");
  expect(out).toContain("not connected: failed");
  expect(code).toBe(3);
});

it("calls every tool; a tool's own error goes to the model and is no failure of wren", async () => {
  server = await startHttpMock();
  const { code, out } = await runAdapter(`http://127.0.0.1:${server.port}/mcp`, "tools");
  // The mock's `fail` tool answers isError and `protocol_error` a JSON-RPC error.
  expect(out).toContain("mcp__conformance__fail: the tool's error goes to the model");
  expect(out).toContain("mcp__conformance__protocol_error: the tool's error goes to the model");
  expect(code).toBe(0);
});
