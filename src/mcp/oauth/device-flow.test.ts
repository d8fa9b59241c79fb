import { OAuthError, type OAuthTokens } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { McpAuthError } from "../errors.js";
import {
  DEVICE_CODE_GRANT,
  type DeviceClock,
  type DevicePollEvent,
  deviceAuthorizationEndpoint,
  pollForDeviceTokens,
  requestDeviceAuthorization,
} from "./device-flow.js";
import { McpAuthCancelledError, McpAuthDeniedError, McpDeviceCodeExpiredError } from "./errors.js";

/** A clock whose sleeps end at once, moving its time forward; it records every wait. */
function fakeClock(): DeviceClock & { waits: number[]; time: () => number } {
  let now = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    time: () => now,
    now: () => now,
    async sleep(ms, signal) {
      if (signal.aborted) throw signal.reason;
      waits.push(ms);
      now += ms;
    },
  };
}

const TOKENS: OAuthTokens = { access_token: "at", token_type: "Bearer" };

/** A token endpoint that answers with `answers` in turn (an OAuth error code, or tokens). */
function endpoint(answers: readonly (string | "tokens")[]): {
  request: () => Promise<OAuthTokens>;
  calls: () => number;
} {
  let calls = 0;
  return {
    calls: () => calls,
    async request() {
      const answer = answers[calls++] ?? "authorization_pending";
      if (answer === "tokens") return TOKENS;
      throw new OAuthError(answer, answer === "access_denied" ? "the user said no" : answer);
    },
  };
}

