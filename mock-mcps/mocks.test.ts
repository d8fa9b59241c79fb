// Over 400 lines: every mock transport, checked through one set of client helpers against the README.
// Drives the mock MCP servers as real subprocesses through the SDK client, so the facts the README
// states about them (and about how the SDK client reacts to their faults) stay true.
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import {
  type CallToolResult,
  Client,
  type ClientCapabilities,
  type Progress,
  ProtocolError,
  ProtocolErrorCode,
  SdkErrorCode,
  SdkHttpError,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { CallToolResultSchema } from "@modelcontextprotocol/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type StartedMock, startMock } from "../src/test-utils/start-mock.js";
import { HOSTILE_TEXT, HOSTILE_TOOL_NAME } from "./tools.mjs";

const STDIO_SERVER = fileURLToPath(new URL("./stdio.mjs", import.meta.url));
const HTTP_SERVER = fileURLToPath(new URL("./http.mjs", import.meta.url));

const MOCK_TOOLS = [
  "add",
  "add_tool",
  "big",
  "echo",
  "elicit",
  "fail",
  "image",
  "protocol_error",
  "resource_link",
  "slow",
  "throw",
];

/** Clients and stdio server pids to end together: after each test, or after the file. */
interface Lifetime {
  readonly clients: Client[];
  readonly pids: number[];
}
const perTest: Lifetime = { clients: [], pids: [] };
const perFile: Lifetime = { clients: [], pids: [] };
const mocks: StartedMock[] = [];

async function end(lifetime: Lifetime): Promise<void> {
  await Promise.allSettled(lifetime.clients.splice(0).map((client) => client.close()));
  // Backstop: client.close() already ends stdio servers; this catches one that ignored it.
  for (const pid of lifetime.pids.splice(0)) killIfAlive(pid);
}

afterEach(async () => {
  await end(perTest);
  await Promise.all(mocks.splice(0).map((mock) => mock.stop()));
});
afterAll(() => end(perFile));

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone, which is the normal case.
  }
}

function newClient(
  capabilities: ClientCapabilities = {},
  lifetime: Lifetime = perTest,
): { client: Client; errors: Error[] } {
  const client = new Client({ name: "mock-mcps-test", version: "1.0.0" }, { capabilities });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  lifetime.clients.push(client);
  return { client, errors };
}

/** Waits for text on a server's stderr, which arrives on another pipe than the answer. */
async function waitForStderr(stderr: () => string, text: string): Promise<void> {
  await expect.poll(stderr, { timeout: 5_000 }).toContain(text);
}

function textOf(result: CallToolResult, index = 0): string {
  const item = result.content[index];
  if (item?.type !== "text") throw new Error(`content[${index}] is not text`);
  return item.text;
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return CallToolResultSchema.parse(await client.callTool({ name, arguments: args }));
}

interface StdioMock {
  client: Client;
  transport: StdioClientTransport;
  errors: Error[];
  stderr: () => string;
  connect: (timeoutMs?: number) => Promise<void>;
}

function stdioMock(
  args: string[] = [],
  env: Record<string, string> = {},
  capabilities: ClientCapabilities = {},
  lifetime: Lifetime = perTest,
): StdioMock {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [STDIO_SERVER, ...args],
    env,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const { client, errors } = newClient(capabilities, lifetime);
  const connect = async (timeoutMs?: number): Promise<void> => {
    const connecting = client.connect(transport, timeoutMs ? { timeout: timeoutMs } : undefined);
    // The child is spawned synchronously inside connect(), so its pid is known here.
    if (transport.pid !== null) lifetime.pids.push(transport.pid);
    await connecting;
  };
  return { client, transport, errors, stderr: () => stderr, connect };
}

async function connectedStdio(args: string[] = [], env: Record<string, string> = {}) {
  const mock = stdioMock(args, env);
  await mock.connect();
  return mock;
}

interface HttpMock extends StartedMock {
  url: (path: string) => URL;
}

/** Starts http.mjs for one test (stopped after it). */
async function startHttp(args: string[] = []): Promise<HttpMock> {
  const mock = await startMock(HTTP_SERVER, ["--port", "0", ...args]);
  mocks.push(mock);
  return withUrl(mock);
}

function withUrl(mock: StartedMock): HttpMock {
  return { ...mock, url: (path) => new URL(path, mock.origin) };
}

async function connectHttp(
  transport: Transport,
  capabilities: ClientCapabilities = {},
): Promise<Client> {
  const { client } = newClient(capabilities);
  await client.connect(transport);
  return client;
}

