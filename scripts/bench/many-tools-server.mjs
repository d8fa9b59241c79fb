#!/usr/bin/env node
// A stdio MCP server with many realistic tools, for the tool-search benchmark:
// `node scripts/bench/many-tools-server.mjs NAME COUNT`. Each tool has a sentence-long
// description and a few typed parameters, like the tools of GitHub's or Slack's servers.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import * as z from "zod";

const [name = "bench", countText = "30"] = process.argv.slice(2);
const count = Number(countText);
const VERBS = ["create", "list", "get", "update", "delete", "search", "archive", "assign"];
const NOUNS = ["issue", "comment", "label", "milestone", "branch", "release", "review", "file"];

const server = new McpServer({ name, version: "1.0.0" });
for (let i = 0; i < count; i++) {
  const verb = VERBS[i % VERBS.length];
  const noun = NOUNS[Math.floor(i / VERBS.length) % NOUNS.length];
  server.registerTool(
    `${verb}_${noun}_${i}`,
    {
      description: `${verb[0].toUpperCase()}${verb.slice(1)} a ${noun} in the ${name} workspace. Use this when the user asks to ${verb} a ${noun}; it returns the ${noun} as JSON with its id, title, state and timestamps.`,
      inputSchema: {
        owner: z.string().describe("Owner of the repository or workspace"),
        repo: z.string().describe("Name of the repository"),
        id: z.number().int().optional().describe(`The ${noun}'s number, when it exists already`),
        body: z.string().optional().describe(`Text of the ${noun}, in markdown`),
      },
    },
    async () => ({ content: [{ type: "text", text: `${verb} ${noun} done` }] }),
  );
}
await server.connect(new StdioServerTransport());
