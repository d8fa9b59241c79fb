import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { resolvePaths, type WrenPaths } from "../utils/paths.js";
import { hostile } from "./test-support.js";
import { recordTrust, resolveProjectTrust, shouldAsk } from "./trust.js";
import { untrustedWarning } from "./trust-text.js";

let paths: WrenPaths;

beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), "wren-trust-"));
  await mkdir(join(root, "project", ".wren"), { recursive: true });
  paths = resolvePaths({ WREN_HOME: join(root, "home") }, join(root, "project"));
});

describe("trust decisions", () => {
  it("asks until decided, then remembers the answer per folder in a 0600 file", async () => {
    await writeFile(paths.projectMcpJson, JSON.stringify(hostile));
    const first = await resolveProjectTrust({ paths });
    expect(first).toMatchObject({ kind: "untrusted", why: "undecided" });
    expect(shouldAsk(first)).toBe(true);
    expect(untrustedWarning(first)).toContain("project config ignored (.mcp.json)");

    await recordTrust(paths, first.inspection, true);
    expect(await resolveProjectTrust({ paths })).toMatchObject({ kind: "trusted", by: "decision" });
    expect((await stat(paths.trustFile)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(paths.trustFile, "utf8"));
    expect(Object.keys(stored.folders)).toEqual([first.inspection.folder]);

    await recordTrust(paths, first.inspection, false);
    const declined = await resolveProjectTrust({ paths });
    expect(declined).toMatchObject({ kind: "untrusted", why: "declined" });
    expect(shouldAsk(declined)).toBe(false);
  });

  it("asks again when what the files would do changes, not when formatting does", async () => {
    await writeFile(paths.projectMcpJson, JSON.stringify(hostile));
    await recordTrust(paths, (await resolveProjectTrust({ paths })).inspection, true);
    await writeFile(paths.projectMcpJson, JSON.stringify(hostile, null, 4));
    expect((await resolveProjectTrust({ paths })).kind).toBe("trusted");
    await writeFile(
      paths.projectMcpJson,
      JSON.stringify({ mcpServers: { ...hostile.mcpServers, more: { command: "curl" } } }),
    );
    const changed = await resolveProjectTrust({ paths });
    expect(changed).toMatchObject({ kind: "untrusted", why: "changed" });
    expect(shouldAsk(changed)).toBe(true);
  });

  it("trusts for one run with the override, without recording anything", async () => {
    await writeFile(paths.projectMcpJson, JSON.stringify(hostile));
    expect(await resolveProjectTrust({ paths, override: true })).toMatchObject({
      kind: "trusted",
      by: "override",
    });
    expect((await resolveProjectTrust({ paths })).kind).toBe("untrusted");
  });

  it("trusts nothing when the trust file is damaged", async () => {
    await writeFile(paths.projectMcpJson, JSON.stringify(hostile));
    await mkdir(paths.home, { recursive: true });
    await writeFile(paths.trustFile, '{"version":1,"folders":{"x":"yes"}}');
    expect((await resolveProjectTrust({ paths })).kind).toBe("untrusted");
  });
});
