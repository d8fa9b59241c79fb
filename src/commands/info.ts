import { describeStatus } from "../mcp/status-text.js";
import { redactSettings } from "../utils/redact.js";
import { VERSION } from "../version.js";
import type { Command, CommandOutput } from "./types.js";

/** `/status`: model, directory, session and MCP servers at a glance. */
export const statusCommand: Command = {
  name: "status",
  summary: "model, directory, session and MCP servers at a glance",
  run(_args, context) {
    const chat = context.chat;
    const state = chat?.conversation.getSnapshot();
    const servers = context.mcp?.getSnapshot();
    const configured = context.config().servers.length;
    const mcp =
      servers && servers.length > 0
        ? servers.map((s) => `${s.name}: ${describeStatus(s.status)}`)
        : [configured > 0 ? "loading…" : "none configured (see .mcp)"];
    const rows = [
      ["wren", `v${VERSION}`],
      ["model", chat?.model() ?? "no model configured"],
      ["directory", context.paths.project],
      ["session", state?.sessionId ?? "none"],
      ["messages", String(chat?.conversation.messages().length ?? 0)],
      ["display", chat?.display() ?? "standard"],
      ["mcp", mcp[0] ?? ""],
      ...mcp.slice(1).map((line) => ["", line]),
    ];
    const width = Math.max(...rows.map(([label]) => (label ?? "").length)) + 2;
    const text = rows
      .map(([label = "", value = ""]) => `${label.padEnd(width)}${value}`)
      .join("\n");
    return { output: [{ kind: "text", text }] };
  },
};

/** `/config`: the settings files wren reads and the configuration in force, secrets hidden. */
export const configCommand: Command = {
  name: "config",
  summary: "settings files and the effective configuration (secrets hidden)",
  run(_args, context) {
    const { paths } = context;
    const config = context.config();
    const read = new Set(config.files);
    const mark = (file: string): string => `${file}${read.has(file) ? "" : "  (not present)"}`;
    const files = [paths.userSettings, paths.projectSettings, paths.projectMcpJson];
    const extra = config.files.filter((f) => !files.includes(f));
    const effective = redactSettings({
      model: config.model,
      display: config.display,
      providers: config.providers,
      permissions: config.permissions,
      mcpServers: Object.fromEntries(config.servers.map(({ name, ...rest }) => [name, rest])),
    });
    const output: CommandOutput[] = [
      {
        kind: "text",
        text: [
          "Settings files (later ones win):",
          ...[...files, ...extra].map((f) => `  ${mark(f)}`),
        ].join("\n"),
      },
      { kind: "text", text: "Effective configuration:" },
      { kind: "text", tone: "dim", text: JSON.stringify(effective, null, 2) },
    ];
    if (config.warnings.length > 0) {
      output.push({ kind: "text", tone: "warning", text: config.warnings.join("\n") });
    }
    return { output };
  },
};
