// Resources against the real reference server (@modelcontextprotocol/server-everything) and the
// hostile mock: listing, `@` mentions read when a message is sent, template completion,
// `read_mcp_resource` for resource_link results, subscriptions, and the caps and origin rules.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  HOSTILE_LINKS,
  HOSTILE_RESOURCE_URI,
  HOSTILE_TEXT,
  HUGE_RESOURCE_URI,
} from "../../mock-mcps/tools.mjs";
import type { StdioServerConfig } from "../config/schema.js";
import type { Tool } from "../tools/types.js";
import type { WrenPaths } from "../utils/paths.js";
import { createMcpManager, type McpManager } from "./manager.js";
import { mentionSource, readMentions } from "./mentions.js";
import { READ_RESOURCE_TOOL } from "./resource-tool.js";
import { everythingStdioArgs, stdioMock, tempPaths, useSharedManager } from "./test-support.js";

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

const signal = new AbortController().signal;

const everything: StdioServerConfig = {
  name: "everything",
  type: "stdio",
  command: process.execPath,
  args: everythingStdioArgs(),
  env: {},
  enabled: true,
  source: "test",
};

async function start(...servers: StdioServerConfig[]): Promise<McpManager> {
  manager = createMcpManager({ servers, paths });
  manager.start();
  await manager.whenSettled();
  const m = manager;
  // The lists arrive right after the connection.
  await expect
    .poll(() => m.resources.getSnapshot().length, { timeout: 10_000 })
    .toBe(servers.length);
  return m;
}

function tool(m: McpManager, name: string): Tool {
  const found = m.tools().find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
}

