import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../utils/errors.js";
import { resolvePaths, type WrenPaths } from "../utils/paths.js";
import { parseJsonDocument } from "./document.js";
import { addMcpServer, removeMcpServer } from "./mcp-servers-edit.js";

let root: string;
let paths: WrenPaths;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "wren-edit-"));
  paths = resolvePaths({ WREN_HOME: join(root, "home") }, join(root, "project"));
  await mkdir(paths.project, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A settings file as data (they may hold comments). */
async function json(file: string): Promise<unknown> {
  return parseJsonDocument(await readFile(file, "utf8"), file);
}

describe("addMcpServer", () => {
  it("saves to local scope by default: this project's entry in WREN_HOME, private", async () => {
    const added = await addMcpServer(paths, "web", { url: "https://w.example/mcp" });
    expect(added.label).toBe(`local scope (${paths.project}) in ${paths.localMcpServers}`);
    expect(added.server).toMatchObject({ name: "web", type: "http", url: "https://w.example/mcp" });
    expect(await json(paths.localMcpServers)).toEqual({
      projects: { [paths.project]: { mcpServers: { web: { url: "https://w.example/mcp" } } } },
    });
    expect((await stat(paths.home)).mode & 0o777).toBe(0o700);
  });

  it("saves to user and project scope, keeping comments and other keys", async () => {
    await mkdir(paths.home, { recursive: true });
    await writeFile(paths.userSettings, '{\n  // mine\n  "model": "a/b"\n}\n');
    await addMcpServer(paths, "fs", { type: "stdio", command: "npx", args: ["fs"] }, "user");
    const text = await readFile(paths.userSettings, "utf8");
    expect(text).toContain("// mine");
    expect(text).toContain('"model": "a/b"');
    expect(await json(paths.userSettings)).toEqual({
      model: "a/b",
      mcpServers: { fs: { type: "stdio", command: "npx", args: ["fs"] } },
    });
    const shared = await addMcpServer(paths, "j", { type: "sse", url: "https://s" }, "project");
    expect(shared.label).toBe(paths.projectMcpJson);
    expect(await json(paths.projectMcpJson)).toEqual({
      mcpServers: { j: { type: "sse", url: "https://s" } },
    });
  });

  it("refuses a name the scope already has, and an entry that does not validate", async () => {
    await addMcpServer(paths, "a", { url: "https://a" }, "user");
    const before = await readFile(paths.userSettings, "utf8");
    await expect(addMcpServer(paths, "a", { url: "https://b" }, "user")).rejects.toThrow(
      new UsageError(`a already exists in ${paths.userSettings}; remove it first`),
    );
    const invalid = addMcpServer(paths, "f", { url: "ftp://x" }, "user");
    await expect(invalid).rejects.toBeInstanceOf(UsageError);
    await expect(invalid).rejects.toThrow(/^invalid server: /);
    expect(await readFile(paths.userSettings, "utf8")).toBe(before);
  });
});

describe("removeMcpServer", () => {
  it("edits the file whose definition wins and names the lower ones", async () => {
    await mkdir(paths.home, { recursive: true });
    await writeFile(
      paths.userSettings,
      '{\n  // keep me\n  "mcpServers": { "a": { "url": "https://a" }, "b": { "url": "https://b" } }\n}\n',
    );
    await writeFile(paths.projectMcpJson, '{ "mcpServers": { "a": { "url": "https://p" } } }');
    expect(await removeMcpServer(paths, "a")).toEqual({
      label: paths.projectMcpJson,
      alsoIn: [paths.userSettings],
    });
    expect(await json(paths.projectMcpJson)).toEqual({ mcpServers: {} });
    expect(await removeMcpServer(paths, "a", "user")).toEqual({
      label: paths.userSettings,
      alsoIn: [],
    });
    const text = await readFile(paths.userSettings, "utf8");
    expect(text).toContain("// keep me");
    expect(text).toContain('"b"');
    expect(text).not.toContain('"a"');
  });

  it("finds local and project-settings servers too; refuses a name nobody defines", async () => {
    await addMcpServer(paths, "l", { url: "https://l" });
    await mkdir(join(paths.project, ".wren"), { recursive: true });
    await writeFile(paths.projectSettings, '{ "mcpServers": { "s": { "url": "https://s" } } }');
    expect((await removeMcpServer(paths, "l")).label).toContain("local scope");
    expect((await removeMcpServer(paths, "s")).label).toBe(paths.projectSettings);
    const missing = removeMcpServer(paths, "zz", "project");
    await expect(missing).rejects.toBeInstanceOf(UsageError);
    await expect(missing).rejects.toThrow(`no MCP server named "zz" in ${paths.projectMcpJson}`);
  });
});
