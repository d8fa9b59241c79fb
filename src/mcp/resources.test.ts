import { describe, expect, it } from "vitest";
import {
  contentsToAttachments,
  createResourceCatalog,
  type McpResourceApi,
  matchesTemplate,
  templateHead,
} from "./resources.js";

describe("templates", () => {
  it("matches URIs a template can produce", () => {
    expect(matchesTemplate("demo://text/{id}", "demo://text/12")).toBe(true);
    expect(matchesTemplate("demo://text/{id}", "demo://text/12/more")).toBe(false);
    expect(matchesTemplate("demo://text/{id}", "file:///etc/passwd")).toBe(false);
    expect(matchesTemplate("file:///{+path}", "file:///a/b.txt")).toBe(true);
    expect(matchesTemplate("a.b://{x}", "aXb://1")).toBe(false);
  });

  it("splits a template at its first expression", () => {
    expect(templateHead("demo://item/{id}/raw")).toEqual({
      prefix: "demo://item/",
      variable: "id",
    });
    expect(templateHead("file:///{+path}")).toEqual({ prefix: "file:///", variable: "path" });
    expect(templateHead("demo://fixed")).toEqual({ prefix: "demo://fixed" });
  });
});

describe("contentsToAttachments", () => {
  const limits = { maxTextChars: 10, maxImageChars: 8 };

  it("cuts text at the budget and says so", () => {
    const { attachments, used } = contentsToAttachments(
      "s:u",
      { contents: [{ uri: "u", text: "0123456789abcdef" }] },
      10,
      limits,
    );
    expect(used).toBe(10);
    expect(attachments[0]).toEqual({
      type: "text",
      source: "s:u",
      text: "0123456789\n[truncated: the resource has 16 characters; only the first 10 are attached]",
    });
  });

  it("keeps small images, describes big ones and other binary data", () => {
    const { attachments } = contentsToAttachments(
      "s:u",
      {
        contents: [
          { uri: "u", mimeType: "image/png", blob: "AAAA" },
          { uri: "u", mimeType: "image/png", blob: "A".repeat(100) },
          { uri: "u", mimeType: "application/zip", blob: "AAAA" },
        ],
      },
      10,
      limits,
    );
    expect(attachments).toEqual([
      { type: "image", source: "s:u", mimeType: "image/png", data: "AAAA" },
      { type: "text", source: "s:u", text: "[image/png resource, 75 bytes: too large to attach]" },
      {
        type: "text",
        source: "s:u",
        text: "[application/zip resource, 3 bytes: binary data is not passed to the model]",
      },
    ]);
  });
});

function fakeApi(list: McpResourceApi["list"]): McpResourceApi {
  return {
    capabilities: { resources: true, subscribe: true, completions: false },
    list,
    read: async () => ({ contents: [] }),
    subscribe: async () => {},
    complete: async () => [],
  };
}

describe("resource catalog", () => {
  it("knows what each server offered: listed, templated or linked", async () => {
    const catalog = createResourceCatalog();
    await catalog.refresh(
      "a",
      fakeApi(async () => ({
        resources: [{ uri: "a://one", name: "one" }],
        templates: [{ uriTemplate: "a://t/{id}", name: "t" }],
      })),
    );
    catalog.noteLinks("a", ["file:///from-a"]);
    expect(catalog.offered("a", "a://one")).toBe(true);
    expect(catalog.offered("a", "a://t/7")).toBe(true);
    expect(catalog.offered("a", "file:///from-a")).toBe(true);
    // Another server's link, or a URI nobody offered, is not a's to read.
    catalog.noteLinks("b", ["b://secret"]);
    expect(catalog.offered("a", "b://secret")).toBe(false);
    expect(catalog.offered("a", "file:///etc/passwd")).toBe(false);
    catalog.forget("a");
    expect(catalog.offered("a", "a://one")).toBe(false);
    expect(catalog.getSnapshot()).toEqual([]);
  });

  it("reports updates of watched resources only", async () => {
    const catalog = createResourceCatalog();
    const seen: string[] = [];
    catalog.onUpdate(({ server, uri }) => seen.push(`${server}:${uri}`));
    await catalog.watch(
      "a",
      "a://one",
      fakeApi(async () => ({ resources: [], templates: [] })),
    );
    catalog.updated("a", "a://one");
    catalog.updated("a", "a://unasked");
    expect(seen).toEqual(["a:a://one"]);
  });
});
