import { stripVTControlCharacters as strip } from "node:util";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import {
  HOSTILE_STRINGS,
  TERMINAL_CONTROL,
  withoutColours,
} from "../../test-utils/hostile-strings.js";
import { highlightCode } from "./highlight.js";
import { renderMarkdown } from "./render.js";
import { colored, ESC, plain, shown } from "./test-support.js";

const SAMPLE = `# Release notes for the **new** renderer

Some *italic*, **bold**, ~~struck~~ and \`inline code\` text with a [link](https://example.com/docs/a/long/path?query=1) and https://auto.example.com, long enough to wrap.

- first item that is long enough to wrap onto a second line at narrow widths
- second
  - nested item
    - deeper item
- [ ] open task
- [x] done task

1. one
2. two

> A quote that is long enough to wrap around at narrow widths, with **bold**.

---

\`\`\`ts
const answer: number = 42; // a comment that makes this line rather long
\`\`\`

| Name | Qty | Description |
|:-----|----:|:-----------:|
| apple | 3 | a red fruit that grows on trees in orchards |
| kiwi | 12 | fuzzy |
`;

describe("renderMarkdown structure", () => {
  it("renders headings without markers in colour and with them in plain text", () => {
    expect(shown("# Title\n\n## Sub\n\n### Third")).toBe("Title\n\nSub\n\nThird");
    expect(colored("# Title")).toContain(`${ESC}[1m`);
    expect(plain("# Title\n\n## Sub")).toBe("# Title\n\n## Sub");
  });

  it("renders bullet, nested, numbered and task lists with hanging indents", () => {
    expect(shown("- a\n- b\n  - c\n    - d\n- e")).toBe("• a\n• b\n  ◦ c\n    ▪ d\n• e");
    expect(shown("1. one\n2. two")).toBe("1. one\n2. two");
    expect(shown("3. three\n4. four")).toBe("3. three\n4. four");
    const ten = Array.from({ length: 10 }, (_, i) => `${i + 1}. item`).join("\n");
    const lines = shown(ten).split("\n");
    expect(lines[0]).toBe(" 1. item");
    expect(lines[9]).toBe("10. item");
    expect(shown("- [ ] todo\n- [x] done")).toBe("[ ] todo\n[x] done");
    expect(colored("- [x] done")).toContain(`[${ESC}[32mx${ESC}[39m]`);
    expect(shown("- a long item that wraps", 14)).toBe("• a long item\n  that wraps");
  });

  it("separates the items of a loose list with blank lines and keeps nested lists close", () => {
    expect(shown("- a\n\n- b\n  - c")).toBe("• a\n\n• b\n  ◦ c");
    expect(shown("- a\n\n  more about a\n- b")).toBe("• a\n\n  more about a\n\n• b");
  });

  it("prefixes blockquotes, nested ones too", () => {
    expect(shown("> quoted\n> > inner")).toBe("│ quoted\n│\n│ │ inner");
    expect(shown("> a quote that wraps", 12)).toBe("│ a quote\n│ that wraps");
  });

  it("draws a horizontal rule across the width", () => {
    expect(shown("a\n\n---\n\nb", 20)).toBe(`a\n\n${"─".repeat(20)}\n\nb`);
  });

  it("shows unknown HTML as text", () => {
    expect(shown("press <kbd>Ctrl</kbd> <span class=x>now</span>")).toBe(
      "press <kbd>Ctrl</kbd> <span class=x>now</span>",
    );
    expect(shown("<div>\n  block\n</div>")).toBe("<div>\n  block\n</div>");
    expect(shown("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
    expect(shown("a\n\n<!-- hidden\n\nnote -->\n\nb")).toBe("a\n\nb");
  });

  it("makes control characters visible so model output cannot drive the terminal", () => {
    const hostile = `red ${ESC}[31mtext${ESC}]0;title\u0007 &#27;[2J &#x9b;`;
    expect(plain(hostile)).not.toContain(ESC);
    expect(plain(hostile)).toBe("red ␛[31mtext␛]0;title␇ ␛[2J <U+009B>");
    expect(plain(`\`\`\`\n${ESC}[2J\n\`\`\``)).toContain("␛[2J");
    expect(plain(`\`${ESC}c\``)).toBe("`␛c`");
  });

  it.each(HOSTILE_STRINGS)("leaves only its own colours when the model sends $name", ({ text }) => {
    for (const source of [
      text,
      `**${text}**`,
      `\`${text}\``,
      `[${text}](${text})`,
      `\`\`\`\n${text}\n\`\`\``,
    ]) {
      const out = colored(source);
      // Every ESC left is the start of one of the renderer's own SGR colour codes.
      expect(withoutColours(out)).not.toMatch(TERMINAL_CONTROL);
    }
  });

  it("expands tabs so widths stay right", () => {
    expect(plain("```\n\tx\ta\n```")).toBe("  ```\n      x   a\n  ```");
  });
});

describe("renderMarkdown code blocks", () => {
  it("labels the language and indents the code", () => {
    expect(shown("```ts\nconst a = 1;\n```")).toBe("  ts\n  const a = 1;");
    expect(shown("```\nno label\n```")).toBe("  no label");
    expect(shown("```ts title=a.ts\nx\n```")).toBe("  ts\n  x");
  });

  it("highlights known languages in colour", () => {
    const out = colored("```ts\nconst a = 'x';\n```");
    expect(out).toContain(`${ESC}[35mconst${ESC}[39m`);
    expect(out).toContain(`${ESC}[32m'x'${ESC}[39m`);
    expect(colored("```python\ndef f(): pass\n```")).toContain(`${ESC}[35mdef${ESC}[39m`);
  });

  it("leaves unknown languages and unlabelled code unhighlighted", () => {
    expect(colored("```brainfuck\n+++.\n```")).toBe(`  ${ESC}[2mbrainfuck${ESC}[22m\n  +++.`);
    expect(colored("```\nconst a = 1;\n```")).toBe("  const a = 1;");
  });

  it("has no highlighting or escape codes at all without colour", () => {
    const out = renderMarkdown("```ts\nconst a = 1;\n```", {
      width: 80,
      color: false,
      highlight: highlightCode,
    });
    expect(out).toBe("  ```ts\n  const a = 1;\n  ```");
  });

  it("shows code without highlighting when the highlighter throws", () => {
    const out = renderMarkdown("```ts\nconst a = 1;\n```", {
      width: 80,
      color: true,
      highlight: () => {
        throw new Error("grammar failed");
      },
    });
    expect(strip(out)).toBe("  ts\n  const a = 1;");
  });

  it("renders an unclosed fence as code in progress", () => {
    expect(shown("Intro\n\n```py\nprint(1)\n\nx = ")).toBe("Intro\n\n  py\n  print(1)\n\n  x = ");
    expect(shown("```")).toBe("");
  });

  it("hard-wraps long code lines and keeps their indentation", () => {
    expect(shown("```\n    0123456789abcdef\n```", 12)).toBe("      012345\n  6789abcdef");
  });
});

describe("renderMarkdown wrapping", () => {
  it.each([12, 20, 40, 80, 120])("fits every line of a full document into %i columns", (width) => {
    for (const out of [colored(SAMPLE, width), plain(SAMPLE, width)]) {
      for (const line of out.split("\n")) {
        expect(stringWidth(line), JSON.stringify(strip(line))).toBeLessThanOrEqual(width);
      }
    }
  });

  it("keeps styles intact across wrapped lines", () => {
    const out = colored("**bold words that wrap over lines**", 12);
    const lines = out.split("\n");
    expect(lines.length).toBeGreaterThan(1);
    // Each line opens and closes its own bold, so Ink can lay lines out independently.
    for (const line of lines) expect(line).toMatch(new RegExp(`^${ESC}\\[1m.*${ESC}\\[22m$`));
  });

  it("renders nothing for empty input", () => {
    expect(plain("")).toBe("");
    expect(plain("\n\n")).toBe("");
  });
});
