import type { FetchLike } from "@modelcontextprotocol/client";
import { formParams } from "./refresh.js";

/** A response read to the end, so each caller can get its own copy. */
interface RecordedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: [string, string][];
  readonly body: string;
}

interface Registration {
  readonly endpoint: string;
  readonly answer: Promise<RecordedResponse>;
  /** Set once the registration succeeded. */
  clientId?: string;
}

async function record(response: Promise<Response>): Promise<RecordedResponse> {
  const r = await response;
  const headers: [string, string][] = [];
  r.headers.forEach((value, name) => {
    headers.push([name, value]);
  });
  return { status: r.status, statusText: r.statusText, headers, body: await r.text() };
}

function replay(recorded: RecordedResponse): Response {
  // 204/205/304 may not carry a body; a registration answer never is one of those.
  return new Response(recorded.body, {
    status: recorded.status,
    statusText: recorded.statusText,
    headers: recorded.headers,
  });
}

function clientIdOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "client_id" in parsed) {
      const id = (parsed as { client_id: unknown }).client_id;
      return typeof id === "string" ? id : undefined;
    }
  } catch {
    // Not JSON: not a registration anyone can use.
  }
  return undefined;
}

/**
 * Dynamic client registration (RFC 7591) shared by the concurrent `auth()` calls of one
 * provider. Two requests refused at once each run the SDK's `auth()`; both find no client and
 * would register twice, the second registration replacing the first while the one sign-in
 * prompt carries the first's client_id, so the code exchange fails. Here the first
 * registration's answer serves every call until that client is rejected; a failed one is
 * not kept, so the next attempt registers again.
 */
export class SharedRegistration {
  private current: Registration | undefined;

  /** POSTs to `endpoint` through `base`, or answers with the registration already made there. */
  async fetch(endpoint: string, init: RequestInit | undefined, base: FetchLike): Promise<Response> {
    let registration = this.current;
    if (registration?.endpoint !== endpoint) {
      const started: Registration = { endpoint, answer: record(base(endpoint, init)) };
      registration = started;
      this.current = started;
      const drop = (): void => {
        if (this.current === started) this.current = undefined;
      };
      started.answer.then((answer) => {
        const ok = answer.status >= 200 && answer.status < 300;
        const clientId = ok ? clientIdOf(answer.body) : undefined;
        if (clientId === undefined) drop();
        else started.clientId = clientId;
      }, drop);
    }
    return replay(await registration.answer);
  }

  /**
   * The stored client `clientId` was rejected (the server forgot it): if this registration
   * produced it, the next `auth()` registers anew. A rejection of an older client keeps a
   * registration made since, which a concurrent call may be about to use.
   */
  forget(clientId: string | undefined): void {
    if (clientId !== undefined && this.current?.clientId === clientId) this.current = undefined;
  }
}

/**
 * The registration request `init` with `redirect_uris` set to `redirectUri`. The SDK reads the
 * client metadata once, before discovery, and so before wren binds the loopback whose port the
 * redirect URI must name; the registration is where that port is known.
 */
export function withRedirectUri(init: RequestInit | undefined, redirectUri: string): RequestInit {
  const body = init?.body;
  if (typeof body !== "string") return init ?? {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return init ?? {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return init ?? {};
  return { ...init, body: JSON.stringify({ ...parsed, redirect_uris: [redirectUri] }) };
}

/** The client_id a token request presented: in its form body, or in a Basic Authorization header. */
function presentedClientId(init: RequestInit | undefined): string | undefined {
  const headers = new Headers(init?.headers);
  const authorization = headers.get("authorization");
  if (authorization?.startsWith("Basic ")) {
    const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) return decodeURIComponent(decoded.slice(0, colon));
  }
  return formParams(init)?.get("client_id") ?? undefined;
}

/**
 * The client_id the server refused (`invalid_client` or `unauthorized_client`, RFC 6749 §5.2)
 * in answer to the POST `init`, if that is what `response` says.
 */
export async function refusedClientId(
  init: RequestInit | undefined,
  response: Response,
): Promise<string | undefined> {
  if (init?.method !== "POST" || (response.status !== 400 && response.status !== 401)) {
    return undefined;
  }
  // Token endpoints answer errors in JSON (RFC 6749 §5.2); anything else is not read here.
  if (!response.headers.get("content-type")?.includes("json")) return undefined;
  let error: unknown;
  try {
    error = ((await response.clone().json()) as { error?: unknown } | null)?.error;
  } catch {
    return undefined;
  }
  if (error !== "invalid_client" && error !== "unauthorized_client") return undefined;
  return presentedClientId(init);
}
