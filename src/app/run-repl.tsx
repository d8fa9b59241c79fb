import { join } from "node:path";
import { Box, render } from "ink";
import { type ReactElement, useSyncExternalStore } from "react";
import type { ResumeRequest } from "../cli-args.js";
import { promptCommands } from "../commands/mcp-prompts.js";
import type { WrenConfig } from "../config/load.js";
import { createElicitationStore, type ElicitationStore } from "../mcp/elicitation-store.js";
import { serverInstructionsSection } from "../mcp/instructions.js";
import type { McpManager } from "../mcp/manager.js";
import { type AuthPromptStore, createAuthPromptStore } from "../mcp/oauth/auth-store.js";
import { createSamplingConsentStore, type SamplingConsentStore } from "../mcp/sampling-consent.js";
import {
  createUrlElicitationStore,
  type UrlElicitationStore,
} from "../mcp/url-elicitation-store.js";
import type { PermissionPrompts } from "../tools/permission-prompts.js";
import { AuthModal } from "../ui/auth-modal.js";
import type { MarkdownRenderer } from "../ui/chat-view.js";
import { ElicitationPrompt } from "../ui/elicitation-prompt.js";
import { supportsHyperlinks } from "../ui/hyperlink.js";
import { KeyRouterProvider } from "../ui/keys.js";
import { McpFooter } from "../ui/mcp-footer.js";
import { PermissionPrompt } from "../ui/permission-prompt.js";
import { SamplingPrompt } from "../ui/sampling-prompt.js";
import { UrlElicitationPrompt } from "../ui/url-elicitation-prompt.js";
import { errorText } from "../utils/errors.js";
import { openUrl } from "../utils/open-url.js";
import type { WrenPaths } from "../utils/paths.js";
import { logProcessWarnings } from "../utils/process-warnings.js";
import { createStore, type Store } from "../utils/store.js";
import { App } from "./app.js";
import { askFields, startReplMcp } from "./repl-mcp.js";
import { createReplServices } from "./services.js";

/** What the REPL starts with. */
export interface ReplOptions {
  readonly paths: WrenPaths;
  readonly config: WrenConfig;
  readonly model?: string;
  readonly env: NodeJS.ProcessEnv;
  /** `--continue` or `--resume ID`. */
  readonly resume?: ResumeRequest;
  /** `--no-browser`: sign-in shows the URL and takes a pasted callback instead. */
  readonly noBrowser?: boolean;
  /** Whether the folder's project config took effect (workspace trust). */
  readonly projectTrusted?: boolean;
  /** Lines to show under the header (the project config ignored in an untrusted folder). */
  readonly notices?: readonly string[];
}

