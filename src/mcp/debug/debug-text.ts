// The debug trace (debug.ts) as lines for a person: one step a line, its details indented
// under it, the first failure at the end. Every value that came from a server or from config
// is made safe for the terminal here (`safeLine`: one line, escape sequences inert); the
// trace's strings were redacted when it was built.
import { safeLine } from "../../utils/terminal-text.js";
import type {
  ConnectionTrace,
  DebugTrace,
  MetadataSummary,
  OAuthTrace,
  StepStatus,
  TraceExchange,
} from "./debug-trace.js";

const MARK: Readonly<Record<StepStatus, string>> = {
  ok: "[ok]  ",
  warn: "[warn]",
  failed: "[FAIL]",
  skipped: "[skip]",
};

/** `in 59 min`, `3 h ago`: a distance in time for people. */
export function relativeTime(seconds: number): string {
  const abs = Math.abs(seconds);
  const amount =
    abs < 90
      ? `${abs} s`
      : abs < 90 * 60
        ? `${Math.round(abs / 60)} min`
        : abs < 36 * 3600
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86_400)} d`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}

function step(status: StepStatus, title: string, detail?: string): string {
  return `${MARK[status]} ${title}${detail === undefined ? "" : `: ${safeLine(detail)}`}`;
}

function detail(text: string): string {
  return `         ${safeLine(text)}`;
}

function exchangeText(exchange: TraceExchange): string {
  const grant = exchange.grant === undefined ? "" : ` (${exchange.grant})`;
  const head = `${exchange.method} ${exchange.url}${grant}`;
  if (exchange.status === undefined) return `${head} -> no answer: ${exchange.error ?? "failed"}`;
  return `${head} -> ${exchange.status}${exchange.said === undefined ? "" : `: ${exchange.said}`}`;
}

const list = (values: readonly string[] | undefined): string =>
  values === undefined || values.length === 0 ? "(none)" : values.join(", ");

const yesNo = (value: boolean | undefined): string => (value === true ? "yes" : "no");

function metadataLines(m: MetadataSummary): string[] {
  return [
    `issuer: ${m.issuer ?? "(none)"}`,
    `authorization endpoint: ${m.authorization_endpoint ?? "(none)"}`,
    `token endpoint: ${m.token_endpoint ?? "(none)"}`,
    `registration endpoint: ${m.registration_endpoint ?? "(none)"}`,
    `revocation endpoint: ${m.revocation_endpoint ?? "(none)"}`,
    `device authorization endpoint: ${m.device_authorization_endpoint ?? "(none)"}`,
    `grant types: ${list(m.grant_types_supported)}`,
    `PKCE methods: ${list(m.code_challenge_methods_supported)}`,
    `iss in authorization responses (RFC 9207): ${yesNo(m.authorization_response_iss_parameter_supported)}`,
    `client ID metadata documents: ${yesNo(m.client_id_metadata_document_supported)}`,
    `DPoP algorithms: ${list(m.dpop_signing_alg_values_supported)}`,
    ...(m.scopes_supported ? [`scopes: ${list(m.scopes_supported)}`] : []),
  ];
}

function oauthLines(oauth: OAuthTrace): string[] {
  const lines: string[] = [];
  const { probe, resourceMetadata: prm, authorizationServer: as, client, tokens, lock } = oauth;
  const answered = probe.httpStatus === undefined ? "" : ` -> ${probe.httpStatus}`;
  lines.push(
    step(
      probe.status,
      "first request without a token",
      `${probe.method} ${probe.url}${answered}: ${probe.note}`,
    ),
  );
  if (probe.challenge !== undefined) lines.push(detail(`WWW-Authenticate: ${probe.challenge}`));

  lines.push(step(prm.status, "protected resource metadata (RFC 9728)", prm.note));
  for (const tried of prm.tried) lines.push(detail(exchangeText(tried)));
  if (prm.resource !== undefined) lines.push(detail(`resource: ${prm.resource}`));
  if (prm.authorizationServers) {
    lines.push(detail(`authorization servers: ${list(prm.authorizationServers)}`));
  }
  if (prm.scopesSupported) lines.push(detail(`scopes: ${list(prm.scopesSupported)}`));

  lines.push(step(as.status, "authorization server metadata (RFC 8414)", as.url ?? as.error));
  for (const tried of as.tried) lines.push(detail(exchangeText(tried)));
  if (as.metadata) for (const line of metadataLines(as.metadata)) lines.push(detail(line));
  if (as.url !== undefined && as.error !== undefined) lines.push(detail(as.error));
  if (as.issuerCheck) {
    const check = as.issuerCheck;
    lines.push(
      step(
        check.status,
        "issuer check",
        `issuer ${check.issuer ?? "(none)"} vs discovery URL ${check.discoveryUrl}: ${check.note}`,
      ),
    );
  }

  const who =
    client.clientId === undefined
      ? client.kind
      : `${client.kind === "stored" ? `stored ${client.obtainedBy ?? ""} client` : client.kind} ${client.clientId}`;
  lines.push(step(client.status, "client identity", `${who}: ${client.note}`));
  if (client.clientSecret) lines.push(detail("client secret: set (not shown)"));
  if (client.redirectUri !== undefined) lines.push(detail(`redirect URI: ${client.redirectUri}`));

  if (!tokens.present) {
    lines.push(step(tokens.status, "stored tokens", tokens.note));
  } else {
    const expiry =
      tokens.expiresAt === undefined
        ? "expiry unknown"
        : `expires ${tokens.expiresAt}${tokens.expiresInSeconds === undefined ? "" : ` (${relativeTime(tokens.expiresInSeconds)})`}`;
    lines.push(step(tokens.status, "stored tokens", tokens.note));
    lines.push(detail(`issuer: ${tokens.issuer ?? "(unknown)"}`));
    lines.push(detail(expiry));
    lines.push(detail(`scopes: ${tokens.scope ?? "(none)"}`));
    lines.push(detail(`refresh token: ${yesNo(tokens.refreshToken)}`));
    lines.push(
      detail(
        `DPoP-bound: ${yesNo(tokens.dpopBound)}${tokens.dpopBound ? ` (key ${tokens.dpopKey ? "stored" : "missing"})` : ""}`,
      ),
    );
  }

  if (!lock.held) {
    lines.push(step("ok", "refresh lock", "free"));
  } else {
    const age =
      lock.ageMs === undefined ? "" : `, taken ${relativeTime(-Math.round(lock.ageMs / 1000))}`;
    const state =
      lock.alive === undefined ? "" : lock.alive ? " (running)" : " (not running: stale)";
    lines.push(step("warn", "refresh lock", `held by pid ${lock.pid ?? "?"}${state}${age}`));
  }
  lines.push(detail(`lock file: ${lock.file}`));
  return lines;
}

function connectionLine(connection: ConnectionTrace): string[] {
  if (connection.status !== "ok") {
    return [step(connection.status, "connection", connection.error ?? "failed")];
  }
  const server =
    connection.serverName === undefined
      ? "server (unnamed)"
      : `server ${connection.serverName} ${connection.serverVersion ?? ""}`.trimEnd();
  return [
    step("ok", "connection", `protocol ${connection.protocolVersion ?? "(unknown)"}; ${server}`),
    detail(`capabilities: ${list(connection.capabilities)}`),
    detail(
      `tools: ${connection.tools ?? 0}${connection.auth === "oauth" ? " (signed in with OAuth)" : ""}`,
    ),
  ];
}

/** The trace as text lines (no trailing newline), safe for a terminal. */
export function formatDebugTrace(trace: DebugTrace): string {
  const { config } = trace;
  const lines: string[] = [`MCP debug: ${safeLine(trace.server)}`];
  const where =
    config.url !== undefined
      ? config.url
      : [config.command ?? "", ...(config.args ?? [])].join(" ").trim();
  lines.push(step("ok", "config", `${config.transport} ${where} (from ${config.source})`));
  if (config.headers && config.headers.length > 0) {
    lines.push(detail(`headers: ${config.headers.join(", ")} (values not shown)`));
  }
  if (config.env && config.env.length > 0) {
    lines.push(detail(`env: ${config.env.join(", ")} (values not shown)`));
  }
  if (config.oauth === false) lines.push(detail("oauth: off"));
  else if (config.oauth && Object.keys(config.oauth).length > 0) {
    const settings = Object.entries(config.oauth).map(([k, v]) => `${k} ${String(v)}`);
    lines.push(detail(`oauth: ${settings.join(", ")}`));
  }
  if (trace.oauth) lines.push(...oauthLines(trace.oauth));
  else if (config.transport === "stdio") lines.push(step("skipped", "OAuth", "a stdio server"));
  else lines.push(step("skipped", "OAuth", "oauth is off for this server"));
  lines.push(...connectionLine(trace.connection));
  const later = trace.http.filter(
    (e) => e.kind !== "resource-metadata" && e.kind !== "authorization-server-metadata",
  );
  if (later.length > 0) {
    lines.push("HTTP during the connection:");
    for (const exchange of later) lines.push(detail(`${exchange.kind} ${exchangeText(exchange)}`));
  }
  if (trace.notes.length > 0) {
    lines.push("notes:");
    for (const note of trace.notes) lines.push(detail(note));
  }
  lines.push(
    trace.failedStep === undefined
      ? "result: connected"
      : `result: failed at ${trace.failedStep.step}: ${safeLine(trace.failedStep.error)}`,
  );
  return lines.join("\n");
}
