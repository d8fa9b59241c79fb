// The REPL's MCP side: the manager with OAuth, sampling and elicitation wired to the REPL's
// prompts (loaded lazily, after the first frame), and a command's questions asked in the
// elicitation form. Print mode has its own start in print-mcp.ts.
import type { FieldsRequest } from "../commands/types.js";
import type { WrenConfig } from "../config/load.js";
import type { ElicitationStore } from "../mcp/elicitation-store.js";
import type { McpManager } from "../mcp/manager.js";
import type { AuthPromptStore } from "../mcp/oauth/auth-store.js";
import type { SamplingConsentStore } from "../mcp/sampling-consent.js";
import type { UrlElicitationStore } from "../mcp/url-elicitation-store.js";
import { DEFAULT_TOOL_SEARCH } from "../tools/tool-search.js";
import type { WrenPaths } from "../utils/paths.js";
import { lazyChatModel, type ReplServices } from "./services.js";

/** What the REPL's MCP start reads from the REPL's options. */
export interface ReplMcpOptions {
  readonly paths: WrenPaths;
  readonly config: WrenConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly noBrowser?: boolean;
}

/** Starts every configured server (in the background) with OAuth through the REPL's modal. */
export async function startReplMcp(
  options: ReplMcpOptions,
  ui: {
    elicitations: ElicitationStore;
    samplingConsents: SamplingConsentStore;
    services: ReplServices;
  },
  authPrompts: AuthPromptStore,
  urlElicitations: UrlElicitationStore,
  warn: (line: string) => void,
  notify: (line: string) => void,
): Promise<McpManager> {
  const [
    { createMcpManager },
    { connectMcpServer },
    { createMcpOAuth },
    { createSamplingHandler },
    { describeLogout },
  ] = await Promise.all([
    import("../mcp/manager.js"),
    import("../mcp/connect.js"),
    import("../mcp/oauth/mcp-oauth.js"),
    import("../mcp/sampling.js"),
    import("../mcp/oauth/logout-text.js"),
  ]);
  const { services } = ui;
  // Stored tokens, silent refresh, and `.mcp auth` sign-ins through the REPL's prompt.
  const oauth = createMcpOAuth({
    paths: options.paths,
    interaction: authPrompts,
    env: options.env,
    warn,
    notice: notify,
    ...(options.config.oauthStorage && { oauthStorage: options.config.oauthStorage }),
    ...(options.noBrowser && { noBrowser: true }),
  });
  const manager = createMcpManager({
    servers: options.config.servers,
    paths: options.paths,
    connect: oauth.wrapConnect(connectMcpServer),
    logout: async (server) => describeLogout(server.name, await oauth.logout(server)),
    elicitation: ui.elicitations.handler,
    urlElicitation: urlElicitations.elicitor,
    toolSearch: { ...DEFAULT_TOOL_SEARCH, ...options.config.toolSearch },
    // Servers may use the model the user has chosen, each request after the user's consent.
    sampling: createSamplingHandler({
      model: () => {
        const id = services.settings.getSnapshot().model;
        return id === undefined ? undefined : lazyChatModel(id, options.config, options.env);
      },
      consent: ui.samplingConsents.consent,
      onUsage: (usage) => services.conversation.recordUsage(usage),
    }),
  });
  manager.start();
  return manager;
}

/** A command's questions (a prompt's missing arguments) in the elicitation form. */
export async function askFields(
  elicitations: ElicitationStore,
  request: FieldsRequest,
  signal: AbortSignal,
): Promise<Record<string, string> | undefined> {
  const answer = await elicitations.handler(
    request.source,
    {
      mode: "form",
      message: request.message,
      requestedSchema: {
        type: "object",
        properties: Object.fromEntries(
          request.fields.map((f) => [
            f.name,
            {
              type: "string",
              title: f.name,
              ...(f.description !== undefined && { description: f.description }),
            },
          ]),
        ),
        required: request.fields.filter((f) => f.required).map((f) => f.name),
      },
    },
    signal,
  );
  if (answer.action !== "accept") return undefined;
  return Object.fromEntries(
    Object.entries(answer.content ?? {}).map(([key, value]) => [key, String(value)]),
  );
}