/** Exercises the calls every transport must carry the same way. */
async function expectCoreTools(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name).sort()).toEqual(MOCK_TOOLS);
  expect(textOf(await call(client, "echo", { text: "hi" }))).toBe("hi");
  const sum = await call(client, "add", { a: 2, b: 3 });
  expect(textOf(sum)).toBe("5");
  expect(sum.structuredContent).toEqual({ sum: 5 });
  const progress: Progress[] = [];
  const slow = await client.callTool(
    { name: "slow", arguments: { steps: 3, stepMs: 30 } },
    {
      onprogress: (update) => progress.push(update),
    },
  );
  expect(textOf(CallToolResultSchema.parse(slow))).toBe("done after 3 steps");
  // The SDK client handles notifications a microtask later than responses, so a last progress
  // notification that arrives in the same chunk as the result is dropped (see README).
  const steps = progress.map((update) => update.progress);
  expect(steps.length).toBeGreaterThanOrEqual(1);
  expect(steps).toEqual([1, 2, 3].slice(0, steps.length));
  expect(progress[0]).toMatchObject({ total: 3, message: "step 1 of 3" });
}

function elicitingClient(): { capabilities: ClientCapabilities; answer: (client: Client) => void } {
  return {
    capabilities: { elicitation: { form: {} } },
    answer: (client) =>
      client.setRequestHandler("elicitation/create", async (request) => {
        expect(request.params.mode).toBe("form");
        return {
          action: "accept",
          content: { name: "ada", ratio: 0.5, count: 3, confirm: true, color: "green" },
        };
      }),
  };
}

