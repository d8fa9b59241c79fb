// The `wren mcp debug` trace as a value: what `--json` writes (field names are stable; the
// document's `version` changes if they do not stay so) and what debug-text.ts prints.
import type { McpServerConfig } from "../../config/schema.js";
import type { HttpExchange } from "../oauth/http-trace.js";

/** How a step went: `warn` is worth knowing but does not stop a connection. */
export type StepStatus = "ok" | "warn" | "failed" | "skipped";

/** One HTTP request of the trace, as `--json` writes it. */
export type TraceExchange = Omit<HttpExchange, "json">;

/** The server's config, secrets hidden: header and env values never, only their names. */
export interface ConfigSummary {
  readonly transport: McpServerConfig["type"];
  readonly source: string;
  readonly enabled: boolean;
  readonly url?: string;
  readonly headers?: readonly string[];
  readonly command?: string;
  readonly args?: readonly string[];
  readonly env?: readonly string[];
  /** `false` when OAuth is off; secret settings show as `***`. */
  readonly oauth?: false | Readonly<Record<string, unknown>>;
}

/** The first answer of the MCP endpoint, without a token. */
export interface ProbeTrace {
  readonly status: StepStatus;
  readonly method: string;
  readonly url: string;
  readonly httpStatus?: number;
  /** The WWW-Authenticate parameters of a 401/403 (error, scope, resource_metadata). */
  readonly challenge?: string;
  readonly note: string;
}

/** Protected resource metadata (RFC 9728). */
export interface ResourceMetadataTrace {
  readonly status: StepStatus;
  readonly tried: readonly TraceExchange[];
  readonly resource?: string;
  readonly authorizationServers?: readonly string[];
  readonly scopesSupported?: readonly string[];
  readonly note: string;
}

/** The authorization-server metadata fields a sign-in depends on (RFC 8414 names). */
export interface MetadataSummary {
  readonly issuer?: string;
  readonly authorization_endpoint?: string;
  readonly token_endpoint?: string;
  readonly registration_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly device_authorization_endpoint?: string;
  readonly grant_types_supported?: readonly string[];
  readonly code_challenge_methods_supported?: readonly string[];
  readonly authorization_response_iss_parameter_supported?: boolean;
  readonly client_id_metadata_document_supported?: boolean;
  readonly dpop_signing_alg_values_supported?: readonly string[];
  readonly scopes_supported?: readonly string[];
}

/** Authorization-server metadata (RFC 8414 / OpenID discovery) and the issuer check. */
export interface AuthorizationServerTrace {
  readonly status: StepStatus;
  /** The authorization server's URL, as discovery found it. */
  readonly url?: string;
  readonly tried: readonly TraceExchange[];
  readonly metadata?: MetadataSummary;
  readonly issuerCheck?: {
    readonly status: StepStatus;
    readonly discoveryUrl: string;
    readonly issuer?: string;
    readonly note: string;
  };
  readonly error?: string;
}

/** The client identity a sign-in would use (nothing is registered by debug). */
export interface ClientTrace {
  readonly status: StepStatus;
  /** `stored`: the client the stored tokens were issued to; the others: what a sign-in would do. */
  readonly kind: "stored" | "configured" | "metadata-url" | "dcr" | "machine" | "none";
  /** How a stored client was obtained. */
  readonly obtainedBy?: "dcr" | "metadata-url" | "configured";
  readonly clientId?: string;
  /** Whether a client secret is configured or stored (never its value). */
  readonly clientSecret: boolean;
  readonly redirectUri?: string;
  readonly note: string;
}

/** The stored tokens by their properties, never their values. */
export interface TokensTrace {
  readonly status: StepStatus;
  readonly present: boolean;
  readonly issuer?: string;
  /** ISO time the access token expires, when known. */
  readonly expiresAt?: string;
  /** Seconds until it expires (negative: expired), when known. */
  readonly expiresInSeconds?: number;
  readonly scope?: string;
  readonly refreshToken: boolean;
  readonly dpopBound: boolean;
  /** Whether the DPoP key the tokens are bound to is stored. */
  readonly dpopKey: boolean;
  readonly note: string;
}

/** The cross-process refresh lock beside the state file. */
export interface LockTrace {
  readonly file: string;
  readonly held: boolean;
  readonly pid?: number;
  readonly alive?: boolean;
  readonly ageMs?: number;
}

/** Everything about the server's OAuth, absent for stdio servers and `oauth: false`. */
export interface OAuthTrace {
  readonly probe: ProbeTrace;
  readonly resourceMetadata: ResourceMetadataTrace;
  readonly authorizationServer: AuthorizationServerTrace;
  readonly client: ClientTrace;
  readonly tokens: TokensTrace;
  readonly lock: LockTrace;
  /** The state file (non-secret path). */
  readonly stateFile: string;
}

/** The connection attempt. */
export interface ConnectionTrace {
  readonly status: StepStatus;
  readonly protocolVersion?: string;
  readonly serverName?: string;
  readonly serverVersion?: string;
  readonly capabilities?: readonly string[];
  readonly tools?: number;
  readonly auth?: "oauth";
  readonly error?: string;
}

/** The whole trace: what `--json` writes (field names are stable; `version` changes if not). */
export interface DebugTrace {
  readonly version: 1;
  readonly server: string;
  readonly config: ConfigSummary;
  readonly oauth?: OAuthTrace;
  readonly connection: ConnectionTrace;
  /** Every HTTP request the attempt made (OAuth endpoints; MCP requests that failed). */
  readonly http: readonly TraceExchange[];
  /** Diagnostics and warnings of wren's OAuth during the attempt. */
  readonly notes: readonly string[];
  readonly result: "connected" | "failed";
  /** The first step that failed, with what the server (or wren) said, on one line. */
  readonly failedStep?: { readonly step: string; readonly error: string };
}
