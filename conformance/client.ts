// Conformance adapter: drives wren's real MCP code (config → manager → client → tool bridge →
// elicitation form logic) against one server of the official conformance suite.
// Usage: node conformance/run-client.mjs URL   (the suite appends URL and sets
// MCP_CONFORMANCE_SCENARIO). Exits 0 when every step worked.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config/load.js";
import { connectMcpServer } from "../src/mcp/connect.js";
import { formFields, initialValues, validateForm } from "../src/mcp/elicitation-fields.js";
import { createElicitationStore, type ElicitationStore } from "../src/mcp/elicitation-store.js";
import { McpAuthError } from "../src/mcp/errors.js";
import { createMcpManager } from "../src/mcp/manager.js";
import { createAuthPromptStore } from "../src/mcp/oauth/auth-store.js";
import { createMcpOAuth } from "../src/mcp/oauth/mcp-oauth.js";
import { describeStatus } from "../src/mcp/status-text.js";
import { assignToolNames } from "../src/mcp/tool-bridge.js";
import type { Tool } from "../src/tools/types.js";
import { resolvePaths } from "../src/utils/paths.js";

const SERVER = "conformance";

/**
 * Exit code when wren did not connect: sign-in refused or the server left failed or needing
 * sign-in — where a session shows that status and carries on without the server. 0 means
 * connected and every tool call answered; 1 means wren itself failed (a crash, or a call whose
 * answer it could not get or use). conformance/run-suite.mjs tells the three apart.
 */
const EXIT_NOT_CONNECTED = 3;

function log(line: string): void {
  process.stdout.write(`[wren-conformance] ${line}\n`);
}

/**
 * Example arguments from a JSON schema: what a model would fill in. The required ones, when
 * the schema says which; an optional argument is left out, as a model does when it has no
 * value for it.
 */
function exampleArguments(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const properties = schema.properties;
  if (properties === null || typeof properties !== "object") return {};
  const required = Array.isArray(schema.required)
    ? new Set(schema.required.filter((k): k is string => typeof k === "string"))
    : undefined;
  const args: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    if (required && !required.has(key)) continue;
    const type =
      property !== null && typeof property === "object" && "type" in property
        ? property.type
        : undefined;
    if (type === "number" || type === "integer") args[key] = 2;
    else if (type === "boolean") args[key] = true;
    else if (type === "string") args[key] = "wren";
  }
  return args;
}

/** One call the model makes: a tool wren offered it and the arguments it fills in. */
interface ModelCall {
  readonly tool: Tool;
  readonly args: Record<string, unknown>;
}

/** The suite's own list of calls for a scenario (MCP_CONFORMANCE_CONTEXT `toolCalls`). */
function contextToolCalls(): { name: string; arguments: Record<string, unknown> }[] | undefined {
  const context = suiteContext();
  if (!Array.isArray(context.toolCalls)) return undefined;
  return context.toolCalls.flatMap((call: unknown) => {
    if (call === null || typeof call !== "object" || !("name" in call)) return [];
    if (typeof call.name !== "string") return [];
    const args = "arguments" in call ? call.arguments : undefined;
    return [
      {
        name: call.name,
        arguments:
          args !== null && typeof args === "object" && !Array.isArray(args) ? { ...args } : {},
      },
    ];
  });
}

/**
 * Plays the model: which of the tools wren offers it calls, with what. The model's choices are
 * the scenario's input, never wren's behaviour: every tool once with the arguments a model
 * fills in from its schema; or, when the suite names the calls a model makes (`toolCalls` in
 * its context, e.g. arguments with non-ASCII text for SEP-2243 headers), exactly those; or,
 * in json-schema-2020-12-preservation, the call that the echo tool's description asks a model
 * for: the focal tool's inputSchema, exactly as wren offered it to the model, passed back as
 * `schema` (src/provider's integration test shows the provider receives that schema as is).
 */
