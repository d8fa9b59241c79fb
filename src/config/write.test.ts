import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { updateJsonFile } from "./write.js";

async function tempFile(content?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "wren-write-"));
  const file = join(dir, "settings.json");
  if (content !== undefined) await writeFile(file, content);
  return file;
}

describe("updateJsonFile", () => {
  it("creates the file when missing", async () => {
    const file = await tempFile();
    await updateJsonFile(file, ["mcpServers", "fs"], { command: "x" });
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({
      mcpServers: { fs: { command: "x" } },
    });
  });

  it("keeps other keys, comments and indentation", async () => {
    const original = '{\n\t// keep me\n\t"model": "ollama/x",\n\t"custom": [1, 2]\n}\n';
    const file = await tempFile(original);
    await updateJsonFile(file, ["mcpServers", "a"], { url: "https://a.example" });
    const text = await readFile(file, "utf8");
    expect(text).toContain("// keep me");
    expect(JSON.parse(text.replace("// keep me", "")).custom).toEqual([1, 2]);
    expect(text).toContain('\t"mcpServers": {\n\t\t"a": {');
    await updateJsonFile(file, ["mcpServers", "a"], undefined);
    expect(await readFile(file, "utf8")).not.toContain('"a"');
  });

  it("refuses to edit a file that does not parse and leaves it untouched", async () => {
    const file = await tempFile("{ broken");
    await expect(updateJsonFile(file, ["model"], "a/b")).rejects.toBeInstanceOf(ConfigError);
    expect(await readFile(file, "utf8")).toBe("{ broken");
  });

  it("leaves no temp files behind", async () => {
    const file = await tempFile("{}");
    await updateJsonFile(file, ["model"], "a/b");
    expect(await readdir(join(file, ".."))).toEqual(["settings.json"]);
  });
});
