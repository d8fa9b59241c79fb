// Resource subscriptions on a 2026-07-28 server (mock-mcps/http-modern.mjs, which answers only
// that revision): the manager watches an attached resource over `subscriptions/listen`, reports
// its update, follows the resource list change on the same stream, and reads the new content.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { WrenPaths } from "../utils/paths.js";
import { createMcpManager, type McpManager } from "./manager.js";
import { mentionSource, readMentions } from "./mentions.js";
import { remoteServer, startModernMock, type TestServer, tempPaths } from "./test-support.js";

let modern: TestServer;
let paths: WrenPaths;
let cleanup: () => Promise<void>;
let manager: McpManager | undefined;

beforeAll(async () => {
  modern = await startModernMock();
});
afterAll(() => modern.stop());
beforeEach(async () => {
  ({ paths, cleanup } = await tempPaths());
});
afterEach(async () => {
  await manager?.close();
  manager = undefined;
  await cleanup();
});

const signal = new AbortController().signal;

it("watches an attached resource over subscriptions/listen and follows list changes", async () => {
  manager = createMcpManager({
    servers: [remoteServer("modern", `${modern.origin}/mcp`, { oauth: false })],
    paths,
  });
  manager.start();
  await manager.whenSettled();
  const m = manager;
  const uris = (): string[] => m.resources.getSnapshot()[0]?.resources.map((r) => r.uri) ?? [];
  await expect.poll(uris, { timeout: 10_000 }).toContain("mock://counter");
  const updates: string[] = [];
  m.resources.onUpdate(({ server, uri }) => updates.push(`${server}:${uri}`));

  const first = await readMentions(mentionSource(m), "@modern:mock://counter", signal);
  expect(JSON.stringify(first)).toContain("count is 0");
  // bump waits until a listen stream watches the counter, so this is no race.
  const bumped = await m.callTool("modern", "bump", {});
  expect(JSON.stringify(bumped)).not.toContain("nobody was watching");
  await expect.poll(() => updates, { timeout: 10_000 }).toEqual(["modern:mock://counter"]);
  await expect.poll(uris, { timeout: 10_000 }).toContain("mock://notes/1");
  const again = await readMentions(mentionSource(m), "@modern:mock://counter", signal);
  expect(JSON.stringify(again)).toContain("count is 1");
}, 30_000);
