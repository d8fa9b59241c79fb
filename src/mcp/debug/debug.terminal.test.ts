// `.mcp debug NAME` in the REPL, as a person would use it: the trace of a stdio server that
// connects and of an OAuth server nobody signed in to. Drives the built binary.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { Keys, useTerminals } from "../../test-utils/pty.js";
import { type OAuthMock, startOAuthMock } from "../oauth/test-support.js";
import { STDIO_MOCK } from "../test-support.js";

const terminals = useTerminals();
let mock: OAuthMock;

beforeAll(async () => {
  mock = await startOAuthMock();
});

afterAll(async () => {
  await mock.close();
});

describe(".mcp debug NAME", () => {
  it("prints the step-by-step trace in the transcript, and the REPL's sign-in command", async () => {
    const project = await mkdtemp(join(tmpdir(), "wren-mcp-debug-repl-"));
    onTestFinished(() => rm(project, { recursive: true, force: true }));
    await writeFile(
      join(project, ".mcp.json"),
      JSON.stringify({
        mcpServers: {
          local: { command: process.execPath, args: [STDIO_MOCK] },
          demo: { url: mock.url },
        },
      }),
    );
    const wren = await terminals.startWren({
      cwd: project,
      cols: 160,
      env: { WREN_TRUST_PROJECT: "1" },
    });
    await wren.waitFor("Ask anything", { timeout: 45_000 });
    await wren.waitFor(/MCP: .*local ✓/, { timeout: 45_000 });
    // The trace is taller than the screen: wait for its last line, then read the whole output.
    await wren.type(".mcp debug local");
    wren.press(Keys.enter);
    await wren.waitFor("result: connected", { timeout: 45_000 });
    expect(wren.fullText()).toContain("[skip] OAuth: a stdio server");
    await wren.type(".mcp debug demo");
    wren.press(Keys.enter);
    await wren.waitFor("result: failed at connection: needs sign-in: run .mcp auth demo", {
      timeout: 45_000,
    });
    expect(wren.fullText()).toContain("protected resource metadata (RFC 9728)");
    expect(wren.fullText()).toContain("stored tokens: not signed in");
    await wren.type(".exit");
    wren.press(Keys.enter);
    expect((await wren.waitForExit({ timeout: 10_000 })).exitCode).toBe(0);
  }, 120_000);
});
