// The chat commands (commands/chat.ts) as the REPL wires them: real services, settings saved to
// a temp WREN_HOME. Here in app/ because createReplServices is what builds their context.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandContext, CommandOutput } from "../commands/types.js";
import type { WrenConfig } from "../config/load.js";
import { resolvePaths } from "../utils/paths.js";
import { createReplServices } from "./services.js";

async function setup(config: Partial<WrenConfig> = {}) {
  const root = await mkdtemp(join(tmpdir(), "wren-chatcmd-"));
  const paths = resolvePaths({ WREN_HOME: join(root, "home") }, join(root, "project"));
  const written: string[] = [];
  const full: WrenConfig = {
    providers: {},
    permissions: { allow: [], deny: [] },
    display: "standard",
    servers: [],
    warnings: [],
    files: [],
    ...config,
  };
  const services = await createReplServices({
    paths,
    config: full,
    env: {},
    writeTerminal: (data) => written.push(data),
  });
  const context: CommandContext = {
    paths,
    config: () => full,
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

  it(".model warns at once when the provider has no key, and not when it needs none", async () => {
    const { run, services } = await setup();
    const output = texts(await run(".model openai/gpt-4o"));
    expect(output).toContain("no API key for openai");
    expect(output).toContain("OPENAI_API_KEY");
    expect(services.settings.getSnapshot().model).toBe("openai/gpt-4o");
    expect(texts(await run(".model ollama/qwen3:8b"))).toBe("model: ollama/qwen3:8b");
  });

  it("/cost is .usage; /status names the model, directory and session", async () => {
    const { run, services, paths } = await setup({ model: "ollama/qwen3:8b" });
    expect(texts(await run("/cost"))).toBe(texts(await run(".usage")));
    const status = texts(await run("/status"));
    expect(status).toContain("ollama/qwen3:8b");
    expect(status).toContain(paths.project);
    expect(status).toContain(services.conversation.getSnapshot().sessionId ?? "?");
    expect(status).toMatch(/mcp\s+none configured/);
  });

  it("/config shows the files and the effective config with secrets hidden", async () => {
    const { run, paths } = await setup({
      model: "p/m",
      providers: { p: { type: "openai-compatible", apiKey: "sk-very-secret-1" } },
      files: [],
    });
    const output = texts(await run("/config"));
    expect(output).toContain(paths.userSettings);
    expect(output).toContain('"model": "p/m"');
    expect(output).toContain("‹redacted›");
    expect(output).not.toContain("sk-very-secret-1");
  });
});
