// The SDK client wren offers a server: each hook the owner gives turns on a capability and the
// handler behind it (elicitation, roots, sampling), and the server's notifications reach the hooks.
import {
  Client,
  type ElicitRequestFormParams,
  type ElicitRequestURLParams,
  type ElicitResult,
  type Implementation,
  type Root,
} from "@modelcontextprotocol/client";
import type { McpServerConfig } from "../config/schema.js";
import { VERSION } from "../version.js";
import type { SamplingHandler } from "./sampling.js";
import type { ServerLog } from "./server-log.js";
import { negotiationMode } from "./transport.js";

/** Answers a server's form-mode `elicitation/create`; the signal aborts when the server gives up. */
export type ElicitationHandler = (
  server: string,
  params: ElicitRequestFormParams,
  signal: AbortSignal,
) => Promise<ElicitResult>;

/** Answers a server's URL-mode `elicitation/create`: ask the user, open only on consent. */
export type UrlElicitationHandler = (
  server: string,
  params: ElicitRequestURLParams,
  signal: AbortSignal,
) => Promise<ElicitResult>;

/** Callbacks from a live connection to whoever owns it. */
export interface ConnectionHooks {
  /** Answers elicitation requests; when absent the client does not advertise elicitation. */
  readonly onElicit?: ElicitationHandler;
  /** Answers URL-mode elicitation; when absent URL mode is not advertised (and is declined). */
  readonly onElicitUrl?: UrlElicitationHandler;
  /** The server sent `notifications/elicitation/complete` for a URL elicitation. */
  readonly onElicitationComplete?: (elicitationId: string) => void;
  /** The server sent `notifications/tools/list_changed`. */
  readonly onToolsChanged?: () => void;
  /** The server sent `notifications/resources/list_changed`. */
  readonly onResourcesChanged?: () => void;
  /** The server sent `notifications/resources/updated` for a URI. */
  readonly onResourceUpdated?: (uri: string) => void;
  /** The server sent `notifications/prompts/list_changed`. */
  readonly onPromptsChanged?: () => void;
  /** The client's roots; when present the client declares the roots capability. */
  readonly roots?: () => readonly Root[];
  /** Answers `sampling/createMessage`; when absent the client does not advertise sampling. */
  readonly onSample?: SamplingHandler;
}

const DEFAULT_CLIENT_INFO: Implementation = { name: "wren", version: VERSION };

/** A client for `server` that advertises what `hooks` can answer; server logs go to `log`. */
export function createHookedClient(
  server: McpServerConfig,
  hooks: ConnectionHooks,
  clientInfo: Implementation | undefined,
  log: ServerLog,
): Client {
  const client = new Client(clientInfo ?? DEFAULT_CLIENT_INFO, {
    capabilities: {
      ...(hooks.onElicit && {
        elicitation: {
          form: { applyDefaults: true },
          ...(hooks.onElicitUrl && { url: {} }),
        },
      }),
      ...(hooks.roots && { roots: { listChanged: true } }),
      // `tools`: the server may offer the model tools inside a sampling request.
      ...(hooks.onSample && { sampling: { tools: {} } }),
    },
    versionNegotiation: { mode: negotiationMode(server) },
  });
  const onElicit = hooks.onElicit;
  if (onElicit) {
    const onElicitUrl = hooks.onElicitUrl;
    client.setRequestHandler("elicitation/create", async (request, ctx) => {
      const params = request.params;
      if (params.mode === "url") {
        return onElicitUrl
          ? onElicitUrl(server.name, params, ctx.mcpReq.signal)
          : { action: "decline" };
      }
      return onElicit(server.name, params, ctx.mcpReq.signal);
    });
  }
  const roots = hooks.roots;
  if (roots) {
    client.setRequestHandler("roots/list", async () => ({ roots: [...roots()] }));
  }
  if (hooks.onElicitUrl) {
    client.setNotificationHandler("notifications/elicitation/complete", (notification) => {
      hooks.onElicitationComplete?.(notification.params.elicitationId);
    });
  }
  client.setNotificationHandler("notifications/prompts/list_changed", () => {
    hooks.onPromptsChanged?.();
  });
  const onSample = hooks.onSample;
  if (onSample) {
    client.setRequestHandler("sampling/createMessage", (request, ctx) =>
      onSample(server.name, request.params, ctx.mcpReq.signal),
    );
  }
  client.setNotificationHandler("notifications/tools/list_changed", () => {
    hooks.onToolsChanged?.();
  });
  client.setNotificationHandler("notifications/resources/list_changed", () => {
    hooks.onResourcesChanged?.();
  });
  client.setNotificationHandler("notifications/resources/updated", (notification) => {
    hooks.onResourceUpdated?.(notification.params.uri);
  });
  client.setNotificationHandler("notifications/message", (notification) => {
    const { level, data } = notification.params;
    log.line(`server log (${level}): ${typeof data === "string" ? data : JSON.stringify(data)}`);
  });
  return client;
}
