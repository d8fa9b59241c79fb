import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { WrenConfig } from "../config/load.js";
import { HOSTILE_STRINGS, terminalInjections } from "../test-utils/hostile-strings.js";
import { bracketedPaste, Keys, renderInk } from "../test-utils/render.js";
import { resolvePaths } from "../utils/paths.js";
import { App } from "./app.js";
import { createReplServices } from "./services.js";

const config: WrenConfig = {
  providers: {},
  permissions: { allow: [], deny: [] },
  display: "standard",
  servers: [],
  warnings: [],
  files: [],
};

async function renderApp(options: { model?: string; history?: string[] } = {}) {
  const root = await mkdtemp(join(tmpdir(), "wren-app-"));
  const paths = resolvePaths({ WREN_HOME: join(root, "home") }, join(root, "project"));
  const services = await createReplServices({
    paths,
    config,
    env: {},
    ...(options.model && { model: options.model }),
    writeTerminal: () => {},
  });
  const { history, transcript } = services;
  for (const entry of options.history ?? []) await history.add(entry);
  transcript.append({ kind: "header" });
  const ui = renderInk(
    <App
      paths={paths}
      config={() => config}
      settings={services.settings}
      registry={services.registry}
      history={history}
      transcript={transcript}
      conversation={services.conversation}
      chat={services.chat}
      displayPath={(p) => p.replace(root, "~")}
    />,
  );
  await ui.waitForFrame("Ask anything");
  return { ui, history, paths, transcript };
}

describe("App", () => {
  it("shows hostile notices, command output and pasted text inert", async () => {
    const { ui, transcript } = await renderApp({ model: "mock/\u001b]0;PWNED\u0007m" });
    for (const { text } of HOSTILE_STRINGS) {
      transcript.notice(`MCP server failed: ${text}`, "error");
      transcript.append(
        { kind: "output", output: { kind: "text", text } },
        { kind: "output", output: { kind: "table", columns: ["name"], rows: [[text]] } },
        { kind: "chat", item: { kind: "error", text } },
      );
    }
    await ui.type(bracketedPaste(`pasted ${HOSTILE_STRINGS[0]?.text ?? ""}`));
    await ui.waitForFrame("pasted copy");
    expect(terminalInjections(ui.frames.join(""))).toEqual([]);
  });

  it("shows the header, the prompt and a footer naming the model", async () => {
    const { ui } = await renderApp({ model: "ollama/qwen3:8b" });
    const frame = ui.frame();
    expect(frame).toMatch(/wren\s+v/);
    expect(frame).toContain("model: ollama/qwen3:8b");
    expect(frame).toContain("~/project · ollama/qwen3:8b");
  });

  it("runs .help and /help alike", async () => {
    const { ui } = await renderApp();
    await ui.type("/help");
    await ui.press(Keys.enter);
    const frame = await ui.waitForFrame("Commands (/ works as well as .)");
    expect(frame).toContain(".exit");
    expect(frame).toContain("leave wren");
  });

  it("suggests the nearest command for a typo", async () => {
    const { ui } = await renderApp();
    await ui.type(".hepl");
    await ui.press(Keys.enter);
    await ui.waitForFrame("unknown command .hepl — did you mean .help?");
  });

  it("explains how to configure a model when none is set", async () => {
    const { ui, paths } = await renderApp();
    await ui.type("hello there");
    await ui.press(Keys.enter);
    const frame = await ui.waitForFrame("No model configured");
    expect(frame).toContain("--model PROVIDER/MODEL");
    expect(frame).toContain(paths.userSettings.replace(/.*wren-app-[^/]+/, "~"));
  });

  it("completes a command with Tab and shows candidates when ambiguous", async () => {
    const { ui } = await renderApp();
    await ui.type(".he");
    await ui.press(Keys.tab);
    await ui.waitForFrame("› .help");
    await ui.press(Keys.ctrlU);
    await ui.type(".");
    await ui.press(Keys.tab);
    await ui.waitForFrame(/help\s+model\s+new/);
  });

  it("walks history with ↑/↓, keeping the draft, and records what was sent", async () => {
    const { ui, history } = await renderApp({ history: ["first", "second"] });
    await ui.type("draft");
    await ui.press(Keys.up);
    await ui.waitForFrame("› second");
    await ui.press(Keys.up);
    await ui.waitForFrame("› first");
    await ui.press(Keys.down);
    await ui.press(Keys.down);
    await ui.waitForFrame("› draft");
    await ui.press(Keys.enter);
    await ui.waitForFrame("No model configured");
    expect(history.entries()).toEqual(["first", "second", "draft"]);
  });

  it("adds lines with \\ + Enter and Ctrl+J, and sends them as one message", async () => {
    const { ui } = await renderApp();
    await ui.type("line one\\");
    await ui.press(Keys.enter);
    await ui.type("line two");
    await ui.press(Keys.ctrlJ);
    await ui.type("line three");
    const frame = await ui.waitForFrame("line three");
    expect(frame).toMatch(/› line one\n\s+line two\n\s+line three/);
    await ui.press(Keys.enter);
    await ui.waitForFrame("No model configured");
  });

  it("keeps pasted line breaks as content", async () => {
    const { ui } = await renderApp();
    await ui.type("a\rb\rc");
    const frame = await ui.waitForFrame(/› a\n\s+b\n\s+c/);
    expect(frame).not.toContain("No model configured");
  });

  it("clears the input on the first Ctrl+C without losing it, and warns before exiting", async () => {
    const { ui, history } = await renderApp();
    await ui.type("unsent words");
    await ui.press(Keys.ctrlC);
    await ui.waitForFrame("Press Ctrl+C again to exit");
    expect(ui.frame()).not.toContain("unsent words");
    await expect.poll(() => history.entries()).toContain("unsent words");
  });
});

describe("App paste", () => {
  it("takes a bracketed paste with line breaks as text, not as Enter", async () => {
    const { ui } = await renderApp();
    await ui.press(bracketedPaste("one\rtwo\r"));
    await ui.waitForFrame(/› one\n\s+two/);
    expect(ui.frame()).not.toContain("No model configured");
  });
});

describe("App chunked keys", () => {
  it("splits control keys out of a chunk typed faster than it is read", async () => {
    const { ui } = await renderApp();
    await ui.type("junk");
    await ui.type("\u0015.exti\r");
    await ui.waitForFrame("did you mean .exit?");
    expect(ui.frame()).not.toContain("junk");
  });
});
