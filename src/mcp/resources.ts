// MCP resources on the client side: the per-connection API over the SDK client, the catalog of
// what each server offers (kept fresh by list_changed and updated notifications), and turning
// read contents into what the model gets. No React; the `@` completion lives in src/ui/.
import type {
  CallToolResult,
  Client,
  ReadResourceResult,
  RequestOptions,
  Resource,
  ResourceTemplateType,
} from "@modelcontextprotocol/client";
import type { Attachment } from "../messages.js";
import { errorText } from "../utils/errors.js";
import { createStore } from "../utils/store.js";

export type { Resource as McpResource, ResourceTemplateType as McpResourceTemplate };

/** Runs one SDK request with the connection's timeout, signal and error mapping. */
export type ResourceRequestRunner = <T>(
  signal: AbortSignal | undefined,
  call: (options: RequestOptions) => Promise<T>,
) => Promise<T>;

/** What a server said it can do with resources, from its capabilities. */
export interface ResourceCapabilities {
  readonly resources: boolean;
  readonly subscribe: boolean;
  readonly completions: boolean;
}

/** Resource requests on one live connection. */
export interface McpResourceApi {
  readonly capabilities: ResourceCapabilities;
  /** Every resource and resource template (both lists walked in full). */
  list(signal?: AbortSignal): Promise<ServerResources>;
  read(uri: string, signal?: AbortSignal): Promise<ReadResourceResult>;
  /** `resources/subscribe`: the server then sends `notifications/resources/updated` for it. */
  subscribe(uri: string): Promise<void>;
  /** `completion/complete` for one argument of a resource template. */
  complete(
    uriTemplate: string,
    argument: string,
    value: string,
    signal?: AbortSignal,
  ): Promise<readonly string[]>;
}

/** What one server offers. */
export interface ServerResources {
  readonly resources: readonly Resource[];
  readonly templates: readonly ResourceTemplateType[];
}

/** Most completion values kept from one answer (the spec caps a response at 100). */
const MAX_COMPLETIONS = 100;
/** Most resources and templates kept per server: a completion list, not a database. */
const MAX_LISTED = 2000;

/** Builds the resource API of one connection from its SDK client. */
export function createResourceApi(client: Client, run: ResourceRequestRunner): McpResourceApi {
  const caps = client.getServerCapabilities();
  const capabilities: ResourceCapabilities = {
    resources: caps?.resources !== undefined,
    subscribe: caps?.resources?.subscribe === true,
    completions: caps?.completions !== undefined,
  };
  return {
    capabilities,
    async list(signal) {
      if (!capabilities.resources) return { resources: [], templates: [] };
      const [resources, templates] = await Promise.all([
        run(signal, (options) => client.listResources(undefined, options)),
        run(signal, (options) => client.listResourceTemplates(undefined, options)),
      ]);
      return {
        resources: resources.resources.slice(0, MAX_LISTED),
        templates: templates.resourceTemplates.slice(0, MAX_LISTED),
      };
    },
    read(uri, signal) {
      // A body that could still be fresh is served from the SDK's cache (SEP-2549 hints).
      return run(signal, (options) => client.readResource({ uri }, options));
    },
    async subscribe(uri) {
      if (!capabilities.subscribe) return;
      await run(undefined, (options) => client.subscribeResource({ uri }, options));
    },
    async complete(uriTemplate, argument, value, signal) {
      if (!capabilities.completions) return [];
      const result = await run(signal, (options) =>
        client.complete(
          { ref: { type: "ref/resource", uri: uriTemplate }, argument: { name: argument, value } },
          options,
        ),
      );
      return result.completion.values.slice(0, MAX_COMPLETIONS);
    },
  };
}

/** One server's entry in the catalog. */
export interface CatalogEntry extends ServerResources {
  readonly server: string;
}

/** A resource the user attached changed on its server. */
export interface ResourceUpdate {
  readonly server: string;
  readonly uri: string;
}

/**
 * What every connected server offers, for `@` completion and for checking that a URI the model
 * asks for came from the server it names. Lists are replaced on connect and `list_changed`.
 */
