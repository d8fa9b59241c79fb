import { describe, expect, it } from "vitest";
import { refusedClientId, SharedRegistration } from "./client-registration.js";

const registered = (id: string): Response => Response.json({ client_id: id }, { status: 201 });

describe("SharedRegistration", () => {
  it("answers concurrent registrations with the first one's response", async () => {
    const shared = new SharedRegistration();
    let calls = 0;
    // The server answers once both calls are in: the first is still pending.
    let answer = (): void => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const base = async (): Promise<Response> => {
      calls++;
      await answered;
      return registered(`c${calls}`);
    };
    const both = Promise.all([
      shared.fetch("https://as/register", { method: "POST" }, base),
      shared.fetch("https://as/register", { method: "POST" }, base),
    ]);
    answer();
    const [a, b] = await both;
    expect(a.status).toBe(201);
    expect(await a.json()).toEqual({ client_id: "c1" });
    expect(await b.json()).toEqual({ client_id: "c1" });
    // Still the same client later, until that client is refused.
    expect(await (await shared.fetch("https://as/register", {}, base)).json()).toEqual({
      client_id: "c1",
    });
    shared.forget("older");
    expect(calls).toBe(1);
    shared.forget("c1");
    expect(await (await shared.fetch("https://as/register", {}, base)).json()).toEqual({
      client_id: "c2",
    });
  });

  it("keeps no failed registration", async () => {
    const shared = new SharedRegistration();
    const answers = [
      Response.json({ error: "invalid_client_metadata" }, { status: 400 }),
      registered("ok"),
    ];
    const base = async (): Promise<Response> => answers.shift() ?? registered("extra");
    expect((await shared.fetch("https://as/register", {}, base)).status).toBe(400);
    expect(await (await shared.fetch("https://as/register", {}, base)).json()).toEqual({
      client_id: "ok",
    });
    const failing = new SharedRegistration();
    const down = async (): Promise<Response> => {
      throw new TypeError("fetch failed");
    };
    await expect(failing.fetch("https://as/register", {}, down)).rejects.toThrow("fetch failed");
    expect((await failing.fetch("https://as/register", {}, base)).status).toBe(201);
  });
});

describe("refusedClientId", () => {
  const refusal = (error: string): Response => Response.json({ error }, { status: 401 });

  it("names the client of a POST the server answered invalid_client or unauthorized_client", async () => {
    const form = { method: "POST", body: new URLSearchParams({ client_id: "pub" }) };
    expect(await refusedClientId(form, refusal("invalid_client"))).toBe("pub");
    const basic = {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from("conf%3Aid:secret").toString("base64")}` },
      body: "grant_type=refresh_token",
    };
    expect(
      await refusedClientId(
        basic,
        Response.json({ error: "unauthorized_client" }, { status: 400 }),
      ),
    ).toBe("conf:id");
  });

  it("ignores other errors, other methods and bodies that are not JSON", async () => {
    const form = { method: "POST", body: "client_id=pub" };
    expect(await refusedClientId(form, refusal("invalid_grant"))).toBeUndefined();
    expect(await refusedClientId({ method: "GET" }, refusal("invalid_client"))).toBeUndefined();
    expect(await refusedClientId(form, new Response("nope", { status: 401 }))).toBeUndefined();
    // The caller can still read the response it got.
    const response = refusal("invalid_client");
    await refusedClientId(form, response);
    expect(await response.json()).toEqual({ error: "invalid_client" });
  });
});
