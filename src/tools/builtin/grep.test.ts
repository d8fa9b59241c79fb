import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "./common.js";
import { createGrepTool } from "./grep.js";
import {
  findExecutable,
  javascriptEngine,
  ripgrepEngine,
  type SearchEngine,
  type SearchHit,
  searchText,
} from "./search.js";
import { call, sensitiveIn, type TempProject, tempProject, textOf } from "./test-support.js";

const rg = await findExecutable("rg", process.env);
const engines: [string, SearchEngine | undefined][] = [
  ["javascript", javascriptEngine],
  ["ripgrep", rg ? ripgrepEngine(rg) : undefined],
];

describe("searchText", () => {
  it("reports matches with merged context", () => {
    const hits: SearchHit[] = [];
    searchText("a\nx1\nb\nx2\nc\nd\ne\n", "f", /x/, 1, (hit) => hits.push(hit) > 0);
    expect(hits.map((h) => `${h.line}${h.isMatch ? ":" : "-"}`)).toEqual([
      "1-",
      "2:",
      "3-",
      "4:",
      "5-",
    ]);
  });
});

describe.each(engines)("grep (%s)", (_name, engine) => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({
      ".gitignore": "ignored/\n",
      "src/a.ts": "const needle = 1;\nconst other = 2;\nNEEDLE();\n",
      "src/b.js": "needle here too\n",
      "src/c.ts": "nothing\n",
      "ignored/x.ts": "needle\n",
      ".git/config": "needle\n",
    });
  });
  afterEach(() => temp?.cleanup());
  const tool = (limits = DEFAULT_LIMITS) => {
    if (!engine) throw new Error("unreachable");
    return createGrepTool(temp.project, limits, async () => engine, sensitiveIn(temp));
  };

  it.skipIf(!engine)(
    "finds matching lines, skipping .gitignore'd files, .git and binaries",
    async () => {
      await temp.write("bin.dat", new Uint8Array([110, 101, 101, 100, 108, 101, 0, 1]));
      const text = textOf(await call(tool(), { pattern: "needle" }));
      expect(text.split("\n")).toEqual([
        "src/a.ts:1:const needle = 1;",
        "src/b.js:1:needle here too",
      ]);
    },
  );

  it.skipIf(!engine)("filters by glob, ignores case, and has files and count modes", async () => {
    expect(textOf(await call(tool(), { pattern: "needle", glob: "*.ts", ignore_case: true }))).toBe(
      "src/a.ts:1:const needle = 1;\nsrc/a.ts:3:NEEDLE();",
    );
    expect(
      textOf(await call(tool(), { pattern: "needle", output_mode: "files_with_matches" })),
    ).toBe("src/a.ts\nsrc/b.js");
    expect(
      textOf(await call(tool(), { pattern: "needle", ignore_case: true, output_mode: "count" })),
    ).toBe("src/a.ts:2\nsrc/b.js:1");
  });

  it.skipIf(!engine)("shows context lines and searches a single file", async () => {
    expect(textOf(await call(tool(), { pattern: "other", path: "src/a.ts", context: 1 }))).toBe(
      "src/a.ts-1-const needle = 1;\nsrc/a.ts:2:const other = 2;\nsrc/a.ts-3-NEEDLE();",
    );
  });

  it.skipIf(!engine)("stops at head_limit with a note", async () => {
    const text = textOf(await call(tool(), { pattern: "e", head_limit: 2 }));
    expect(text.split("\n")).toHaveLength(3);
    expect(text).toMatch(/\[showing the first 2 matches; there are more/);
  });

  it.skipIf(!engine)("says when nothing matches and fails clearly on bad input", async () => {
    expect(textOf(await call(tool(), { pattern: "zzz" }))).toBe("no matches for zzz in .");
    const bad = await call(tool(), { pattern: "(" });
    expect(bad.status).toBe("error");
    expect(textOf(await call(tool(), { pattern: "x", path: "missing" }))).toBe(
      "missing does not exist",
    );
    expect(textOf(await call(tool(), { pattern: 5 }))).toMatch(/^invalid arguments: pattern/);
  });

  it.skipIf(!engine)("truncates huge output with a note", async () => {
    await temp.write("many.txt", "needle line\n".repeat(500));
    const limits = { ...DEFAULT_LIMITS, maxOutputChars: 300, grepResults: 1000 };
    const text = textOf(await call(tool(limits), { pattern: "needle", path: "many.txt" }));
    expect(text).toMatch(/\[truncated: \d+ more characters not shown; narrow the search\]$/);
    expect(text.length).toBeLessThan(400);
  });
});