function modelCalls(scenario: string, tools: readonly Tool[]): ModelCall[] {
  const byMcpName = (name: string): Tool | undefined => {
    const [modelName] = assignToolNames([{ server: SERVER, tool: name }]);
    return tools.find((t) => t.name === modelName);
  };
  const listed = contextToolCalls();
  if (listed !== undefined) {
    return listed.flatMap((call) => {
      const tool = byMcpName(call.name);
      return tool ? [{ tool, args: call.arguments }] : [];
    });
  }
  if (scenario === "json-schema-2020-12-preservation") {
    const focal = byMcpName("json_schema_2020_12_tool");
    const echo = byMcpName("json_schema_echo");
    if (focal && echo) return [{ tool: echo, args: { schema: focal.inputSchema } }];
  }
  return tools.map((tool) => ({ tool, args: exampleArguments(tool.inputSchema) }));
}

/** Plays the user in front of the form: accepts whatever it shows pre-filled. */
function acceptPrefilledForms(store: ElicitationStore): void {
  store.subscribe(() => {
    for (const pending of store.getSnapshot()) {
      const fields = formFields(pending.schema);
      const result = validateForm(fields, initialValues(fields));
      log(`elicitation from ${pending.server}: "${pending.message}"`);
      store.resolve(
        pending.id,
        result.ok ? { action: "accept", content: result.content } : { action: "decline" },
      );
    }
  });
}

/** The URL the auth/basic-cimd scenario expects as client_id (SEP-991). */
const CIMD_URL = "https://conformance-test.local/client-metadata.json";

/**
 * The issuer a client_credentials user would copy from their authorization server's docs:
 * here read from the server's protected resource metadata (RFC 9728), as the docs would say.
 */
async function advertisedIssuer(serverUrl: string): Promise<string | undefined> {
  const url = new URL(serverUrl);
  for (const path of [
    `/.well-known/oauth-protected-resource${url.pathname}`,
    "/.well-known/oauth-protected-resource",
  ]) {
    try {
      const response = await fetch(new URL(path, url));
      if (!response.ok) continue;
      const metadata = (await response.json()) as { authorization_servers?: unknown };
      const first = Array.isArray(metadata.authorization_servers)
        ? metadata.authorization_servers[0]
        : undefined;
      if (typeof first === "string") return first;
    } catch {
      // try the next location
    }
  }
  return undefined;
}

/** The suite's MCP_CONFORMANCE_CONTEXT: scenario data (credentials, calls to make). */
function suiteContext(): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}");
    if (parsed !== null && typeof parsed === "object") return { ...parsed };
  } catch {
    // no context
  }
  return {};
}

/**
 * `oauth` settings from the suite's MCP_CONFORMANCE_CONTEXT: a pre-registered client, or, for
 * the client-credentials scenarios, the machine credentials (secret or private key) a user
 * would put in their config with `"grantType": "client_credentials"`; a workload JWT
 * (`"grantType": "jwt_bearer"`) or an enterprise IdP's ID token (`"grantType": "enterprise"`)
 * when the context hands one over, written to a file the settings name. CIMD otherwise.
 * DPoP needs no setting: wren uses it when the servers ask.
 */
async function oauthSettings(
  scenario: string,
  serverUrl: string,
  dir: string,
): Promise<Record<string, string>> {
  const context = suiteContext();
  const text = (key: string): string | undefined =>
    typeof context[key] === "string" ? (context[key] as string) : undefined;
  const clientId = text("client_id");
  const secret = text("client_secret");
  // A workload's JWT (the JWT-bearer grant, RFC 7523 §2.1) or a user's ID token from an
  // enterprise IdP: where the platform or a login helper would leave it, a file the settings name.
  const workloadJwt = text("valid_jwt");
  if (workloadJwt !== undefined && clientId !== undefined) {
    const assertionFile = join(dir, "workload.jwt");
    await writeFile(assertionFile, workloadJwt, { mode: 0o600 });
    return {
      grantType: "jwt_bearer",
      clientId,
      issuer: (await advertisedIssuer(serverUrl)) ?? "",
      assertionFile,
    };
  }
  const idToken = text("idp_id_token");
  const idpIssuer = text("idp_issuer");
  const idpClientId = text("idp_client_id");
  if (idToken && idpIssuer && idpClientId && clientId !== undefined && secret !== undefined) {
    const idTokenFile = join(dir, "id-token.jwt");
    await writeFile(idTokenFile, idToken, { mode: 0o600 });
    return {
      grantType: "enterprise",
      clientId,
      clientSecret: secret,
      issuer: (await advertisedIssuer(serverUrl)) ?? "",
      idpIssuer,
      idpClientId,
      idTokenFile,
    };
  }
  if (scenario.startsWith("auth/client-credentials-") && clientId !== undefined) {
    const privateKey = text("private_key_pem");
    const algorithm = text("signing_algorithm");
    return {
      grantType: "client_credentials",
      clientId,
      issuer: (await advertisedIssuer(serverUrl)) ?? "",
      ...(secret !== undefined && { clientSecret: secret }),
      ...(privateKey !== undefined && { privateKey }),
      ...(algorithm !== undefined && { signingAlgorithm: algorithm }),
    };
  }
  return {
    clientMetadataUrl: CIMD_URL,
    ...(clientId !== undefined && { clientId }),
    ...(secret !== undefined && { clientSecret: secret }),
  };
}

