import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolvePaths, type WrenPaths } from "../utils/paths.js";
import { loadConfig } from "./load.js";
import { saveServerEnabled } from "./server-enabled.js";

let dir: string;
let paths: WrenPaths;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-enabled-"));
  paths = resolvePaths({ WREN_HOME: join(dir, "home") }, join(dir, "project"));
  await mkdir(paths.home, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("saveServerEnabled", () => {
  it("turns a legacy `disabled` into `enabled`, keeping the user's comments", async () => {
    const entry = { command: "x", disabled: true };
    await writeFile(
      paths.userSettings,
      `{\n  // mine\n  "mcpServers": {\n    "m": ${JSON.stringify(entry)}\n  }\n}\n`,
    );
    const [server] = (await loadConfig({ paths, env: {} })).servers;
    expect(server?.enabled).toBe(false);
    if (!server) throw new Error("no server loaded");
    await saveServerEnabled(server, true);
    const text = await readFile(paths.userSettings, "utf8");
    expect(text).toContain("// mine");
    expect(text).toContain('"enabled": true');
    expect(text).not.toContain('"disabled"');
    expect((await loadConfig({ paths, env: {} })).servers[0]?.enabled).toBe(true);
    await saveServerEnabled(server, false);
    expect((await loadConfig({ paths, env: {} })).servers[0]?.enabled).toBe(false);
  });

  it("edits a local-scope server inside its project's entry, not at the top", async () => {
    const file = join(dir, "local-mcp.json");
    const at = ["projects", "/p", "mcpServers"];
    await writeFile(
      file,
      JSON.stringify({ projects: { "/p": { mcpServers: { s: { command: "x" } } } } }),
    );
    await saveServerEnabled({ name: "s", source: file, sourcePath: at }, false);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({
      projects: { "/p": { mcpServers: { s: { command: "x", enabled: false } } } },
    });
  });
});