/** Runs the interactive REPL until the user leaves. */
export async function runRepl(options: ReplOptions): Promise<void> {
  const { paths, config, env } = options;
  const services = await createReplServices({
    paths,
    config,
    env,
    ...(options.model !== undefined && { model: options.model }),
    writeTerminal: (data) => process.stdout.write(data),
    ...(options.projectTrusted !== undefined && { projectTrusted: options.projectTrusted }),
  });
  const { transcript } = services;
  // The markdown renderer (marked) loads after the first frame; answers come later anyway.
  const markdown = createStore<MarkdownRenderer | undefined>(undefined);
  transcript.append({ kind: "header" });
  for (const notice of options.notices ?? []) transcript.notice(notice, "warning");
  for (const warning of config.warnings) transcript.notice(`warning: ${warning}`, "warning");
  for (const rule of services.permissions.invalidRules) {
    transcript.notice(`warning: permission rule ignored: ${rule}`, "warning");
  }
  if (options.resume) {
    // Resumed answers go into <Static> once, so render them as markdown from the start.
    const module = await import("../ui/markdown/markdown.js");
    markdown.set(module.Markdown);
    await module.defaultCodeHighlighter.load().catch(() => undefined);
    const id = "id" in options.resume ? options.resume.id : "latest";
    try {
      const resumed = await services.conversation.resume(id);
      // Tool lines of the resumed transcript show each tool's own argument summary.
      await services.loadLate().catch(() => {});
      services.chat.replay(resumed.messages);
      transcript.notice(
        `resumed session ${resumed.id.slice(0, 8)} (${resumed.messages.length} messages)`,
        "dim",
      );
    } catch (error) {
      await services.close();
      throw new ResumeError(errorText(error));
    }
  }

  const home = env.HOME;
  const displayPath = (path: string): string =>
    home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;

  // MCP loads after the first frame: the SDK and transports are not needed to show the prompt.
  const mcp = createStore<McpManager | undefined>(undefined);
  // What `.mcp` typed before MCP has loaded waits for; undefined when no server is configured.
  let mcpReady: Promise<McpManager | undefined> = Promise.resolve(undefined);
  const elicitations = createElicitationStore();
  const urlElicitations = createUrlElicitationStore({
    open: (url) =>
      openUrl(url, {
        env,
        platform: process.platform,
        ...(options.noBrowser && { noBrowserFlag: true }),
      }),
    notify: (line) => transcript.notice(line, "dim"),
  });
  const authPrompts = createAuthPromptStore();
  const samplingConsents = createSamplingConsentStore();

  // Node's warnings (often from dependencies) would print over the screen; log them instead.
  const restoreWarnings = logProcessWarnings(join(paths.logsDir, "wren.log"));
  // Raw mode before the first frame: keys typed during startup (Ctrl+C included) reach the
  // input line instead of the terminal's line discipline.
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  const instance = render(
    <KeyRouterProvider>
      <McpAwareApp
        mcp={mcp}
        elicitations={elicitations}
        urlElicitations={urlElicitations}
        samplingConsents={samplingConsents}
        prompts={services.prompts}
        authPrompts={authPrompts}
        markdown={markdown}
        render={(manager, modalOpen, Markdown) => (
          <App
            paths={paths}
            config={() => config}
            settings={services.settings}
            registry={services.registry}
            history={services.history}
            transcript={transcript}
            conversation={services.conversation}
            chat={services.chat}
            services={{
              ...(manager && { mcp: manager }),
              loadMcp: () => mcpReady,
              askFields: (request, signal) => askFields(elicitations, request, signal),
              debugMcp: async (server) =>
                (await import("../mcp/debug/debug.js")).debugReport(server, {
                  paths,
                  env,
                  ...(config.oauthStorage && { oauthStorage: config.oauthStorage }),
                }),
            }}
            displayPath={displayPath}
            {...(Markdown && { Markdown })}
            inputActive={!modalOpen}
            footer={
              <Box flexDirection="column">
                <AuthModal store={authPrompts} hyperlinks={supportsHyperlinks(env)} />
                <PermissionPrompt
                  prompts={services.prompts}
                  onEscape={() => services.conversation.interrupt()}
                />
                <ElicitationPrompt store={elicitations} />
                <UrlElicitationPrompt store={urlElicitations} />
                <SamplingPrompt store={samplingConsents} />
                {manager && <McpFooter manager={manager} />}
              </Box>
            }
          />
        )}
      />
    </KeyRouterProvider>,
    { exitOnCtrlC: false },
  );

  setTimeout(() => void afterFirstFrame(), 0);
  async function afterFirstFrame(): Promise<void> {
    void services.loadLate().catch((error: unknown) => {
      transcript.notice(`could not load the built-in tools: ${errorText(error)}`, "error");
    });
    const module = await import("../ui/markdown/markdown.js");
    markdown.set(module.Markdown);
    // Code blocks go into <Static> once, so the highlighter must be ready before answers land.
    services.conversation.subscribe(() => {
      if (services.conversation.getSnapshot().running) void module.defaultCodeHighlighter.load();
    });
    const provider = await import("../provider/index.js");
    if (services.settings.getSnapshot().model) {
      await provider.preloadModelSdk().catch(() => {});
      return;
    }
    // First run: offer what this machine already has (API keys, a local Ollama).
    const found = await provider.detectProviders(env);
    if (found.length === 0 || services.settings.getSnapshot().model) return;
    const lines = found.map(
      (p) => `  ${p.reason}${p.suggestedModel ? ` → .model ${p.suggestedModel}` : ""}`,
    );
    transcript.notice(["No model configured yet. Found:", ...lines].join("\n"), "dim");
  }

  services.setMentionReader(async (text, signal) => {
    const manager = await mcpReady;
    if (!manager) return { attachments: [], notes: [] };
    const { readMentions, mentionSource } = await import("../mcp/mentions.js");
    return readMentions(mentionSource(manager), text, signal);
  });
  if (config.servers.length > 0) {
    const starting = startReplMcp(
      options,
      { elicitations, samplingConsents, services },
      authPrompts,
      urlElicitations,
      (line) => transcript.notice(line, "warning"),
      (line) => transcript.notice(line, "dim"),
    );
    mcpReady = starting;
    starting.then(
      (manager) => {
        services.tools.addSource(() => manager.tools());
        services.tools.addFallback((name) => manager.findHiddenTool(name));
        services.addSystemSection(() => serverInstructionsSection(manager.getSnapshot()));
        services.registry.addSource(() => promptCommands(manager));
        mcp.set(manager);
        manager.resources.onUpdate(({ server, uri }) =>
          transcript.notice(
            `${server}: ${uri} changed since it was attached (mention it again to send the new content)`,
            "dim",
          ),
        );
        // One line per server that needs sign-in, once: "notion needs sign-in: run .mcp auth notion".
        const told = new Set<string>();
        const tell = (): void => {
          for (const server of manager.getSnapshot()) {
            if (server.status.state !== "needs-auth") {
              told.delete(server.name);
            } else if (!told.has(server.name)) {
              told.add(server.name);
              transcript.notice(server.status.message, "warning");
            }
          }
        };
        manager.subscribe(tell);
        tell();
      },
      (error: unknown) => transcript.notice(`MCP could not start: ${errorText(error)}`, "error"),
    );
    starting.catch(() => {});
  }

  // A SIGINT from outside (kill -INT) leaves as cleanly as .exit does.
  const onSignal = (): void => instance.unmount();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // MCP may still be loading: close it once it has, so no server process outlives wren.
    await Promise.all([
      services.close(),
      mcpReady.then(
        (m) => m?.close(),
        () => {},
      ),
    ]);
    restoreWarnings();
  }
}

