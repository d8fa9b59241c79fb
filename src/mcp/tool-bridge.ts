import { createHash } from "node:crypto";
import type { CallToolResult } from "@modelcontextprotocol/client";
import picomatch from "picomatch";
import type { Tool, ToolContentPart, ToolContext, ToolOutcome } from "../tools/types.js";
import { errorText } from "../utils/errors.js";
import type { CallToolOptions, McpToolDefinition } from "./connect.js";
import { McpConnectionError, McpNeedsAuthError, McpServerUnavailableError } from "./errors.js";

/** Longest tool name model providers accept. */
export const MAX_TOOL_NAME = 64;

/** Limits applied to what a tool result hands to the model. */
export interface ResultLimits {
  /** Total characters of text across all parts. */
  readonly maxTextChars: number;
  /** Largest image (base64 characters) passed through as an image. */
  readonly maxImageChars: number;
}

/** Defaults sized for a model's context: ~25k tokens of text, images up to ~3.75 MB. */
export const DEFAULT_RESULT_LIMITS: ResultLimits = {
  maxTextChars: 100_000,
  maxImageChars: 5_000_000,
};

function shortHash(server: string, tool: string): string {
  return createHash("sha256").update(`${server}\0${tool}`).digest("hex").slice(0, 6);
}

function withSuffix(base: string, server: string, tool: string): string {
  const suffix = `_${shortHash(server, tool)}`;
  return base.slice(0, MAX_TOOL_NAME - suffix.length) + suffix;
}

/**
 * Names MCP tools for the model: `mcp__<server>__<tool>` limited to `[A-Za-z0-9_-]` and 64
 * characters. A name that had to be truncated, or that an earlier entry already took, gets a
 * deterministic hash suffix of its server and tool. Returns one name per entry, in order.
 */