async function main(): Promise<number> {
  const url = process.argv.at(-1);
  const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "(none)";
  if (!url || !/^https?:\/\//.test(url)) {
    process.stderr.write("usage: run-client.mjs URL\n");
    return 2;
  }
  log(`scenario ${scenario}, server ${url}`);
  const dir = await mkdtemp(join(tmpdir(), "wren-conformance-"));
  const paths = resolvePaths({ WREN_HOME: join(dir, "home") }, join(dir, "project"));
  await mkdir(paths.project, { recursive: true });
  await writeFile(
    paths.projectMcpJson,
    JSON.stringify({
      mcpServers: { [SERVER]: { url, oauth: await oauthSettings(scenario, url, dir) } },
    }),
  );
  const store = createElicitationStore();
  acceptPrefilledForms(store);
  // The adapter wrote this project's .mcp.json itself.
  const config = await loadConfig({ paths, env: process.env, trustProject: true });
  // wren's real OAuth: provider, loopback and browser launcher ($BROWSER, which the suite runner
  // points at a script that follows the redirect). Nobody types into the prompt.
  const oauth = createMcpOAuth({ paths, interaction: createAuthPromptStore(), log });
  const manager = createMcpManager({
    servers: config.servers,
    paths,
    connect: oauth.wrapConnect(connectMcpServer),
    elicitation: store.handler,
    log,
  });
  try {
    manager.start();
    await manager.whenSettled();
    if (manager.getSnapshot().find((s) => s.name === SERVER)?.status.state === "needs-auth") {
      log("needs sign-in: running .mcp auth");
      try {
        await manager.reconnect(SERVER, { signIn: true });
      } catch (error) {
        // wren's own refusals (a mix-up defence, a denied or cancelled sign-in) are typed;
        // the REPL shows them as one line and goes on without the server.
        if (!(error instanceof McpAuthError)) throw error;
        log(`sign-in refused: ${error.message}`);
        return EXIT_NOT_CONNECTED;
      }
    }
    const state = manager.getSnapshot().find((s) => s.name === SERVER);
    if (state?.status.state !== "connected") {
      log(`not connected: ${state ? describeStatus(state.status) : "unknown server"}`);
      return EXIT_NOT_CONNECTED;
    }
    log(describeStatus(state.status));
    // `initialize` checks the handshake only; every other scenario is about calling tools.
    if (scenario === "initialize") return 0;
    let failures = 0;
    const signal = new AbortController().signal;
    for (const { tool, args } of modelCalls(scenario, manager.tools())) {
      const outcome = await tool.execute(args, { signal });
      log(`${tool.name} ${JSON.stringify(args)} -> ${JSON.stringify(outcome)}`);
      // A tool's error (its error result, or its server's JSON-RPC error answer) goes to the
      // model and the session carries on, as in the REPL. wren failing on the way to the
      // answer (no connection, an answer it could not use) is the client's failure.
      if (outcome.status === "error" && outcome.source !== "client") {
        log(`${tool.name}: the tool's error goes to the model; the session carries on`);
      } else if (outcome.status !== "ok") failures++;
    }
    return failures === 0 ? 0 : 1;
  } finally {
    await manager.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
