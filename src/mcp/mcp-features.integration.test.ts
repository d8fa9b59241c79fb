// Prompts, roots, URL elicitation and instructions against the reference servers
// (@modelcontextprotocol/server-everything and server-filesystem) over stdio, through the
// manager as the REPL uses it.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runMcpCli } from "../cli.js";
import type { McpServerConfig } from "../config/schema.js";
import type { WrenPaths } from "../utils/paths.js";
import { serverLogFile } from "./connect.js";
import { createElicitationStore } from "./elicitation-store.js";
import { serverInstructionsSection } from "./instructions.js";
import { createMcpManager, type McpManager } from "./manager.js";
import {
  everythingStdioArgs,
  REPO_ROOT,
  stdioMock,
  tempPaths,
  useSharedManager,
} from "./test-support.js";
import { createUrlElicitationStore, type UrlElicitationStore } from "./url-elicitation-store.js";

const FILESYSTEM_BIN = join(
  REPO_ROOT,
  "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js",
);

let paths: WrenPaths;
let cleanup: () => Promise<void>;
let manager: McpManager | undefined;

beforeEach(async () => {
  ({ paths, cleanup } = await tempPaths());
});
afterEach(async () => {
  await manager?.close();
  manager = undefined;
  await cleanup();
});

const everything = (): McpServerConfig => ({
  ...stdioMock("everything"),
  args: everythingStdioArgs(),
});

async function connect(config: McpServerConfig): Promise<McpManager> {
  manager = createMcpManager({
    servers: [config],
    paths,
    elicitation: createElicitationStore().handler,
  });
  manager.start();
  await manager.whenSettled();
  expect(manager.getSnapshot()[0]?.status.state).toBe("connected");
  return manager;
}

/** One server-everything for a describe block (see {@link useSharedManager}). */
function sharedEverything(extra: { urls?: UrlElicitationStore } = {}): () => McpManager {
  return useSharedManager({
    servers: [everything()],
    elicitation: createElicitationStore().handler,
    ...(extra.urls && { urlElicitation: extra.urls.elicitor }),
  });
}

/** Resolves with the first pending URL request once one shows up. */
function nextUrl(store: UrlElicitationStore) {
  return new Promise<NonNullable<ReturnType<UrlElicitationStore["getSnapshot"]>[0]>>((resolve) => {
    const check = (): void => {
      const first = store.getSnapshot()[0];
      if (first) {
        unsubscribe();
        resolve(first);
      }
    };
    const unsubscribe = store.subscribe(check);
    check();
  });
}

describe("prompts (server-everything)", () => {
  const sharedManager = sharedEverything();

  it("lists prompts with their arguments, runs one with arguments and completes values", async () => {
    const m = sharedManager();
    await expect.poll(() => m.prompts().map((p) => p.name)).toContain("args-prompt");
    const args = m.prompts().find((p) => p.name === "args-prompt");
    expect(args?.arguments).toEqual([
      expect.objectContaining({ name: "city", required: true }),
      expect.objectContaining({ name: "state", required: false }),
    ]);
    const content = await m.getPrompt("everything", "args-prompt", { city: "Paris", state: "TX" });
    expect(content.messages).toEqual([{ role: "user", text: "What's weather in Paris, TX?" }]);

    const values = await m.completePrompt("everything", {
      prompt: "completable-prompt",
      argument: "department",
      value: "Ma",
    });
    expect(values).toEqual(["Marketing"]);
    // The first argument narrows the second.
    const names = await m.completePrompt("everything", {
      prompt: "completable-prompt",
      argument: "name",
      value: "",
      context: { department: "Sales" },
    });
    expect(names).toEqual(["David", "Eve", "Frank"]);
  }, 60_000);

  it("inlines an embedded text resource of a prompt", async () => {
    const m = sharedManager();
    await expect.poll(() => m.prompts().length).toBeGreaterThan(0);
    const content = await m.getPrompt("everything", "resource-prompt", {
      resourceType: "Text",
      resourceId: "1",
    });
    expect(content.messages).toHaveLength(2);
    expect(content.messages[1]?.text).toMatch(/^\[resource [^\]]+\]\n/);
  }, 60_000);

  it("shows the server's instructions in wren mcp get, text and JSON", async () => {
    await mkdir(paths.home, { recursive: true });
    await writeFile(
      paths.userSettings,
      JSON.stringify({
        mcpServers: { everything: { command: process.execPath, args: everythingStdioArgs() } },
      }),
    );
    const out: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: () => {} },
      env: {},
      cwd: paths.project,
      paths,
    };
    expect(await runMcpCli(["get", "everything"], io)).toBe(0);
    expect(out.join("")).toMatch(/\n {2}instructions:\n {4}\S/);
    out.length = 0;
    expect(await runMcpCli(["get", "everything", "--json"], io)).toBe(0);
    expect(JSON.parse(out.join("")).instructions).toEqual(expect.any(String));
  }, 60_000);

  it("gives the server's instructions to the system prompt section, labelled", async () => {
    const m = sharedManager();
    const section = serverInstructionsSection(m.getSnapshot());
    expect(section).toContain('<server-instructions server="everything">');
  }, 60_000);
});