export interface ResourceCatalog {
  subscribe(listener: () => void): () => void;
  /** Connected servers with resources, in the order they were listed; stable between changes. */
  getSnapshot(): readonly CatalogEntry[];
  /** Lists the server's resources again (on connect and `list_changed`). */
  refresh(server: string, api: McpResourceApi): Promise<void>;
  /** The server disconnected: its lists and links are gone. */
  forget(server: string): void;
  /** URIs a server's tool result linked to (`resource_link`, embedded resources). */
  noteLinks(server: string, uris: readonly string[]): void;
  /** Whether `server` offered `uri`: listed it, has a template matching it, or linked to it. */
  offered(server: string, uri: string): boolean;
  /** Subscribes (once) to updates of a resource the user attached, where the server allows. */
  watch(server: string, uri: string, api: McpResourceApi): Promise<void>;
  /** The server sent `notifications/resources/updated`. */
  updated(server: string, uri: string): void;
  /** Called for each update of a watched resource. */
  onUpdate(listener: (update: ResourceUpdate) => void): () => void;
}

/** Links remembered per server; old ones are forgotten first. */
const MAX_LINKS = 1000;

interface ServerState {
  resources: readonly Resource[];
  templates: readonly ResourceTemplateType[];
  links: Set<string>;
  watched: Set<string>;
  /** Bumped by forget(), so a list that lands after a disconnect is dropped. */
  generation: number;
}

/** Creates an empty catalog; the manager fills it as servers connect. */
export function createResourceCatalog(
  options: { readonly log?: (line: string) => void } = {},
): ResourceCatalog {
  const log = options.log ?? (() => {});
  const servers = new Map<string, ServerState>();
  const store = createStore<readonly CatalogEntry[]>([]);
  const updateListeners = new Set<(update: ResourceUpdate) => void>();

  const stateOf = (server: string): ServerState => {
    let state = servers.get(server);
    if (!state) {
      state = { resources: [], templates: [], links: new Set(), watched: new Set(), generation: 0 };
      servers.set(server, state);
    }
    return state;
  };
  const publish = (): void => {
    store.set(
      [...servers.entries()]
        .filter(([, s]) => s.resources.length + s.templates.length > 0)
        .map(([server, s]) => ({ server, resources: s.resources, templates: s.templates })),
    );
  };

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    async refresh(server, api) {
      const state = stateOf(server);
      const generation = state.generation;
      try {
        const listed = await api.list();
        if (state.generation !== generation) return;
        state.resources = listed.resources;
        state.templates = listed.templates;
        publish();
      } catch (error) {
        log(`mcp ${server}: listing resources failed: ${errorText(error)}`);
      }
    },
    forget(server) {
      const state = servers.get(server);
      if (!state) return;
      servers.delete(server);
      state.generation++;
      publish();
    },
    noteLinks(server, uris) {
      const { links } = stateOf(server);
      for (const uri of uris) {
        links.delete(uri);
        links.add(uri);
      }
      for (const oldest of links) {
        if (links.size <= MAX_LINKS) break;
        links.delete(oldest);
      }
    },
    offered(server, uri) {
      const state = servers.get(server);
      if (!state) return false;
      return (
        state.links.has(uri) ||
        state.resources.some((r) => r.uri === uri) ||
        state.templates.some((t) => matchesTemplate(t.uriTemplate, uri))
      );
    },
    async watch(server, uri, api) {
      const state = stateOf(server);
      if (!api.capabilities.subscribe || state.watched.has(uri)) return;
      state.watched.add(uri);
      try {
        await api.subscribe(uri);
      } catch (error) {
        state.watched.delete(uri);
        log(`mcp ${server}: subscribing to ${uri} failed: ${errorText(error)}`);
      }
    },
    updated(server, uri) {
      // Servers may send updates nobody asked for (server-everything does): only watched ones count.
      if (!servers.get(server)?.watched.has(uri)) return;
      for (const listener of [...updateListeners]) listener({ server, uri });
    },
    onUpdate(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
  };
}

