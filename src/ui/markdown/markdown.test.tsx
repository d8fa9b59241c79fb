import { Box } from "ink";
import { describe, expect, it } from "vitest";
import { renderInk } from "../../test-utils/render.js";
import { createCodeHighlighter, type HighlightFn } from "./code-highlighter.js";
import {
  CodeHighlighterContext,
  colorFromEnv,
  defaultCodeHighlighter,
  Markdown,
} from "./markdown.js";

const ESC = "\u001b";

describe("<Markdown>", () => {
  it("renders markdown as terminal text", () => {
    const ui = renderInk(<Markdown text={"# Title\n\n- one\n- two\n\n`code`"} color={false} />);
    expect(ui.frame()).toBe("# Title\n\n• one\n• two\n\n`code`");
  });

  it("wraps to the width prop, and to the terminal's columns by default", () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const narrow = renderInk(<Markdown text={words} width={20} color={false} />);
    expect(
      narrow
        .frame()
        .split("\n")
        .every((line) => line.length <= 20),
    ).toBe(true);
    // ink-testing-library's stdout has 100 columns.
    const wide = renderInk(<Markdown text={words} color={false} />);
    const lines = wide.frame().split("\n");
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.every((line) => line.length <= 100)).toBe(true);
    expect(lines[0]?.length).toBeGreaterThan(90);
  });

  it("shows code plain at once, then highlighted once the highlighter has loaded", async () => {
    const highlight: HighlightFn = (code) => `${ESC}[35m${code}${ESC}[39m`;
    let resolve: (module: { highlightCode: HighlightFn }) => void = () => {};
    const promise = new Promise<{ highlightCode: HighlightFn }>((done) => {
      resolve = done;
    });
    const highlighter = createCodeHighlighter({ importHighlighter: () => promise });
    const ui = renderInk(
      <CodeHighlighterContext value={highlighter}>
        <Box flexDirection="column">
          <Markdown text={"```ts\nconst a = 1;\n```"} color />
          <Markdown text={"```py\nb = 2\n```"} color />
        </Box>
      </CodeHighlighterContext>,
    );
    expect(ui.frame()).toContain("  const a = 1;");
    expect(ui.frame()).not.toContain(`${ESC}[35m`);
    resolve({ highlightCode: highlight });
    const frame = await ui.waitForFrame(`${ESC}[35mb = 2`);
    expect(frame).toContain(`${ESC}[35mconst a = 1;`);
  });

  it("does not load the highlighter without colour or without fenced code", async () => {
    let imports = 0;
    const highlighter = createCodeHighlighter({
      importHighlighter: async () => {
        imports++;
        return { highlightCode: () => undefined };
      },
    });
    const ui = renderInk(
      <CodeHighlighterContext value={highlighter}>
        <Box flexDirection="column">
          <Markdown text={"```ts\nconst a = 1;\n```"} color={false} />
          <Markdown text="just `inline` code" color />
        </Box>
      </CodeHighlighterContext>,
    );
    await ui.settle();
    expect(imports).toBe(0);
    expect(ui.frame()).toContain("```ts");
  });

  it("loads the real highlighter on its own when no context provides one", async () => {
    const ui = renderInk(<Markdown text={"```js\nlet a = 1\n```"} color />);
    await ui.waitForFrame(`${ESC}[35mlet${ESC}[39m`);
  });

  it("highlights in the first frame once the shared highlighter is loaded, as <Static> needs", async () => {
    await defaultCodeHighlighter.load();
    const ui = renderInk(<Markdown text={"```js\nconst b = 2\n```"} color />);
    expect(ui.frame()).toContain(`${ESC}[35mconst${ESC}[39m`);
  });
});

describe("colorFromEnv", () => {
  it("follows NO_COLOR and FORCE_COLOR=0", () => {
    expect(colorFromEnv({})).toBe(true);
    expect(colorFromEnv({ NO_COLOR: "1" })).toBe(false);
    expect(colorFromEnv({ NO_COLOR: "" })).toBe(true);
    expect(colorFromEnv({ FORCE_COLOR: "0" })).toBe(false);
  });
});
