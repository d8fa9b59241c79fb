// Test helpers for the black-box OAuth tests against a real authorization server: starts
// mock-mcps/oidc-as.mjs (oidc-provider + the MCP resource server it protects) as a subprocess,
// and plays the user's browser through oidc-provider's own login and consent pages.
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as z from "zod/v4";

const here = dirname(fileURLToPath(import.meta.url));

/** The harness script. */
export const OIDC_AS = join(here, "..", "..", "..", "mock-mcps", "oidc-as.mjs");

/** The confidential client the harness's resource server introspects with. */
export const INTROSPECTOR = { id: "it-introspector", secret: "it-introspector-secret" } as const;

const StatsSchema = z.object({
  authorize: z.number(),
  registrations: z.number(),
  tokenAuthorizationCode: z.number(),
  tokenRefresh: z.number(),
  refreshReuse: z.number(),
  refreshErrors: z.number(),
  revocations: z.number(),
  revocationErrors: z.number(),
  revokedGrants: z.number(),
  introspections: z.number(),
  mcpRequests: z.number(),
  mcpUnauthorized: z.number(),
  mcpDpop: z.number(),
  mcpDpopRefused: z.number(),
  dpopNonceChallenges: z.number(),
  maxRefreshPresentations: z.number(),
});

/** Counters the harness reports at `/__test/stats`. */
export type OidcAsStats = z.infer<typeof StatsSchema>;

const IntrospectionSchema = z.looseObject({ active: z.boolean() });

/** A running authorization server with its MCP resource server. */
export interface OidcAs {
  /** `http://127.0.0.1:<port>[/issuer-path]`: where the AS is served (its issuer, unless --issuer). */
  readonly issuer: string;
  /** The AS origin, for the `/__test` hooks. */
  readonly origin: string;
  /** The protected MCP endpoint, `http://127.0.0.1:<port>/mcp` (another origin than the AS). */
  readonly mcpUrl: string;
  stats(): Promise<OidcAsStats>;
  /** Moves the AS's (and its resource server's) clock forward: its tokens expire at once. */
  advanceClock(seconds: number): Promise<void>;
  /** RFC 7662 introspection at the AS: whether it still holds `token` active. */
  isActive(token: string): Promise<boolean>;
  stderr(): string;
  close(): Promise<void>;
}

/** Starts `mock-mcps/oidc-as.mjs --mcp` with `args` on ephemeral ports. */
export async function startOidcAs(args: readonly string[] = []): Promise<OidcAs> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      OIDC_AS,
      "--mcp",
      "--introspection-client",
      `${INTROSPECTOR.id}:${INTROSPECTOR.secret}`,
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const ports = await new Promise<{ as: number; mcp: number }>((resolve, reject) => {
    let mcp = 0;
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const mcpLine = /^mcp on (\d+)$/.exec(line);
      if (mcpLine?.[1]) mcp = Number(mcpLine[1]);
      const asLine = /^listening on (\d+)$/.exec(line);
      if (asLine?.[1]) resolve({ as: Number(asLine[1]), mcp });
    });
    child.once("exit", (code) => reject(new Error(`oidc-as exited ${code}: ${stderr}`)));
  });
  const origin = `http://127.0.0.1:${ports.as}`;
  const pathIndex = args.indexOf("--issuer-path");
  const issuer = `${origin}${pathIndex >= 0 ? (args[pathIndex + 1] ?? "") : ""}`;
  let introspectionEndpoint: string | undefined;
  return {
    issuer,
    origin,
    mcpUrl: `http://127.0.0.1:${ports.mcp}/mcp`,
    async stats() {
      const response = await fetch(`${origin}/__test/stats`);
      return StatsSchema.parse(await response.json());
    },
    async advanceClock(seconds) {
      const response = await fetch(`${origin}/__test/clock?advance=${seconds}`, {
        method: "POST",
      });
      await response.body?.cancel();
    },
    async isActive(token) {
      if (introspectionEndpoint === undefined) {
        const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
        const metadata = z
          .looseObject({ introspection_endpoint: z.string() })
          .parse(await discovery.json());
        introspectionEndpoint = metadata.introspection_endpoint;
      }
      const basic = Buffer.from(`${INTROSPECTOR.id}:${INTROSPECTOR.secret}`).toString("base64");
      const response = await fetch(introspectionEndpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${basic}`,
        },
        body: new URLSearchParams({ token }),
      });
      return IntrospectionSchema.parse(await response.json()).active;
    },
    stderr: () => stderr,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The fields of the first `<form>` of a page, with its action: what a browser would post. */
function parseForm(html: string, pageUrl: string): { action: string; fields: URLSearchParams } {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form?.[1]) throw new Error(`no form on ${pageUrl}`);
  const fields = new URLSearchParams();
  for (const input of form[2]?.matchAll(/<input\b[^>]*>/gi) ?? []) {
    const name = /\bname="([^"]*)"/i.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(input[0])?.[1] ?? "";
    if (name !== undefined) fields.set(name, value);
  }
  const action = form[1].replace(/&amp;/g, "&");
  return { action: new URL(action, pageUrl).href, fields };
}

/**
 * Plays the user's browser from the authorization URL to the redirect back to the client: keeps
 * the AS's cookies, signs in on its login page as `login`, accepts its consent page, and
 * returns the redirect URL (the loopback callback) without following it.
 */
export async function authorizeInBrowser(
  authorizationUrl: string,
  options: { readonly login?: string } = {},
): Promise<string> {
  const asOrigin = new URL(authorizationUrl).origin;
  const cookies = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (cookies.size > 0) {
      headers.set("cookie", [...cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    }
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  };
  let url = authorizationUrl;
  let response = await send(url);
  for (let step = 0; step < 20; step++) {
    const location = response.headers.get("location");
    if (location !== null) {
      await response.body?.cancel();
      const next = new URL(location, url).href;
      if (new URL(next).origin !== asOrigin) return next;
      url = next;
      response = await send(url);
      continue;
    }
    const html = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status} at ${url}: ${html.slice(0, 300)}`);
    const { action, fields } = parseForm(html, url);
    if (fields.get("prompt") === "login") {
      fields.set("login", options.login ?? "alice");
      fields.set("password", "any-password");
    }
    response = await send(action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: fields,
    });
    url = action;
  }
  throw new Error(`no redirect back to the client from ${authorizationUrl}`);
}

/** An MCP `initialize` POST with `token` as its Bearer token: a probe of the resource server. */
export function bearerInitialize(token: string): RequestInit {
  return {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "probe", version: "0" },
      },
    }),
  };
}
