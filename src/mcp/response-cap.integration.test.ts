import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WrenPaths } from "../utils/paths.js";
import { connectMcpServer, type McpConnection } from "./connect.js";
import { MAX_MESSAGE_BYTES } from "./response-cap.js";
import { remoteServer, startHttpMock, type TestServer, tempPaths } from "./test-support.js";

let paths: WrenPaths;
let cleanup: () => Promise<void>;
const open: McpConnection[] = [];
const servers: TestServer[] = [];
beforeEach(async () => {
  ({ paths, cleanup } = await tempPaths());
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await cleanup();
});

describe.each([
  ["an SSE stream", []],
  ["a JSON body", ["--json-response"]],
])("a remote tool result larger than the cap, as %s", (_, flags) => {
  it("becomes a clear tool error, and the connection keeps working", async () => {
    const mock = await startHttpMock(flags);
    servers.push(mock);
    const connection = await connectMcpServer({
      server: remoteServer("remote", `http://127.0.0.1:${mock.port}/mcp`, { timeout: 60_000 }),
      paths,
    });
    open.push(connection);
    const huge = await connection.callTool("big", { bytes: MAX_MESSAGE_BYTES + 1024 });
    expect(huge.isError).toBe(true);
    expect(huge.content).toEqual([
      {
        type: "text",
        text: expect.stringContaining("big returned more than 10 MB; wren dropped the result"),
      },
    ]);
    // Under the cap passes whole; the session survived the dropped answer.
    const fits = await connection.callTool("big", { bytes: 1_000_000 });
    expect(fits.content).toEqual([{ type: "text", text: expect.stringMatching(/^0123/) }]);
    expect(await connection.callTool("echo", { text: "still here" })).toMatchObject({
      content: [{ type: "text", text: "still here" }],
    });
  });
});
