import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createReplServices } from "../app/services.js";
import type { WrenConfig } from "../config/load.js";
import { resolvePaths } from "../utils/paths.js";
import type { CommandContext, CommandOutput } from "./types.js";

async function setup(config: Partial<WrenConfig> = {}) {
  const root = await mkdtemp(join(tmpdir(), "wren-chatcmd-"));
  const paths = resolvePaths({ WREN_HOME: join(root, "home") }, join(root, "project"));
  const written: string[] = [];
  const services = await createReplServices({
    paths,
    config: {
      providers: {},
      permissions: { allow: [], deny: [] },
      display: "standard",
      servers: [],
      warnings: [],
      files: [],
      ...config,
    },
    env: {},
    writeTerminal: (data) => written.push(data),
  });
  const context: CommandContext = {
    paths,
    config: () => ({
      providers: {},
      permissions: { allow: [], deny: [] },
      display: "standard",
      servers: [],
      warnings: [],
      files: [],
    }),
    signal: new AbortController().signal,
    chat: services.chat,
  };
  const run = async (line: string): Promise<readonly CommandOutput[]> => {
    const parsed = services.registry.parse(line);
    if (parsed.kind !== "command") throw new Error(`not a command: ${line}`);
    return (await parsed.command.run(parsed.args, context)).output ?? [];
  };
  return { services, run, paths, written };
}

const texts = (outputs: readonly CommandOutput[]): string =>
  outputs
    .map((o) =>
      o.kind === "text"
        ? o.text
        : [o.columns.join(" "), ...o.rows.map((r) => r.join(" "))].join("\n"),
    )
    .join("\n");

describe("chat commands", () => {
  it(".display switches and saves the mode, and rejects unknown ones", async () => {
    const { run, services, paths } = await setup();
    expect(texts(await run(".display developer"))).toBe("display: developer");
    expect(services.settings.getSnapshot().display).toBe("developer");
    expect(JSON.parse(await readFile(paths.userSettings, "utf8"))).toEqual({
      display: "developer",
    });
    expect(texts(await run(".display loud"))).toContain('unknown display mode "loud"');
  });

  it(".model switches and saves, and checks the form", async () => {
    const { run, services, paths } = await setup();
    expect(texts(await run(".model gpt"))).toContain("expected provider/model");
    await run(".model ollama/qwen3:8b");
    expect(services.settings.getSnapshot().model).toBe("ollama/qwen3:8b");
    expect(JSON.parse(await readFile(paths.userSettings, "utf8")).model).toBe("ollama/qwen3:8b");
  });

  it(".usage shows cost when the settings give a price", async () => {
    const { run } = await setup({
      model: "p/m",
      providers: {
        p: { type: "openai-compatible", prices: { m: { inputPerMTok: 3, outputPerMTok: 15 } } },
      },
    });
    const output = texts(await run(".usage"));
    expect(output).toContain("cost");
    expect(output).toContain("$0");
    const { run: runNoPrice } = await setup({ model: "p/m" });
    expect(texts(await runNoPrice(".usage"))).toContain("add providers.PROVIDER.prices.MODEL");
  });

  it(".copy and .retry say when there is nothing yet; .sessions lists none", async () => {
    const { run, written } = await setup();
    expect(texts(await run(".copy"))).toBe("no answer to copy yet");
    expect(written).toEqual([]);
    expect(texts(await run(".retry"))).toBe("nothing to retry yet");
    expect(texts(await run(".sessions"))).toBe("no sessions yet in this directory");
  });
});
