import { describe, expect, it } from "vitest";
import type { McpConnection } from "./connect.js";
import { findMentions, MAX_MENTIONS, type MentionSource, readMentions } from "./mentions.js";
import type { McpResourceApi } from "./resources.js";

const servers = new Set(["docs", "my.srv"]);

describe("findMentions", () => {
  it("finds mentions of known servers after whitespace, once each, without trailing punctuation", () => {
    expect(
      findMentions(
        "read @docs:a://x.md, then @my.srv:b://y. Also @docs:a://x.md and mail@docs:c://z @other:d://w",
        servers,
      ),
    ).toEqual([
      { server: "docs", uri: "a://x.md" },
      { server: "my.srv", uri: "b://y" },
    ]);
  });
});

function fakeSource(read: McpResourceApi["read"]): MentionSource {
  const api: McpResourceApi = {
    capabilities: { resources: true, subscribe: false, completions: false },
    list: async () => ({ resources: [], templates: [] }),
    read,
    subscribe: async () => {},
    complete: async () => [],
  };
  const connection: McpConnection = {
    pid: undefined,
    serverInfo: undefined,
    instructions: undefined,
    protocolVersion: undefined,
    listTools: async () => [],
    callTool: async () => ({ content: [] }),
    request: async () => {
      throw new Error("no requests here");
    },
    notifyRootsChanged: async () => {},
    resources: api,
    close: async () => {},
    ended: new Promise(() => {}),
  };
  return { servers: () => [...servers], connection: async () => connection };
}

describe("readMentions", () => {
  const signal = new AbortController().signal;

  it("attaches text, images and notes; a failed read is a note, never a throw", async () => {
    const source = fakeSource(async (uri) => {
      if (uri === "a://broken") throw new Error("no such resource");
      if (uri === "a://pic") return { contents: [{ uri, mimeType: "image/png", blob: "AAAA" }] };
      return { contents: [{ uri, mimeType: "text/plain", text: "hello" }] };
    });
    const read = await readMentions(source, "@docs:a://t @docs:a://pic @docs:a://broken", signal);
    expect(read.attachments).toEqual([
      { type: "text", source: "docs:a://t", mimeType: "text/plain", text: "hello" },
      { type: "image", source: "docs:a://pic", mimeType: "image/png", data: "AAAA" },
      {
        type: "text",
        source: "docs:a://broken",
        text: "[could not read this resource: no such resource]",
      },
    ]);
    expect(read.notes).toEqual([
      "attached @docs:a://t (5 B)",
      "attached @docs:a://pic (3 B)",
      "could not read @docs:a://broken: no such resource",
    ]);
  });

  it("reads at most MAX_MENTIONS resources per message", async () => {
    let reads = 0;
    const source = fakeSource(async (uri) => {
      reads++;
      return { contents: [{ uri, text: "x" }] };
    });
    const text = Array.from({ length: MAX_MENTIONS + 5 }, (_, i) => `@docs:a://${i}`).join(" ");
    const read = await readMentions(source, text, signal);
    expect(reads).toBe(MAX_MENTIONS);
    expect(read.notes.filter((n) => n.startsWith("not attached"))).toHaveLength(5);
  });
});