function McpAwareApp(props: {
  mcp: Store<McpManager | undefined>;
  elicitations: ElicitationStore;
  urlElicitations: UrlElicitationStore;
  samplingConsents: SamplingConsentStore;
  prompts: PermissionPrompts;
  authPrompts: AuthPromptStore;
  markdown: Store<MarkdownRenderer | undefined>;
  render: (
    manager: McpManager | undefined,
    modalOpen: boolean,
    Markdown: MarkdownRenderer | undefined,
  ) => ReactElement;
}): ReactElement {
  const manager = useSyncExternalStore(props.mcp.subscribe, props.mcp.getSnapshot);
  const pending = useSyncExternalStore(
    props.elicitations.subscribe,
    props.elicitations.getSnapshot,
  );
  const asking = useSyncExternalStore(props.prompts.subscribe, props.prompts.getSnapshot);
  const opening = useSyncExternalStore(
    props.urlElicitations.subscribe,
    props.urlElicitations.getSnapshot,
  );
  const signingIn = useSyncExternalStore(
    props.authPrompts.subscribe,
    props.authPrompts.getSnapshot,
  );
  const sampling = useSyncExternalStore(
    props.samplingConsents.subscribe,
    props.samplingConsents.getSnapshot,
  );
  const Markdown = useSyncExternalStore(props.markdown.subscribe, props.markdown.getSnapshot);
  const modals =
    pending.length + asking.length + signingIn.length + opening.length + sampling.length;
  return props.render(manager, modals > 0, Markdown);
}

/** `--continue` / `--resume` named no session: a usage error. */
export class ResumeError extends Error {
  override readonly name = "ResumeError";
}