describe("URL elicitation (server-everything)", () => {
  // What the fake browser was asked to open, per test; each test answers every request it causes.
  const opened: string[] = [];
  const urls = createUrlElicitationStore({
    open: async (url) => {
      opened.push(url);
      return { opened: true, command: "fake-browser" };
    },
  });
  const sharedManager = sharedEverything({ urls });
  beforeEach(() => {
    opened.length = 0;
    expect(urls.getSnapshot()).toEqual([]);
  });

  it("asks before opening; accepted, the server hears it and the URL went to the opener", async () => {
    const m = sharedManager();
    const tool = m.tools().find((t) => t.name === "mcp__everything__trigger-url-elicitation");
    if (!tool) throw new Error("URL elicitation tool not offered: capability not declared");
    const call = tool.execute(
      { url: "https://example.com/step?x=1" },
      { signal: new AbortController().signal },
    );
    const pending = await nextUrl(urls);
    expect(pending).toMatchObject({
      server: "everything",
      domain: "example.com",
      url: "https://example.com/step?x=1",
    });
    expect(opened).toEqual([]);
    urls.respond(pending.id, "open");
    const result = await call;
    expect(JSON.stringify(result)).toContain("User completed the URL elicitation flow");
    expect(opened).toEqual(["https://example.com/step?x=1"]);
  }, 60_000);

  it("declined, nothing opens and the server is told", async () => {
    const m = sharedManager();
    const tool = m.tools().find((t) => t.name === "mcp__everything__trigger-url-elicitation");
    const call = tool?.execute(
      { url: "https://example.com/x" },
      { signal: new AbortController().signal },
    );
    urls.respond((await nextUrl(urls)).id, "decline");
    expect(JSON.stringify(await call)).toContain("User declined");
    expect(opened).toEqual([]);
  }, 60_000);

  it("handles -32042 from a tool: asks, opens, waits for the user, then retries the call", async () => {
    const m = sharedManager();
    const tool = m.tools().find((t) => t.name === "mcp__everything__trigger-url-elicitation");
    const call = tool?.execute(
      { url: "https://example.com/final", errorPath: true },
      { signal: new AbortController().signal },
    );
    const prerequisite = await nextUrl(urls);
    expect(prerequisite.domain).toBe("modelcontextprotocol.io");
    urls.respond(prerequisite.id, "open");
    await expect.poll(() => urls.getSnapshot()[0]?.stage).toBe("waiting");
    urls.respond(prerequisite.id, "done");
    // The retried call goes the request path: one more question, for the original URL.
    await expect.poll(() => urls.getSnapshot()[0]?.url).toBe("https://example.com/final");
    urls.respond(urls.getSnapshot()[0]?.id ?? 0, "open");
    expect(JSON.stringify(await call)).toContain("User completed the URL elicitation flow");
    expect(opened).toEqual(["https://modelcontextprotocol.io", "https://example.com/final"]);
  }, 60_000);
});

describe("roots (server-filesystem)", () => {
  it("gives the server the project directory as its root, and announces added roots", async () => {
    // Started without directories, the filesystem server works only inside the client's roots.
    const m = await connect({ ...stdioMock("fs"), args: [FILESYSTEM_BIN] });
    const allowed = async (): Promise<string> => {
      const result = await m.callTool("fs", "list_allowed_directories", {});
      return JSON.stringify(result.content);
    };
    await expect.poll(allowed, { timeout: 20_000 }).toContain(paths.project);
    const extra = join(paths.project, "..", "extra");
    await mkdir(extra);
    const added = await m.roots.add(extra);
    await expect.poll(allowed, { timeout: 20_000 }).toContain(added);
    m.roots.remove(added);
    await expect.poll(allowed, { timeout: 20_000 }).not.toContain(added);
    const log = await readFile(serverLogFile(paths, "fs"), "utf8");
    expect(log).not.toContain("Client does not support MCP Roots");
  }, 60_000);
});