describe("stdio mock", () => {
  // Tests that need no flag and no capability share one server, in file order: the tool that
  // add_tool registers stays, so that test comes last of them.
  let plainStdio: StdioMock | undefined;
  beforeAll(async () => {
    plainStdio = stdioMock([], {}, {}, perFile);
    await plainStdio.connect();
  });
  const plain = (): StdioMock => {
    if (!plainStdio) throw new Error("the shared stdio mock did not start");
    return plainStdio;
  };

  it("lists tools, the resource and the prompt, and says it is ready on stderr", async () => {
    const { client, stderr } = plain();
    await expectCoreTools(client);
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri)).toEqual(["mock://static/hello.txt"]);
    const read = await client.readResource({ uri: "mock://static/hello.txt" });
    expect(read.contents[0]).toMatchObject({ text: "hello from the mock MCP server\n" });
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(["greet"]);
    const prompt = await client.getPrompt({ name: "greet", arguments: { name: "Ada" } });
    expect(prompt.messages[0]?.content).toEqual({ type: "text", text: "Please greet Ada." });
    await waitForStderr(stderr, "mock stdio server ready\n");
  });

  it("returns tool errors, images, big text and resource links", async () => {
    const { client } = await connectedStdio(["--big-default", "1234"]);
    const failed = await call(client, "fail", { message: "nope" });
    expect(failed).toMatchObject({ isError: true, content: [{ type: "text", text: "nope" }] });
    // McpServer turns a throwing handler into an isError result, not a JSON-RPC error.
    const thrown = await call(client, "throw");
    expect(thrown).toMatchObject({ isError: true, content: [{ text: "mock tool threw" }] });
    const image = await call(client, "image");
    const png = image.content[0];
    expect(png).toMatchObject({ type: "image", mimeType: "image/png" });
    const bytes = Buffer.from(png?.type === "image" ? png.data : "", "base64");
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(textOf(image, 1)).toBe("a 1x1 PNG");
    expect(textOf(await call(client, "big"))).toHaveLength(1234);
    expect(textOf(await call(client, "big", { bytes: 10 }))).toBe("0123456789");
    const links = await call(client, "resource_link");
    expect(links.content).toMatchObject([
      { type: "resource_link", uri: "mock://static/hello.txt" },
      { type: "resource", resource: { uri: "mock://embedded/note.txt", text: "embedded note" } },
    ]);
  });

  it("--hostile adds a tool whose name, description and result carry escape sequences", async () => {
    const { client } = await connectedStdio(["--hostile"]);
    const { tools } = await client.listTools();
    const evil = tools.find((t) => t.name === HOSTILE_TOOL_NAME);
    expect(evil?.description).toBe(HOSTILE_TEXT);
    expect(HOSTILE_TEXT).toContain("\u001b]0;");
    const result = await call(client, HOSTILE_TOOL_NAME);
    expect(result.content).toEqual([{ type: "text", text: HOSTILE_TEXT }]);
    await expect(call(client, "protocol_error")).rejects.toMatchObject({
      message: expect.stringContaining(HOSTILE_TEXT),
    });
  });

  it("answers protocol_error with a JSON-RPC error", async () => {
    const { client } = plain();
    const failure = call(client, "protocol_error");
    await expect(failure).rejects.toBeInstanceOf(ProtocolError);
    await expect(failure).rejects.toMatchObject({ code: ProtocolErrorCode.InternalError });
  });

  it("stops a slow call when the client cancels it, and keeps serving", async () => {
    const { client, stderr } = plain();
    const controller = new AbortController();
    const slow = client.callTool(
      { name: "slow", arguments: { steps: 50, stepMs: 20 } },
      {
        signal: controller.signal,
        onprogress: () => controller.abort("user pressed Esc"),
      },
    );
    // The SDK reports a caller's abort as RequestTimeout carrying the abort reason.
    await expect(slow).rejects.toMatchObject({
      code: SdkErrorCode.RequestTimeout,
      message: expect.stringContaining("user pressed Esc"),
    });
    await waitForStderr(stderr, "slow: cancelled after 1 of 50 steps");
    expect(textOf(await call(client, "echo", { text: "still here" }))).toBe("still here");
  });

  it("elicits form input from a client that declares the capability", async () => {
    const { capabilities, answer } = elicitingClient();
    const mock = stdioMock([], {}, capabilities);
    answer(mock.client);
    await mock.connect();
    const result = await call(mock.client, "elicit");
    expect(JSON.parse(textOf(result))).toEqual({
      action: "accept",
      content: { name: "ada", ratio: 0.5, count: 3, confirm: true, color: "green" },
    });
  });

  it("reports elicit as a tool error when the client lacks the capability", async () => {
    const { client } = plain();
    const result = await call(client, "elicit");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("does not support form elicitation");
  });

  it("sends tools/list_changed when add_tool registers a tool", async () => {
    const { client } = plain();
    const changed = new Promise<void>((resolve) => {
      client.setNotificationHandler("notifications/tools/list_changed", () => resolve());
    });
    expect(textOf(await call(client, "add_tool", { name: "shout" }))).toBe("added tool shout");
    await changed;
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("shout");
    expect(textOf(await call(client, "shout", { text: "hey" }))).toBe("hey");
  });

  it("--crash-after N exits on the Nth call, failing it with ConnectionClosed", async () => {
    const { client, stderr } = await connectedStdio(["--crash-after", "2"]);
    const closed = new Promise<void>((resolve) => {
      client.onclose = () => resolve();
    });
    expect(textOf(await call(client, "echo", { text: "one" }))).toBe("one");
    await expect(call(client, "echo", { text: "two" })).rejects.toMatchObject({
      code: SdkErrorCode.ConnectionClosed,
    });
    await closed;
    expect(stderr()).toContain("crashing on tools/call #2");
  });

  it("takes MOCK_CRASH_AFTER from the environment, and a flag wins over it", async () => {
    const fromEnv = await connectedStdio([], { MOCK_CRASH_AFTER: "1" });
    await expect(call(fromEnv.client, "echo", { text: "x" })).rejects.toMatchObject({
      code: SdkErrorCode.ConnectionClosed,
    });
    const flagWins = await connectedStdio(["--crash-after", "2"], { MOCK_CRASH_AFTER: "1" });
    expect(textOf(await call(flagWins.client, "echo", { text: "y" }))).toBe("y");
  });

  it("--hang never answers initialize, so connect times out", async () => {
    const mock = stdioMock(["--hang"]);
    await expect(mock.connect(300)).rejects.toMatchObject({ code: SdkErrorCode.RequestTimeout });
  });

  it("--garbage lines on stdout are skipped; JSON that is not JSON-RPC reaches client.onerror", async () => {
    const { client, errors } = await connectedStdio(["--garbage"]);
    expect(textOf(await call(client, "echo", { text: "through the noise" }))).toBe(
      "through the noise",
    );
    // The v2 client drops non-JSON lines silently and reports the others as ZodError.
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.every((error) => error.name === "ZodError")).toBe(true);
  });

  it("--exit-immediately exits 3 before initialize: connect fails with ConnectionClosed", async () => {
    const mock = stdioMock(["--exit-immediately"]);
    await expect(mock.connect()).rejects.toMatchObject({ code: SdkErrorCode.ConnectionClosed });
    await waitForStderr(mock.stderr, "exiting immediately with code 3");
  });

  it("--stderr-noise writes log lines to stderr without disturbing the protocol", async () => {
    const { client, stderr } = await connectedStdio(["--stderr-noise"]);
    expect(textOf(await call(client, "echo", { text: "quiet" }))).toBe("quiet");
    await waitForStderr(stderr, "noise: received tools/call");
    expect(stderr()).toContain("ERROR not a real error");
  });
});