describe("resources of server-everything", () => {
  // One server for the block: its reads, completions and tool calls do not depend on each other.
  const sharedManager = useSharedManager({ servers: [everything] });
  const started = async (): Promise<McpManager> => {
    const m = sharedManager();
    // The lists arrive right after the connection.
    await expect.poll(() => m.resources.getSnapshot().length, { timeout: 10_000 }).toBe(1);
    return m;
  };

  it("lists resources and templates, reads a mention, completes a template argument", async () => {
    const m = await started();
    const entry = m.resources.getSnapshot()[0];
    expect(entry?.resources.map((r) => r.uri)).toContain(
      "demo://resource/static/document/architecture.md",
    );
    expect(entry?.templates.map((t) => t.uriTemplate)).toContain(
      "demo://resource/dynamic/text/{resourceId}",
    );

    const read = await readMentions(
      mentionSource(m),
      "summarize @everything:demo://resource/static/document/architecture.md and @everything:demo://resource/dynamic/blob/7.",
      signal,
    );
    expect(read.notes[0]).toMatch(/^attached @everything:demo:\/\/.*architecture\.md \(\d/);
    const [doc, blob] = read.attachments;
    expect(doc).toMatchObject({ type: "text", mimeType: "text/markdown" });
    expect(doc?.type === "text" && doc.text).toContain("Architecture");
    // A binary blob that is no image is described, not sent as base64.
    expect(blob).toMatchObject({
      type: "text",
      source: "everything:demo://resource/dynamic/blob/7",
    });
    expect(blob?.type === "text" && blob.text).toMatch(/binary data is not passed to the model/);

    const connection = await m.connection("everything");
    expect(
      await connection.resources?.complete(
        "demo://resource/dynamic/text/{resourceId}",
        "resourceId",
        "1",
      ),
    ).toContain("1");
  });

  it("offers read_mcp_resource and reads the resource_links a tool returned", async () => {
    const m = await started();
    const links = await tool(m, "mcp__everything__get-resource-links").execute(
      { count: 2 },
      { signal },
    );
    const text = links.status === "ok" ? JSON.stringify(links.content) : "";
    expect(text).toContain('read it with read_mcp_resource, server \\"everything\\"');
    const uri = /<(demo:\/\/resource\/dynamic\/[^>]+)>/.exec(text)?.[1];
    expect(uri).toBeDefined();
    const reader = tool(m, READ_RESOURCE_TOOL);
    expect(reader.effect).toBe("external");
    const result = await reader.execute({ server: "everything", uri }, { signal });
    expect(result.status).toBe("ok");
  });

  it("marks annotated content addressed to the user only, and keeps the rest for the model", async () => {
    const m = await started();
    const annotated = tool(m, "mcp__everything__get-annotated-message");
    const success = await annotated.execute(
      { messageType: "success", includeImage: true },
      { signal },
    );
    expect(success.status === "ok" && success.content.map((p) => [p.type, p.audience])).toEqual([
      ["text", "user"],
      ["image", "user"],
    ]);
    const debug = await annotated.execute({ messageType: "debug" }, { signal });
    expect(debug.status === "ok" && debug.content[0]?.audience).toBeUndefined();
  });

  it("subscribes to an attached resource and reports its updates", async () => {
    const m = await started();
    const updates: string[] = [];
    m.resources.onUpdate(({ server, uri }) => updates.push(`${server}:${uri}`));
    const uri = "demo://resource/dynamic/text/1";
    await readMentions(mentionSource(m), `@everything:${uri}`, signal);
    // server-everything sends updates of subscribed resources once this tool turns them on.
    await tool(m, "mcp__everything__toggle-subscriber-updates").execute({}, { signal });
    await expect.poll(() => updates, { timeout: 20_000 }).toContain(`everything:${uri}`);
  }, 30_000);
});

describe("a hostile server's resources", () => {
  it("follows notifications/resources/list_changed", async () => {
    const m = await start(stdioMock("evil", ["--hostile"]));
    const uris = (): string[] => m.resources.getSnapshot()[0]?.resources.map((r) => r.uri) ?? [];
    expect(uris()).not.toContain("mock://added/fresh");
    await m.callTool("evil", "add_resource", { name: "fresh" });
    await expect.poll(uris, { timeout: 10_000 }).toContain("mock://added/fresh");
  });

  it("caps a huge resource: one text budget per message", async () => {
    const m = await start(stdioMock("evil", ["--hostile"]));
    const read = await readMentions(
      mentionSource(m),
      `@evil:${HUGE_RESOURCE_URI} @evil:${HOSTILE_RESOURCE_URI}`,
      signal,
      { maxTextChars: 10_000, maxImageChars: 1000 },
    );
    const [huge, evil] = read.attachments;
    expect(huge?.type === "text" && huge.text.length).toBeLessThan(10_200);
    expect(huge?.type === "text" && huge.text).toContain(
      "[truncated: the resource has 3000000 characters; only the first 10000 are attached]",
    );
    // The budget is per message: nothing is left for the second resource's text.
    expect(evil?.type === "text" && evil.text).not.toContain(HOSTILE_TEXT);
  });

  it("reads a link only from the server that produced it, never from the local disk", async () => {
    const secret = join(paths.project, "secret.txt");
    await mkdir(paths.project, { recursive: true });
    await writeFile(secret, "local secret 12345\n");
    const m = await start(everything, stdioMock("evil", ["--hostile"]));
    await tool(m, "mcp__evil__links").execute({}, { signal });
    const reader = tool(m, READ_RESOURCE_TOOL);

    // The file:// link goes to the hostile server that produced it, which cannot read it.
    const local = await reader.execute({ server: "evil", uri: HOSTILE_LINKS[0] }, { signal });
    expect(JSON.stringify(local)).not.toContain("root:");
    const mine = await reader.execute({ server: "evil", uri: `file://${secret}` }, { signal });
    expect(mine.status).toBe("error");
    expect(JSON.stringify(mine)).not.toContain("local secret");

    // Nobody linked or listed this on "everything": refused before any request.
    const forged = await reader.execute(
      { server: "everything", uri: `file://${secret}` },
      { signal },
    );
    expect(forged).toMatchObject({ status: "error" });
    expect(forged.status === "error" && forged.message).toContain("did not offer");
  });
});