/**
 * Whether `uri` is one `template` (RFC 6570) can produce: each `{expr}` stands for one or more
 * characters without `/` (or any characters for `{+expr}` and `{#expr}`).
 */
export function matchesTemplate(template: string, uri: string): boolean {
  let pattern = "^";
  let last = 0;
  for (const match of template.matchAll(/\{([^}]*)\}/g)) {
    pattern += escapeRegExp(template.slice(last, match.index));
    const op = match[1]?.[0];
    pattern += op === "+" || op === "#" ? ".+" : "[^/?#]+";
    last = match.index + match[0].length;
  }
  pattern += `${escapeRegExp(template.slice(last))}$`;
  return new RegExp(pattern).test(uri);
}

/** The literal text of a template before its first `{expression}`, and that expression's first variable. */
export function templateHead(template: string): { prefix: string; variable?: string } {
  const open = template.indexOf("{");
  if (open < 0) return { prefix: template };
  const close = template.indexOf("}", open);
  const expr = template.slice(open + 1, close < 0 ? undefined : close);
  const variable = expr
    .replace(/^[+#./;?&]/, "")
    .split(",")[0]
    ?.replace(/[:*].*$/, "");
  return { prefix: template.slice(0, open), ...(variable && { variable }) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Limits on what reading resources hands to the model. */
export interface AttachmentLimits {
  /** Characters of text per message, across all attached resources. */
  readonly maxTextChars: number;
  /** Largest image (base64 characters) attached as an image. */
  readonly maxImageChars: number;
}

/** ~25k tokens of text, images up to ~3.75 MB: the same as for tool results. */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = {
  maxTextChars: 100_000,
  maxImageChars: 5_000_000,
};

function approxBytes(base64: string): number {
  return Math.floor((base64.length * 3) / 4);
}

/**
 * Turns what `resources/read` returned into attachments. Text beyond `budget` characters is cut
 * (and says so); images within the limit stay images; other binary data becomes a note. Returns
 * the attachments and how much of the text budget they used.
 */
export function contentsToAttachments(
  source: string,
  result: ReadResourceResult,
  budget: number,
  limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
): { attachments: Attachment[]; used: number } {
  const attachments: Attachment[] = [];
  let used = 0;
  for (const item of result.contents) {
    // A server may answer for other URIs than the one asked (a directory's files); name them.
    const label = item.uri === undefined || source.endsWith(`:${item.uri}`) ? source : item.uri;
    const mimeType = item.mimeType;
    if ("text" in item && typeof item.text === "string") {
      const left = Math.max(0, budget - used);
      const text =
        item.text.length <= left
          ? item.text
          : `${item.text.slice(0, left)}\n[truncated: the resource has ${item.text.length} characters; only the first ${left} are attached]`;
      used += Math.min(item.text.length, left);
      attachments.push({ type: "text", source: label, ...(mimeType && { mimeType }), text });
      continue;
    }
    if ("blob" in item && typeof item.blob === "string") {
      if (mimeType?.startsWith("image/") && item.blob.length <= limits.maxImageChars) {
        attachments.push({ type: "image", source: label, mimeType, data: item.blob });
        continue;
      }
      const why = mimeType?.startsWith("image/")
        ? "too large to attach"
        : "binary data is not passed to the model";
      attachments.push({
        type: "text",
        source: label,
        text: `[${mimeType ?? "binary"} resource, ${approxBytes(item.blob)} bytes: ${why}]`,
      });
    }
  }
  return { attachments, used };
}

/** Size of an attachment for the user's note, e.g. `12.3 kB`. */
export function attachmentSize(attachment: Attachment): string {
  const bytes =
    attachment.type === "image"
      ? approxBytes(attachment.data)
      : Buffer.byteLength(attachment.text, "utf8");
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** URIs a tool result links to or embeds: the ones `read_mcp_resource` may then read. */
export function linkedUris(result: CallToolResult): string[] {
  return result.content.flatMap((item) => {
    if (item.type === "resource_link") return [item.uri];
    if (item.type === "resource") return [item.resource.uri];
    return [];
  });
}