describe("http mock", () => {
  // Tests that need no flag share one server: each opens sessions of its own.
  let plain: HttpMock;
  beforeAll(async () => {
    plain = withUrl(await startMock(HTTP_SERVER, ["--port", "0"]));
  });
  afterAll(() => plain.stop());

  it("serves Streamable HTTP at /mcp with sessions, progress and DELETE", async () => {
    const mock = plain;
    const transport = new StreamableHTTPClientTransport(mock.url("/mcp"));
    const client = await connectHttp(transport);
    const sessionId = transport.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await expectCoreTools(client);
    await transport.terminateSession();
    await waitForStderr(mock.stderr, `session ${sessionId} deleted`);
  });

  it("answers 404 for an unknown session id", async () => {
    const mock = plain;
    const response = await fetch(mock.url("/mcp"), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": "no-such-session",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(404);
  });

  it("routes elicitation, protocol errors and list_changed over Streamable HTTP", async () => {
    const mock = plain;
    const { capabilities, answer } = elicitingClient();
    const { client } = newClient(capabilities);
    answer(client);
    await client.connect(new StreamableHTTPClientTransport(mock.url("/mcp")));
    expect(JSON.parse(textOf(await call(client, "elicit")))).toMatchObject({ action: "accept" });
    await expect(call(client, "protocol_error")).rejects.toMatchObject({
      code: ProtocolErrorCode.InternalError,
    });
    const changed = new Promise<void>((resolve) => {
      client.setNotificationHandler("notifications/tools/list_changed", () => resolve());
    });
    await call(client, "add_tool", { name: "late" });
    await changed;
  });

  it("serves the legacy SSE transport at /sse and /messages", async () => {
    const mock = plain;
    const client = await connectHttp(new SSEClientTransport(mock.url("/sse")));
    await expectCoreTools(client);
  });

  it("--require-header rejects requests without the header with 401", async () => {
    const mock = await startHttp(["--require-header", "X-Team=core"]);
    const bare = newClient().client;
    const failure = bare.connect(new StreamableHTTPClientTransport(mock.url("/mcp")));
    await expect(failure).rejects.toBeInstanceOf(SdkHttpError);
    await expect(failure).rejects.toMatchObject({ status: 401 });
    const headers = { "X-Team": "core" };
    const streamable = new StreamableHTTPClientTransport(mock.url("/mcp"), {
      requestInit: { headers },
    });
    expect(textOf(await call(await connectHttp(streamable), "echo", { text: "ok" }))).toBe("ok");
    const sse = new SSEClientTransport(mock.url("/sse"), { requestInit: { headers } });
    expect(textOf(await call(await connectHttp(sse), "echo", { text: "ok" }))).toBe("ok");
  });

  it("--big-default sets the size of big's output", async () => {
    const mock = await startHttp(["--big-default", "4321"]);
    const client = await connectHttp(new StreamableHTTPClientTransport(mock.url("/mcp")));
    expect(textOf(await call(client, "big"))).toHaveLength(4321);
  });

  it("--crash-after N exits the process on the Nth call; the call rejects", async () => {
    const mock = await startHttp(["--crash-after", "1"]);
    const exited = once(mock.child, "exit");
    const client = await connectHttp(new StreamableHTTPClientTransport(mock.url("/mcp")));
    // Unlike stdio, the HTTP client sees a failed fetch, not ConnectionClosed, and onclose stays quiet.
    await expect(call(client, "echo", { text: "x" })).rejects.toThrow(/fetch failed/);
    const [code] = await exited;
    expect(code).toBe(1);
  });

  it("--hang accepts connections but never answers POSTs, so connect times out", async () => {
    const mock = await startHttp(["--hang"]);
    const { client } = newClient();
    const connecting = client.connect(new StreamableHTTPClientTransport(mock.url("/mcp")), {
      timeout: 300,
    });
    await expect(connecting).rejects.toMatchObject({ code: SdkErrorCode.RequestTimeout });
  });

  it("shuts down cleanly on SIGTERM with sessions open", async () => {
    const mock = await startHttp();
    await connectHttp(new StreamableHTTPClientTransport(mock.url("/mcp")));
    await connectHttp(new SSEClientTransport(mock.url("/sse")));
    const exited = once(mock.child, "exit");
    mock.child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