describe("pollForDeviceTokens", () => {
  it("waits the interval before each request, and keeps waiting while authorization is pending", async () => {
    const clock = fakeClock();
    const server = endpoint(["authorization_pending", "authorization_pending", "tokens"]);
    const events: DevicePollEvent[] = [];
    const tokens = await pollForDeviceTokens({
      server: "s",
      intervalMs: 5000,
      expiresInMs: 600_000,
      requestTokens: server.request,
      clock,
      signal: new AbortController().signal,
      onEvent: (event) => events.push(event),
    });
    expect(tokens).toBe(TOKENS);
    expect(clock.waits).toEqual([5000, 5000, 5000]);
    expect(events).toEqual([{ kind: "pending" }, { kind: "pending" }]);
  });

  it("slow_down adds 5 s to the interval, for good", async () => {
    const clock = fakeClock();
    const server = endpoint(["slow_down", "authorization_pending", "slow_down", "tokens"]);
    await pollForDeviceTokens({
      server: "s",
      intervalMs: 5000,
      expiresInMs: 600_000,
      requestTokens: server.request,
      clock,
      signal: new AbortController().signal,
    });
    expect(clock.waits).toEqual([5000, 10_000, 10_000, 15_000]);
  });

  it("access_denied ends with one denial, without another request", async () => {
    const clock = fakeClock();
    const server = endpoint(["authorization_pending", "access_denied", "tokens"]);
    const error = await pollForDeviceTokens({
      server: "s",
      intervalMs: 5000,
      expiresInMs: 600_000,
      requestTokens: server.request,
      clock,
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthDeniedError);
    expect(error instanceof McpAuthDeniedError && error.message).toBe(
      "authorization denied: the user said no",
    );
    expect(server.calls()).toBe(2);
  });

  it("expired_token ends with the expiry", async () => {
    const server = endpoint(["expired_token"]);
    await expect(
      pollForDeviceTokens({
        server: "s",
        intervalMs: 5000,
        expiresInMs: 600_000,
        requestTokens: server.request,
        clock: fakeClock(),
        signal: new AbortController().signal,
      }),
    ).rejects.toBeInstanceOf(McpDeviceCodeExpiredError);
  });

  it("expires_in bounds the wait: no request after the code expired", async () => {
    const clock = fakeClock();
    const server = endpoint([]);
    const started = clock.time();
    await expect(
      pollForDeviceTokens({
        server: "s",
        intervalMs: 5000,
        expiresInMs: 12_000,
        requestTokens: server.request,
        clock,
        signal: new AbortController().signal,
      }),
    ).rejects.toBeInstanceOf(McpDeviceCodeExpiredError);
    expect(clock.waits).toEqual([5000, 5000, 2000]);
    expect(clock.time() - started).toBe(12_000);
    expect(server.calls()).toBe(2);
  });

  it("Esc (the abort) stops polling: no further request", async () => {
    const clock = fakeClock();
    const cancel = new AbortController();
    let calls = 0;
    const error = await pollForDeviceTokens({
      server: "s",
      intervalMs: 5000,
      expiresInMs: 600_000,
      requestTokens: async () => {
        calls++;
        cancel.abort(new McpAuthCancelledError("s"));
        throw new OAuthError("authorization_pending", "pending");
      },
      clock,
      signal: cancel.signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthCancelledError);
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([5000]);
  });

  it("a cancel during a request in flight does not wait for its answer", async () => {
    const cancel = new AbortController();
    const never = new Promise<OAuthTokens>(() => {});
    const polling = pollForDeviceTokens({
      server: "s",
      intervalMs: 5000,
      expiresInMs: 600_000,
      requestTokens: () => {
        queueMicrotask(() => cancel.abort(new McpAuthCancelledError("s")));
        return never;
      },
      clock: fakeClock(),
      signal: cancel.signal,
    });
    await expect(polling).rejects.toBeInstanceOf(McpAuthCancelledError);
  });

  it("any other refusal is rethrown as the server sent it", async () => {
    const server = endpoint(["invalid_client"]);
    const error = await pollForDeviceTokens({
      server: "s",
      intervalMs: 5000,
      expiresInMs: 600_000,
      requestTokens: server.request,
      clock: fakeClock(),
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error instanceof OAuthError && error.code).toBe("invalid_client");
  });
});

describe("deviceAuthorizationEndpoint", () => {
  const endpointUrl = "https://as.example/device";
  it("is the endpoint when the server names it and lists the grant (or lists no grants)", () => {
    expect(deviceAuthorizationEndpoint({ device_authorization_endpoint: endpointUrl })).toBe(
      endpointUrl,
    );
    expect(
      deviceAuthorizationEndpoint({
        device_authorization_endpoint: endpointUrl,
        grant_types_supported: ["authorization_code", DEVICE_CODE_GRANT],
      }),
    ).toBe(endpointUrl);
  });

  it("is undefined without the endpoint, or when the listed grants leave the device grant out", () => {
    expect(deviceAuthorizationEndpoint({ issuer: "https://as.example" })).toBeUndefined();
    expect(
      deviceAuthorizationEndpoint({
        device_authorization_endpoint: endpointUrl,
        grant_types_supported: ["authorization_code"],
      }),
    ).toBeUndefined();
    expect(deviceAuthorizationEndpoint(undefined)).toBeUndefined();
  });
});

describe("requestDeviceAuthorization", () => {
  function fetchAnswering(status: number, body: unknown) {
    const sent: { url: string; body: URLSearchParams; headers: Headers }[] = [];
    const fetchFn = async (url: string | URL, init?: RequestInit): Promise<Response> => {
      sent.push({
        url: String(url),
        body: new URLSearchParams(String(init?.body)),
        headers: new Headers(init?.headers),
      });
      return Response.json(body, { status });
    };
    return { fetchFn, sent };
  }

  it("sends the client, scope and resource, and reads the answer (interval defaults to 5 s)", async () => {
    const { fetchFn, sent } = fetchAnswering(200, {
      device_code: "dc",
      user_code: "WDJB-MJHT",
      verification_uri: "https://as.example/device",
      expires_in: 600,
    });
    const answer = await requestDeviceAuthorization({
      server: "s",
      endpoint: "https://as.example/device/auth",
      client: { clientId: "wren-client" },
      scope: "read write",
      resource: "https://mcp.example/mcp",
      fetch: fetchFn,
    });
    expect(answer).toEqual({
      deviceCode: "dc",
      userCode: "WDJB-MJHT",
      verificationUri: "https://as.example/device",
      expiresInMs: 600_000,
      intervalMs: 5000,
    });
    expect(Object.fromEntries(sent[0]?.body ?? [])).toEqual({
      client_id: "wren-client",
      scope: "read write",
      resource: "https://mcp.example/mcp",
    });
  });

  it("authenticates a confidential client with the method the server supports", async () => {
    const { fetchFn, sent } = fetchAnswering(200, {
      device_code: "dc",
      user_code: "C",
      verification_uri: "https://as.example/device",
      expires_in: 60,
      interval: 2,
    });
    const answer = await requestDeviceAuthorization({
      server: "s",
      endpoint: "https://as.example/device/auth",
      client: { clientId: "id", clientSecret: "sec", authMethod: "client_secret_basic" },
      fetch: fetchFn,
    });
    expect(answer.intervalMs).toBe(2000);
    expect(sent[0]?.headers.get("authorization")).toBe(
      `Basic ${Buffer.from("id:sec").toString("base64")}`,
    );
    expect(sent[0]?.body.has("client_secret")).toBe(false);
  });

  it("a refusal is one clean line with the server's error", async () => {
    const { fetchFn } = fetchAnswering(400, {
      error: "unauthorized_client",
      error_description: "no device\u001b[2J grant",
    });
    const error = await requestDeviceAuthorization({
      server: "s",
      endpoint: "https://as.example/device/auth",
      client: { clientId: "id" },
      fetch: fetchFn,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthError);
    expect(error instanceof McpAuthError && error.message).toBe(
      "the device authorization request was refused (unauthorized_client: no device [2J grant)",
    );
  });
});
