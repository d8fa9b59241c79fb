import { describe, expect, it } from "vitest";
import { createCodeHighlighter, type HighlightFn, hasFencedCode } from "./code-highlighter.js";

const fake: HighlightFn = (code) => `<${code}>`;

describe("createCodeHighlighter", () => {
  it("loads nothing until asked, then loads once and notifies subscribers", async () => {
    let imports = 0;
    const highlighter = createCodeHighlighter({
      importHighlighter: async () => {
        imports++;
        return { highlightCode: fake };
      },
    });
    let notified = 0;
    highlighter.subscribe(() => notified++);
    expect(highlighter.getSnapshot()).toBeUndefined();
    expect(imports).toBe(0);
    const [first, second] = await Promise.all([highlighter.load(), highlighter.load()]);
    expect(first).toBe(fake);
    expect(second).toBe(fake);
    expect(await highlighter.load()).toBe(fake);
    expect(imports).toBe(1);
    expect(notified).toBe(1);
    expect(highlighter.getSnapshot()).toBe(fake);
  });

  it("leaves code unhighlighted when the module cannot be loaded", async () => {
    const highlighter = createCodeHighlighter({
      importHighlighter: () => Promise.reject(new Error("chunk missing")),
    });
    expect(await highlighter.load()).toBeUndefined();
    expect(highlighter.getSnapshot()).toBeUndefined();
  });

  it("loads the real highlight.js module by default", async () => {
    const highlight = await createCodeHighlighter().load();
    expect(highlight?.("let a = 1", "js")).toContain("\u001b[35mlet\u001b[39m");
    expect(highlight?.("x", "no-such-language")).toBeUndefined();
  });
});

describe("hasFencedCode", () => {
  it("spots fences anywhere, including in lists and quotes", () => {
    expect(hasFencedCode("```ts\nx")).toBe(true);
    expect(hasFencedCode("- item\n  ~~~\n  x")).toBe(true);
    expect(hasFencedCode("> ```")).toBe(true);
    expect(hasFencedCode("no code, just `inline`")).toBe(false);
  });
});
