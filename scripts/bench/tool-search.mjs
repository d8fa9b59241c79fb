#!/usr/bin/env node
// Tool search benchmark (issue 12): the estimated prompt tokens of wren's first model request
// with 5 MCP servers of 30 tools each, against the same request with no server. Offered
// directly, the definitions alone cost more than the rest of the prompt; in search mode the
// model gets one `search_tools` tool instead. Target: search mode <= 1.2x the no-server prompt.
// Runs the built dist/wren.js in print mode against the scripted model server.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitOnSignals, harness } from "../harness.mjs";
import { mockPath, repoRoot, wrenBin } from "../paths.mjs";

exitOnSignals();

const SERVERS = 5;
const TOOLS_PER_SERVER = 30;
const TARGET = 1.2;

/** Prompt tokens of one chat-completions request: what the model reads, ~4 characters a token. */
function promptTokens(body) {
  const text = JSON.stringify({ messages: body.messages, tools: body.tools ?? [] });
  return Math.ceil(text.length / 4);
}

async function firstRequest(model, settings, dir) {
  const home = await mkdtemp(join(dir, "home-"));
  const cwd = await mkdtemp(join(dir, "project-"));
  await model.reset([[{ text: "ok" }]]);
  await writeFile(
    join(home, "settings.json"),
    JSON.stringify({
      model: "mock/mock-model",
      providers: { mock: { type: "openai-compatible", baseURL: model.baseURL } },
      ...settings,
    }),
  );
  const result = await harness.runWren(["-p", "hello"], { home, cwd, bin: wrenBin });
  if (result.code !== 0) throw new Error(`wren -p failed (${result.code}): ${result.stderr}`);
  const [request] = await model.requests();
  if (!request) throw new Error("the model server saw no request");
  return request.body;
}

const servers = Object.fromEntries(
  Array.from({ length: SERVERS }, (_, i) => [
    `bench${i + 1}`,
    {
      command: process.execPath,
      args: [
        join(repoRoot, "scripts/bench/many-tools-server.mjs"),
        `bench${i + 1}`,
        String(TOOLS_PER_SERVER),
      ],
    },
  ]),
);

const dir = await mkdtemp(join(tmpdir(), "wren-bench-tools-"));
const model = await harness.startModelServerScript(mockPath("model-server.mjs"));
try {
  const none = await firstRequest(model, {}, dir);
  const direct = await firstRequest(
    model,
    { mcpServers: servers, toolSearch: { mode: "off" } },
    dir,
  );
  const search = await firstRequest(model, { mcpServers: servers }, dir);
  const mcpTools = (body) => (body.tools ?? []).filter((t) => t.function.name.startsWith("mcp__"));
  if (mcpTools(direct).length !== SERVERS * TOOLS_PER_SERVER) {
    throw new Error(
      `direct mode offered ${mcpTools(direct).length} MCP tools, not ${SERVERS * TOOLS_PER_SERVER}: a server did not connect in time`,
    );
  }
  const searchTool = (search.tools ?? []).find((t) => t.function.name === "search_tools");
  if (!searchTool || mcpTools(search).length !== 0) {
    throw new Error("search mode did not offer search_tools alone in place of the MCP tools");
  }
  const base = promptTokens(none);
  const rows = [
    ["no MCP server", base, 1],
    [`${SERVERS} servers / ${SERVERS * TOOLS_PER_SERVER} tools, direct`, promptTokens(direct)],
    [`${SERVERS} servers / ${SERVERS * TOOLS_PER_SERVER} tools, search`, promptTokens(search)],
  ].map(([label, tokens]) => [label, tokens, tokens / base]);
  console.log("tool search: estimated prompt tokens of the first request");
  for (const [label, tokens, ratio] of rows) {
    console.log(`  ${label.padEnd(34)} ${String(tokens).padStart(7)}  ${ratio.toFixed(2)}x`);
  }
  const ratio = rows[2][2];
  console.log(
    `  search mode: ${ratio.toFixed(2)}x the no-server prompt (target <= ${TARGET}x): ${ratio <= TARGET ? "met" : "NOT met"}`,
  );
} finally {
  await model.stop();
  await rm(dir, { recursive: true, force: true });
}