export function assignToolNames(
  entries: readonly { readonly server: string; readonly tool: string }[],
): string[] {
  const taken = new Set<string>();
  return entries.map(({ server, tool }) => {
    const base = `mcp__${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, "_");
    let name = base.length > MAX_TOOL_NAME ? withSuffix(base, server, tool) : base;
    if (taken.has(name)) name = withSuffix(base, server, tool);
    // Two entries whose hashes collide too: fall back to a counter, still deterministic.
    for (let i = 2; taken.has(name); i++) name = withSuffix(base, server, `${tool}\0${i}`);
    taken.add(name);
    return name;
  });
}

/** Keeps the tools matching `include` (all when absent) and not matching `exclude`. */
export function filterTools<T extends { readonly name: string }>(
  tools: readonly T[],
  include?: readonly string[],
  exclude?: readonly string[],
): T[] {
  const isIncluded = include && include.length > 0 ? picomatch([...include]) : () => true;
  const isExcluded = exclude && exclude.length > 0 ? picomatch([...exclude]) : () => false;
  return tools.filter((t) => isIncluded(t.name) && !isExcluded(t.name));
}

function approxBytes(base64: string): number {
  return Math.floor((base64.length * 3) / 4);
}

function resourceLabel(uri: string, mimeType: string | undefined): string {
  return mimeType ? `${uri} (${mimeType})` : uri;
}

/** Turns one MCP content item into parts the model understands. */
function mapContent(
  item: CallToolResult["content"][number],
  limits: ResultLimits,
  server: string | undefined,
): ToolContentPart[] {
  switch (item.type) {
    case "text":
      return [{ type: "text", text: item.text }];
    case "image":
      if (item.data.length > limits.maxImageChars) {
        return [
          {
            type: "text",
            text: `[image ${item.mimeType}, ${approxBytes(item.data)} bytes: too large, omitted]`,
          },
        ];
      }
      return [{ type: "image", data: item.data, mimeType: item.mimeType }];
    case "audio":
      return [
        {
          type: "text",
          text: `[audio ${item.mimeType}, ${approxBytes(item.data)} bytes: audio is not passed to the model]`,
        },
      ];
    case "resource": {
      const { resource } = item;
      if ("text" in resource) {
        return [
          {
            type: "text",
            text: `[resource ${resourceLabel(resource.uri, resource.mimeType)}]\n${resource.text}`,
          },
        ];
      }
      if (resource.mimeType?.startsWith("image/") && resource.blob.length <= limits.maxImageChars) {
        return [{ type: "image", data: resource.blob, mimeType: resource.mimeType }];
      }
      return [
        {
          type: "text",
          text: `[resource ${resourceLabel(resource.uri, resource.mimeType)}: ${approxBytes(resource.blob)} bytes of binary data, not shown]`,
        },
      ];
    }
    case "resource_link": {
      const details = [item.mimeType, item.description].filter(Boolean).join(", ");
      // The server is named so read_mcp_resource asks the one that produced the link.
      const how =
        server === undefined ? "" : ` (read it with read_mcp_resource, server "${server}")`;
      return [
        {
          type: "text",
          text: `[resource link: ${item.name} <${item.uri}>${details ? ` ${details}` : ""}]${how}`,
        },
      ];
    }
    default:
      return [];
  }
}

/** Cuts text parts so their total stays within the limit, and says so in a final note. */
export function truncateParts(
  parts: readonly ToolContentPart[],
  maxTextChars: number,
): ToolContentPart[] {
  const total = parts.reduce((n, p) => n + (p.type === "text" ? p.text.length : 0), 0);
  if (total <= maxTextChars) return [...parts];
  let budget = maxTextChars;
  const out: ToolContentPart[] = [];
  for (const part of parts) {
    if (part.type !== "text") {
      out.push(part);
      continue;
    }
    if (budget <= 0) continue;
    out.push(
      part.text.length <= budget ? part : { type: "text", text: part.text.slice(0, budget) },
    );
    budget -= part.text.length;
  }
  out.push({
    type: "text",
    text: `[output truncated: the tool returned ${total} characters of text; only the first ${maxTextChars} are shown]`,
  });
  return out;
}

/** Maps an MCP tool result onto what the model gets: content, structured data, error status. */
export function mapToolResult(
  result: CallToolResult,
  limits: ResultLimits = DEFAULT_RESULT_LIMITS,
  server?: string,
): ToolOutcome {
  let parts = result.content.flatMap((item) => {
    const mapped = mapContent(item, limits, server);
    // Annotations are hints, but an audience without the assistant is the server saying the
    // model need not see it (server-everything's success messages and images).
    const audience = "annotations" in item ? item.annotations?.audience : undefined;
    if (!audience || audience.includes("assistant")) return mapped;
    return mapped.map((part): ToolContentPart => ({ ...part, audience: "user" }));
  });
  if (parts.length === 0 && result.structuredContent !== undefined) {
    // Spec: a tool with structured output SHOULD also return it as text; some do not.
    parts = [{ type: "text", text: JSON.stringify(result.structuredContent) }];
  }
  const content = truncateParts(parts, limits.maxTextChars);
  if (result.isError) {
    const text = content
      .filter((p) => p.type === "text")
      .map((p) => p.text)
      .join("\n");
    return {
      status: "error",
      message: text.trim() === "" ? "the tool reported an error" : text,
      content,
    };
  }
  return {
    status: "ok",
    content,
    ...(result.structuredContent !== undefined && { structured: result.structuredContent }),
  };
}

/** Calls a tool on a named server; the manager implements it (reconnecting when needed). */
export type ServerToolCaller = (
  server: string,
  tool: string,
  args: Record<string, unknown>,
  options: CallToolOptions,
) => Promise<CallToolResult>;

/** What the bridge needs to turn one MCP tool into a model tool. */
export interface BridgeToolOptions {
  readonly server: string;
  readonly definition: McpToolDefinition;
  /** The model-facing name, from assignToolNames. */
  readonly name: string;
  readonly call: ServerToolCaller;
  readonly limits?: ResultLimits;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function serverErrorText(server: string, error: unknown): string {
  if (
    error instanceof McpConnectionError ||
    error instanceof McpNeedsAuthError ||
    error instanceof McpServerUnavailableError
  ) {
    return error instanceof McpConnectionError ? `${server}: ${error.message}` : error.message;
  }
  return `${server}: ${errorText(error)}`;
}

/** One MCP tool as a model tool named `name`, calling through `call`. */
export function bridgeTool(options: BridgeToolOptions): Tool {
  const { server, definition, name, call } = options;
  const limits = options.limits ?? DEFAULT_RESULT_LIMITS;
  const title = definition.title ?? definition.annotations?.title;
  const described = definition.description?.trim() || title || definition.name;
  return {
    name,
    description: `${described}\n\n(MCP tool "${definition.name}" from server "${server}")`,
    inputSchema: definition.inputSchema,
    // Annotations are hints from the server, not guarantees (the spec says not to trust them
    // for decisions); a server's claim to be read-only must not skip the permission prompt.
    effect: "external",
    origin: `mcp:${server}`,
    summarize(args) {
      const text = JSON.stringify(args) ?? "";
      return text.length > 80 ? `${text.slice(0, 79)}…` : text;
    },
    async execute(args: unknown, context: ToolContext): Promise<ToolOutcome> {
      const input = args === undefined || args === null ? {} : args;
      if (!isPlainObject(input)) {
        return { status: "error", message: "arguments must be a JSON object" };
      }
      if (context.signal.aborted) return { status: "cancelled" };
      try {
        const result = await call(server, definition.name, input, {
          signal: context.signal,
          ...(context.onProgress && { onProgress: context.onProgress }),
        });
        return mapToolResult(result, limits, server);
      } catch (error) {
        if (context.signal.aborted) return { status: "cancelled" };
        // The server's JSON-RPC error is its answer to the call, as an error result would be.
        const answered = error instanceof McpConnectionError && error.kind === "server-error";
        return {
          status: "error",
          message: serverErrorText(server, error),
          source: answered ? "tool" : "client",
        };
      }
    },
  };
}
