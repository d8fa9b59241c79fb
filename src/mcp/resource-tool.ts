import type { Tool, ToolContentPart, ToolContext, ToolOutcome } from "../tools/types.js";
import { errorText } from "../utils/errors.js";
import type { McpConnection } from "./connect.js";
import { McpConnectionError, McpNeedsAuthError, McpServerUnavailableError } from "./errors.js";
import {
  type AttachmentLimits,
  contentsToAttachments,
  DEFAULT_ATTACHMENT_LIMITS,
  type ResourceCatalog,
} from "./resources.js";

/** The model-facing name of the tool. */
export const READ_RESOURCE_TOOL = "read_mcp_resource";

/** Longest URI the tool accepts; anything longer is not a resource a server listed. */
const MAX_URI = 4096;

/** What the tool needs from the manager. */
export interface ReadResourceToolOptions {
  readonly catalog: ResourceCatalog;
  readonly connection: (server: string) => Promise<McpConnection>;
  readonly limits?: AttachmentLimits;
}

function parseArgs(args: unknown): { server: string; uri: string } | string {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    return "arguments must be a JSON object with server and uri";
  }
  const server: unknown = Reflect.get(args, "server");
  const uri: unknown = Reflect.get(args, "uri");
  if (typeof server !== "string" || server === "") return "server must be a server name";
  if (typeof uri !== "string" || uri === "" || uri.length > MAX_URI) {
    return "uri must be the resource's URI";
  }
  return { server, uri };
}

/**
 * `read_mcp_resource`: reads a resource a server listed or linked to (`resource_link` in a tool
 * result). A URI is read only from the server that offered it, never from another server and
 * never from the local disk, so a hostile server's link to `file:///…` or to another server's
 * resource reaches nothing but that server.
 */
export function readResourceTool(options: ReadResourceToolOptions): Tool {
  const limits = options.limits ?? DEFAULT_ATTACHMENT_LIMITS;
  return {
    name: READ_RESOURCE_TOOL,
    description:
      "Reads a resource of an MCP server: a `resource_link` a tool returned, or a resource the " +
      "server lists. Pass the name of the server whose tool produced the link and the exact URI; " +
      "a server is only asked for URIs it offered.",
    inputSchema: {
      type: "object",
      properties: {
        server: { type: "string", description: "The MCP server that produced the link" },
        uri: { type: "string", description: "The resource's URI, exactly as given" },
      },
      required: ["server", "uri"],
      additionalProperties: false,
    },
    // It talks to a server, which may do anything to answer: ask like any MCP tool.
    effect: "external",
    origin: "mcp",
    summarize(args) {
      const parsed = parseArgs(args);
      return typeof parsed === "string" ? "" : `${parsed.server}: ${parsed.uri}`;
    },
    async execute(args: unknown, context: ToolContext): Promise<ToolOutcome> {
      const parsed = parseArgs(args);
      if (typeof parsed === "string") return { status: "error", message: parsed };
      const { server, uri } = parsed;
      if (!options.catalog.offered(server, uri)) {
        return {
          status: "error",
          message:
            `${server} did not offer ${uri} (not in its resources, templates or tool results); ` +
            "read a link only from the server whose tool returned it",
        };
      }
      if (context.signal.aborted) return { status: "cancelled" };
      try {
        const connection = await options.connection(server);
        if (!connection.resources) {
          return { status: "error", message: `${server} does not offer resources` };
        }
        const result = await connection.resources.read(uri, context.signal);
        const { attachments } = contentsToAttachments(
          `${server}:${uri}`,
          result,
          limits.maxTextChars,
          limits,
        );
        const content: ToolContentPart[] = attachments.map((a) =>
          a.type === "image"
            ? { type: "image", data: a.data, mimeType: a.mimeType }
            : {
                type: "text",
                text: `[resource ${a.source}${a.mimeType ? ` (${a.mimeType})` : ""}]\n${a.text}`,
              },
        );
        return {
          status: "ok",
          content: content.length > 0 ? content : [{ type: "text", text: "(empty resource)" }],
        };
      } catch (error) {
        if (context.signal.aborted) return { status: "cancelled" };
        const message = errorText(error);
        const known =
          error instanceof McpConnectionError ||
          error instanceof McpNeedsAuthError ||
          error instanceof McpServerUnavailableError;
        return { status: "error", message: known ? message : `${server}: ${message}` };
      }
    },
  };
}
