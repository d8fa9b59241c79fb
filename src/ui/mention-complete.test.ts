import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "../mcp/resources.js";
import { completeMention, type MentionCompletionSource } from "./mention-complete.js";

const catalog: CatalogEntry[] = [
  {
    server: "docs",
    resources: [
      { uri: "demo://guide/intro.md", name: "intro" },
      { uri: "demo://guide/install.md", name: "install" },
    ],
    templates: [{ uriTemplate: "demo://item/{id}/raw", name: "item" }],
  },
  { server: "db", resources: [{ uri: "db://tables", name: "tables" }], templates: [] },
];

const asked: string[][] = [];
const source: MentionCompletionSource = {
  catalog: () => catalog,
  async completeArgument(server, template, argument, value) {
    asked.push([server, template, argument, value]);
    return ["12", "123"].filter((v) => v.startsWith(value));
  },
};

describe("completeMention", () => {
  it("leaves lines whose last word is no mention to other completions", () => {
    expect(completeMention(".mcp tools", source)).toBeUndefined();
    expect(completeMention("mail me@docs", source)).toBeUndefined();
  });

  it("completes the server first", () => {
    expect(completeMention("see @", source)).toEqual({
      text: "see @d",
      candidates: ["@docs:", "@db:"],
    });
    expect(completeMention("see @do", source)).toEqual({ text: "see @docs:", candidates: [] });
  });

  it("then the server's resources and templates", () => {
    expect(completeMention("@docs:", source)).toEqual({
      text: "@docs:demo://",
      candidates: ["demo://guide/intro.md", "demo://guide/install.md", "demo://item/{id}/raw"],
    });
    expect(completeMention("@docs:demo://guide/int", source)).toEqual({
      text: "@docs:demo://guide/intro.md ",
      candidates: [],
    });
    expect(completeMention("@docs:demo://it", source)).toEqual({
      text: "@docs:demo://item/",
      candidates: [],
    });
    expect(completeMention("@nobody:x", source)).toEqual({ text: "@nobody:x", candidates: [] });
  });

  it("shows at most 30 candidates and counts the rest", () => {
    const many: CatalogEntry[] = [
      {
        server: "big",
        resources: Array.from({ length: 45 }, (_, i) => ({ uri: `r://${i}`, name: `${i}` })),
        templates: [],
      },
    ];
    const result = completeMention("@big:r://", { catalog: () => many });
    expect(result).toMatchObject({ text: "@big:r://" });
    const candidates = result && "candidates" in result ? result.candidates : [];
    expect(candidates).toHaveLength(31);
    expect(candidates.at(-1)).toBe("… 15 more");
  });

  it("asks the server for a template's argument", async () => {
    const pending = completeMention("@docs:demo://item/1", source);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual({ text: "@docs:demo://item/12", candidates: ["12", "123"] });
    expect(asked.at(-1)).toEqual(["docs", "demo://item/{id}/raw", "id", "1"]);
    expect(await completeMention("@docs:demo://item/123", source)).toEqual({
      text: "@docs:demo://item/123/raw ",
      candidates: [],
    });
  });
});
