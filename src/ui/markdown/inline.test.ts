import { describe, expect, it } from "vitest";
import { colored, ESC, plain, shown } from "./test-support.js";

describe("inline markdown", () => {
  it("styles emphasis, strikethrough and inline code", () => {
    const text = "*it* **bo** ~~del~~ `x < y`";
    expect(shown(text)).toBe("it bo del x < y");
    const out = colored(text);
    expect(out).toContain(`${ESC}[3mit${ESC}[23m`);
    expect(out).toContain(`${ESC}[1mbo${ESC}[22m`);
    expect(out).toContain(`${ESC}[9mdel${ESC}[29m`);
    expect(out).toContain(`${ESC}[36mx < y${ESC}[39m`);
    // Without colour, backticks are what marks code.
    expect(plain(text)).toBe("it bo del `x < y`");
  });

  it("shows link text with a dim URL, and bare URLs once", () => {
    expect(shown("see [docs](https://x.dev/docs)")).toBe("see docs (https://x.dev/docs)");
    expect(colored("see [docs](https://x.dev/docs)")).toContain(`${ESC}[2m(https://x.dev/docs)`);
    expect(shown("go to https://x.dev or <https://y.dev>")).toBe(
      "go to https://x.dev or https://y.dev",
    );
    expect(shown("[https://x.dev](https://x.dev)")).toBe("https://x.dev");
    expect(shown("mail <a@b.dev>")).toBe("mail a@b.dev");
    expect(shown("![a cat](cat.png)")).toBe("[image: a cat] (cat.png)");
  });

  it("keeps the model's line breaks and decodes character references", () => {
    expect(shown("line one\nline two")).toBe("line one\nline two");
    expect(shown("a &amp; b &lt;c&gt; &copy; &#8594; &unknown;")).toBe("a & b <c> © → &unknown;");
  });
});
