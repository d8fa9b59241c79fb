// `@server:uri` mentions in a message: found when the message is sent, read with
// `resources/read`, and attached to the message as context.
import type { Attachment } from "../messages.js";
import { errorText } from "../utils/errors.js";
import type { McpConnection } from "./connect.js";
import type { McpManager } from "./manager.js";
import {
  type AttachmentLimits,
  attachmentSize,
  contentsToAttachments,
  DEFAULT_ATTACHMENT_LIMITS,
  type ResourceCatalog,
} from "./resources.js";

/** One `@server:uri` in a message. */
export interface Mention {
  readonly server: string;
  readonly uri: string;
}

/** Most mentions read for one message; more is a paste accident, not a request. */
export const MAX_MENTIONS = 20;

// After the start or whitespace, so `user@host:path` in prose is not a mention.
const MENTION = /(?<=^|\s)@([A-Za-z0-9_.-]+):(\S+)/g;

/** The distinct mentions of known servers in `text`, in order; sentence punctuation is not part of a URI. */
export function findMentions(text: string, servers: ReadonlySet<string>): Mention[] {
  const found: Mention[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const server = match[1] ?? "";
    const uri = (match[2] ?? "").replace(/[.,;:!?)\]'"]+$/, "");
    if (!servers.has(server) || uri === "") continue;
    const key = `${server}\0${uri}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ server, uri });
  }
  return found;
}

/** What reading a message's mentions produced: attachments, and a line per mention for the user. */
export interface MentionsRead {
  readonly attachments: readonly Attachment[];
  readonly notes: readonly string[];
}

/** What reading mentions needs from the MCP manager. */
export interface MentionSource {
  /** Configured server names. */
  readonly servers: () => readonly string[];
  readonly connection: (server: string) => Promise<McpConnection>;
  readonly catalog?: ResourceCatalog;
}

/**
 * Reads every mention of a configured server in `text` and returns attachments (text within one
 * budget per message, images within the image limit) and notes: what was attached, what failed.
 * Never throws: a resource that cannot be read becomes a note for the user and for the model.
 */
export async function readMentions(
  source: MentionSource,
  text: string,
  signal: AbortSignal,
  limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
): Promise<MentionsRead> {
  const mentions = findMentions(text, new Set(source.servers()));
  const attachments: Attachment[] = [];
  const notes: string[] = [];
  let budget = limits.maxTextChars;
  for (const [index, mention] of mentions.entries()) {
    const label = `${mention.server}:${mention.uri}`;
    if (index >= MAX_MENTIONS) {
      notes.push(`not attached: @${label} (at most ${MAX_MENTIONS} mentions per message)`);
      continue;
    }
    if (signal.aborted) break;
    try {
      const connection = await source.connection(mention.server);
      const api = connection.resources;
      if (!api?.capabilities.resources) {
        throw new Error(`${mention.server} does not offer resources`);
      }
      const result = await api.read(mention.uri, signal);
      const read = contentsToAttachments(label, result, budget, limits);
      budget -= read.used;
      attachments.push(...read.attachments);
      const sizes = read.attachments.map(attachmentSize).join(", ");
      notes.push(`attached @${label}${sizes ? ` (${sizes})` : " (empty)"}`);
      if (source.catalog) void source.catalog.watch(mention.server, mention.uri, api);
    } catch (error) {
      if (signal.aborted) break;
      const why = errorText(error);
      notes.push(`could not read @${label}: ${why}`);
      attachments.push({
        type: "text",
        source: label,
        text: `[could not read this resource: ${why}]`,
      });
    }
  }
  return { attachments, notes };
}

/** The manager as a mention source: every configured server, its resource catalog. */
export function mentionSource(manager: McpManager): MentionSource {
  return {
    servers: () => manager.getSnapshot().map((s) => s.name),
    connection: (server) => manager.connection(server),
    catalog: manager.resources,
  };
}

/** No mention read: what a message without `@server:` gets. */
export const NO_MENTIONS: MentionsRead = { attachments: [], notes: [] };
