import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { parseJsonDocument, readOnce, readTextIfExists, validateDocument } from "./document.js";
import { ConfigError } from "./errors.js";

function parseError(text: string): ConfigError {
  try {
    parseJsonDocument(text, "/p/.mcp.json");
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseJsonDocument", () => {
  it("reports invalid JSON with line and column", () => {
    const error = parseError(
      '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": 1\n  }\n}',
    );
    expect(error.message).toMatch(/\.mcp\.json: invalid JSON at line 4, column 5: comma expected/);
  });

  it("rejects a top level that is not an object", () => {
    expect(parseError("[1, 2]").message).toContain("expected a JSON object at the top level");
  });

  it("tolerates comments and trailing commas; an empty file is an empty object", () => {
    const text = '{\n  // my model\n  "model": "ollama/llama3",\n}\n';
    expect(parseJsonDocument(text, "f")).toEqual({ model: "ollama/llama3" });
    expect(parseJsonDocument("  \n", "f")).toEqual({});
  });
});

describe("validateDocument", () => {
  const schema = z.strictObject({
    display: z.optional(z.enum(["zen", "standard"])),
    nested: z.optional(z.strictObject({ port: z.optional(z.number()) })),
  });

  it("drops unknown keys at any depth as warnings, naming file, path and a likely meaning", () => {
    const { data, warnings } = validateDocument(
      schema,
      { display: "zen", dispaly: "x", nested: { port: 1, extra: true } },
      "f.json",
      ["at"],
    );
    expect(data).toEqual({ display: "zen", nested: { port: 1 } });
    expect(warnings.toSorted()).toEqual([
      'f.json: at.dispaly: unknown key, ignored (did you mean "display"?)',
      "f.json: at.nested.extra: unknown key, ignored",
    ]);
  });

  it("words issues the same once classic zod (and its global English locale) is loaded", async () => {
    // The MCP SDK builds classic zod schemas; the first one sets zod's English locale globally,
    // and from then on zod/mini's issues arrive pre-worded.
    (await import("zod")).string();
    const issues = (() => {
      try {
        validateDocument(schema, { display: "loud" }, "f.json");
      } catch (e) {
        if (e instanceof ConfigError) return e.issues;
      }
      return [];
    })();
    expect(issues).toEqual([
      { file: "f.json", path: ["display"], message: 'expected one of "zen", "standard"' },
    ]);
  });

  it("throws every other problem as a ConfigError issue with its JSON path", () => {
    const error = (() => {
      try {
        validateDocument(schema, { display: "loud", nested: { port: "1" } }, "f.json");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { file: "f.json", path: ["display"], message: 'expected one of "zen", "standard"' },
      { file: "f.json", path: ["nested", "port"], message: "expected a number" },
    ]);
  });
});

describe("readTextIfExists", () => {
  it("reads a file, answers undefined for a missing one and throws for a directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wren-doc-"));
    expect(await readTextIfExists(join(dir, "missing.json"))).toBeUndefined();
    await expect(readTextIfExists(dir)).rejects.toMatchObject({ code: "EISDIR" });
  });
});

describe("readOnce", () => {
  it("answers later reads of a file with the first read, a missing file and errors included", async () => {
    const reads: string[] = [];
    const read = readOnce(async (file) => {
      reads.push(file);
      if (file === "bad") throw new Error("EISDIR");
      return file === "a" ? `text ${reads.length}` : undefined;
    });
    expect(await read("a")).toBe("text 1");
    expect(await read("a")).toBe("text 1");
    expect(await read("missing")).toBeUndefined();
    expect(await read("missing")).toBeUndefined();
    await expect(read("bad")).rejects.toThrow("EISDIR");
    await expect(read("bad")).rejects.toThrow("EISDIR");
    expect(reads).toEqual(["a", "missing", "bad"]);
  });
});
