import { describe, expect, it } from "vitest";
import { highlightCode } from "./highlight.js";
import { renderMarkdown } from "./render.js";
import { splitStableMarkdown } from "./split.js";

const split = (text: string): [string, string] => {
  const { stable, tail } = splitStableMarkdown(text);
  return [stable, tail];
};

/** Feeds text in chunks the way the chat does: split the tail plus each delta. */
function stream(text: string, chunk: number): string[] {
  const stable: string[] = [];
  let tail = "";
  for (let i = 0; i < text.length; i += chunk) {
    const next = splitStableMarkdown(tail + text.slice(i, i + chunk));
    if (next.stable) stable.push(next.stable);
    tail = next.tail;
  }
  return [...stable, tail];
}

describe("splitStableMarkdown", () => {
  it("splits before the last block that starts after a blank line", () => {
    expect(split("one\n\ntwo\n\nthree")).toEqual(["one\n\ntwo\n\n", "three"]);
    expect(split("one\n\ntwo\n\n")).toEqual(["one\n\n", "two\n\n"]);
    expect(split("one\n\n\n\ntwo")).toEqual(["one\n\n\n\n", "two"]);
  });

  it("keeps everything in the tail until a boundary exists", () => {
    expect(split("")).toEqual(["", ""]);
    expect(split("one paragraph\nstill the same")).toEqual(["", "one paragraph\nstill the same"]);
    expect(split("\n\nfirst")).toEqual(["", "\n\nfirst"]);
  });

  it("never splits inside a fence, even across blank lines", () => {
    const open = "intro\n\n```ts\nconst a = 1;\n\nconst b = 2;\n\nlet c";
    expect(split(open)).toEqual(["intro\n\n", "```ts\nconst a = 1;\n\nconst b = 2;\n\nlet c"]);
    const tildes = "~~~\n```\n\nnot closed by backticks\n```\n\nstill code";
    expect(split(tildes)).toEqual(["", tildes]);
    const longer = "````md\n```js\n\nx\n```\n\nstill inside\n";
    expect(split(longer)).toEqual(["", longer]);
  });

  it("splits right after a top-level fence closes", () => {
    expect(split("```\na\n\nb\n```\n")).toEqual(["```\na\n\nb\n```\n", ""]);
    expect(split("```\na\n```\nafter")).toEqual(["```\na\n```\n", "after"]);
    // A closing line still arriving could yet become "```x", which would not close.
    expect(split("```\na\n```")).toEqual(["", "```\na\n```"]);
    expect(split("````\na\n```\n\nb")).toEqual(["", "````\na\n```\n\nb"]);
  });

  it("does not take inline triple backticks for a fence", () => {
    expect(split("use ```js``` here\n\nnext")).toEqual(["use ```js``` here\n\n", "next"]);
  });

  it("treats fences in list items and quotes as fences", () => {
    const listed = "- step one\n  ```sh\n  npm install\n\nnpm test\n  ```\n";
    expect(split(listed)).toEqual(["", listed]);
    const quoted = "> ```\n> a\n\nb\n> ```\n";
    expect(split(quoted)).toEqual(["", quoted]);
    // Closing an indented fence does not end the list item it sits in.
    expect(split("- a\n  ```\n  x\n  ```\n  more")).toEqual(["", "- a\n  ```\n  x\n  ```\n  more"]);
    expect(split("- a\n  ```\n  x\n  ```\n- b")).toEqual(["", "- a\n  ```\n  x\n  ```\n- b"]);
  });

  it("keeps indented continuations of lists and indented code in the tail", () => {
    const list = "- a\n\n  more about a\n\n    code in a\n- b";
    expect(split(list)).toEqual(["", list]);
    // Items separated by a blank line make one loose list: splitting would render it tight.
    expect(split("- a\n\n- b")).toEqual(["", "- a\n\n- b"]);
    expect(split("1. a\n   more\n\n2. b")).toEqual(["", "1. a\n   more\n\n2. b"]);
    expect(split("- a\n\n-")).toEqual(["", "- a\n\n-"]);
    expect(split("- a\n\nafter the list\n\n- new list")).toEqual([
      "- a\n\nafter the list\n\n",
      "- new list",
    ]);
    expect(split("intro\n\n- a")).toEqual(["intro\n\n", "- a"]);
    expect(split("    code\n\n    more code")).toEqual(["", "    code\n\n    more code"]);
  });

  it("splits around tables but not inside them", () => {
    const table = "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |";
    expect(split(`intro\n\n${table}`)).toEqual(["intro\n\n", table]);
    expect(split(`${table}\n\nafter`)).toEqual([`${table}\n\n`, "after"]);
  });

  it("keeps raw HTML blocks that may hold blank lines together", () => {
    const comment = "<!-- a\n\nb -->\n\nafter";
    expect(split(comment)).toEqual(["<!-- a\n\nb -->\n\n", "after"]);
    expect(split("<!-- open\n\nstill open")).toEqual(["", "<!-- open\n\nstill open"]);
    expect(split("<pre>\nx\n\ny")).toEqual(["", "<pre>\nx\n\ny"]);
    expect(split("<!-- one line -->\n\nnext")).toEqual(["<!-- one line -->\n\n", "next"]);
  });

  it("returns the input in two parts at every prefix", () => {
    const text = "# T\n\npara\n\n```\ncode\n\nx\n```\n- a\n\n- b\n\n| a |\n|---|\n| 1 |\n\nend";
    for (let end = 0; end <= text.length; end++) {
      const prefix = text.slice(0, end);
      const { stable, tail } = splitStableMarkdown(prefix);
      expect(stable + tail).toBe(prefix);
    }
  });
});

describe("streaming with splitStableMarkdown", () => {
  const ANSWER = `# Plan

First, install the tools:

\`\`\`bash
npm install

npm test
\`\`\`
Then edit the config.

- one
- two

- three, in a loose list
  with a continuation

  and a second paragraph

1. first
2. second

> quoted advice
> over two lines

| Column | Value |
|--------|------:|
| a      | 1     |
| b      | 22    |

Text with **bold
across lines** and a [link](https://example.com).

~~~
tilde fence with a blank

line
~~~

Done.
`;

  const TRICKY = `Setext title
============

1. Install:

   \`\`\`sh
   npm i

   npm run build
   \`\`\`

2. Configure
   - nested
   - [x] task

<!-- a comment

spanning blank lines -->

\`\`\`diff
- removed

+ added
\`\`\`
## Heading right after a fence
    indented code

    more indented code

Paragraph with a<br>break and a table:

| a | b |
|:-:|---|
| 1 | two words |

***

> quote

> another quote
`;

  it.each([1, 3, 7, 64])("reassembles the text when streamed in %i-character deltas", (chunk) => {
    expect(stream(ANSWER, chunk).join("")).toBe(ANSWER);
  });

  it.each([
    [1, "answer", ANSWER],
    [5, "answer", ANSWER],
    [16, "answer", ANSWER],
    [1, "tricky", TRICKY],
    [4, "tricky", TRICKY],
  ])("renders the parts like the whole (%i-character deltas, %s)", (chunk, _name, text) => {
    const parts = stream(text, chunk);
    expect(parts.length).toBeGreaterThan(5);
    for (const color of [false, true]) {
      const options = { width: 50, color, highlight: highlightCode };
      const pieces = parts.map((part) => renderMarkdown(part, options)).filter(Boolean);
      expect(pieces.join("\n\n")).toBe(renderMarkdown(text, options));
    }
  });
});
