// Against the real reference server, @modelcontextprotocol/server-everything, over stdio and
// Streamable HTTP, through the manager and the tool bridge as the model would use them.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { McpServerConfig } from "../config/schema.js";
import type { ToolProgress } from "../tools/types.js";
import type { WrenPaths } from "../utils/paths.js";
import { createMcpManager, type McpManager } from "./manager.js";
import {
  everythingStdioArgs,
  remoteServer,
  startEverythingHttp,
  stdioMock,
  type TestServer,
  tempPaths,
} from "./test-support.js";

let paths: WrenPaths;
let cleanup: () => Promise<void>;
let manager: McpManager | undefined;
let server: TestServer | undefined;

beforeEach(async () => {
  ({ paths, cleanup } = await tempPaths());
});
afterEach(async () => {
  await manager?.close();
  await server?.stop();
  manager = undefined;
  server = undefined;
  await cleanup();
});

const signal = new AbortController().signal;

async function connect(config: McpServerConfig): Promise<McpManager> {
  manager = createMcpManager({ servers: [config], paths });
  manager.start();
  await manager.whenSettled();
  return manager;
}

function tool(m: McpManager, name: string) {
  const found = m.tools().find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name} in ${m.tools().map((t) => t.name)}`);
  return found;
}

async function exercise(m: McpManager, prefix: string): Promise<void> {
  const status = m.getSnapshot()[0]?.status;
  expect(status?.state).toBe("connected");
  expect(await tool(m, `${prefix}echo`).execute({ message: "hi" }, { signal })).toEqual({
    status: "ok",
    content: [{ type: "text", text: "Echo: hi" }],
  });
  const sum = await tool(m, `${prefix}get-sum`).execute({ a: 2, b: 40 }, { signal });
  expect(sum.status === "ok" && sum.content[0]).toMatchObject({
    text: expect.stringContaining("42"),
  });
  const image = await tool(m, `${prefix}get-tiny-image`).execute({}, { signal });
  expect(image.status === "ok" && image.content.map((p) => p.type)).toContain("image");
  const structured = await tool(m, `${prefix}get-structured-content`).execute(
    { location: "Chicago" },
    { signal },
  );
  expect(structured.status === "ok" && structured.structured).toBeTypeOf("object");
  const links = await tool(m, `${prefix}get-resource-links`).execute({ count: 2 }, { signal });
  expect(links.status === "ok" && JSON.stringify(links.content)).toContain("[resource link:");
}

describe("server-everything", () => {
  it("over stdio: tools, images, structured content, resource links, progress", async () => {
    const m = await connect({ ...stdioMock("everything"), args: everythingStdioArgs() });
    await exercise(m, "mcp__everything__");
    const progress: ToolProgress[] = [];
    const long = await tool(m, "mcp__everything__trigger-long-running-operation").execute(
      { duration: 0.4, steps: 2 },
      { signal, onProgress: (p) => progress.push(p) },
    );
    expect(long.status).toBe("ok");
    expect(progress.length).toBeGreaterThan(0);
  });

  it("over Streamable HTTP", async () => {
    server = await startEverythingHttp();
    const m = await connect(remoteServer("ev", `http://127.0.0.1:${server.port}/mcp`));
    await exercise(m, "mcp__ev__");
  });
});
