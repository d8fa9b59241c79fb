import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { WrenConfig } from "../config/load.js";
import { resolveProjectTrust } from "../config/trust.js";
import { resolvePaths, type WrenPaths } from "../utils/paths.js";
import { trustCommand } from "./trust.js";
import type { CommandContext, CommandResult } from "./types.js";

let paths: WrenPaths;
let context: CommandContext;

beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), "wren-trust-cmd-"));
  paths = resolvePaths({ WREN_HOME: join(root, "home") }, root);
  const config: WrenConfig = {
    providers: {},
    permissions: { allow: [], deny: [] },
    display: "standard",
    servers: [],
    warnings: [],
    files: [],
  };
  context = { paths, config: () => config, signal: new AbortController().signal };
});

function text(result: CommandResult): string {
  return (result.output ?? []).map((o) => (o.kind === "text" ? o.text : "")).join("\n");
}

describe(".trust", () => {
  it("says when there is nothing to trust", async () => {
    const result = await trustCommand({ inForce: () => true }).run("", context);
    expect(text(result)).toContain("No project config here needs trust");
  });

  it("shows the decision and what the config would do, and records yes / no", async () => {
    await writeFile(
      paths.projectMcpJson,
      JSON.stringify({ mcpServers: { s: { url: "https://x.example/mcp" } } }),
    );
    const command = trustCommand({ inForce: () => false });
    const shown = text(await command.run("", context));
    expect(shown).toContain("Decision: not trusted yet (never decided)");
    expect(shown).toContain("connects s (http): https://x.example/mcp");
    expect(shown).toContain("In this session the project config is ignored");

    const yes = text(await command.run("yes", context));
    expect(yes).toContain("Trusted. It applies from the next start of wren in this folder.");
    expect((await resolveProjectTrust({ paths })).kind).toBe("trusted");

    expect(text(await command.run("no", context))).toMatch(/Not trusted any more\.$/);
    expect(await resolveProjectTrust({ paths })).toMatchObject({
      kind: "untrusted",
      why: "declined",
    });
    expect(text(await command.run("maybe", context))).toBe("usage: .trust [yes|no]");
  });
});
