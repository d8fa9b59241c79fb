// A server's status as the manager keeps it and the footer, `.mcp` and `wren mcp list` show it:
// its own module, so the manager and the texts that describe a status need not import each other.
import type { McpServerConfig } from "../config/schema.js";

/** What a server is doing right now. */
export type McpServerStatus =
  | { readonly state: "disabled" }
  | { readonly state: "connecting" }
  | {
      readonly state: "connected";
      readonly toolCount: number;
      /** `oauth` when signed in with wren's stored tokens. */
      readonly auth?: "oauth";
    }
  | { readonly state: "needs-auth"; readonly message: string }
  | {
      readonly state: "failed";
      readonly reason: string;
      /** Set while an automatic restart is scheduled. */
      readonly retryInMs?: number;
    };

/** One configured server and its status, as the UI shows it. */
export interface McpServerState {
  readonly name: string;
  readonly config: McpServerConfig;
  readonly status: McpServerStatus;
  /** The MCP revision agreed with the server, while connected (e.g. `2026-07-28`). */
  readonly protocolVersion?: string;
  /** The server's `instructions` from its handshake, while connected (untrusted text). */
  readonly instructions?: string;
}
