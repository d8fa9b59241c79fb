import { describe, expect, it } from "vitest";
import { capResponseSize, capSseEvents } from "./response-cap.js";

function streamOf(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

const call = { id: 7, method: "tools/call", params: { name: "dump" } };

describe("capSseEvents", () => {
  it("passes small events whole, drops an oversized answer for a tool error, keeps going", async () => {
    const big = `event: message\r\ndata: {"result":{"content":[{"type":"text","text":"${"x".repeat(500)}"}]},"jsonrpc":"2.0","id":7}\r\n\r\n`;
    const chunks = [
      'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n',
      ...big.match(/.{1,37}/gs)!,
      "data: after\r",
      "\n\r\n",
    ];
    const out = await new Response(capSseEvents(streamOf(chunks), 200, call)).text();
    const events = out.split("\n\n").filter(Boolean);
    expect(events).toHaveLength(3);
    expect(events[0]).toContain("notifications/progress");
    const replaced = JSON.parse(events[1]!.replace("event: message\ndata: ", ""));
    expect(replaced).toEqual({
      jsonrpc: "2.0",
      id: 7,
      result: {
        content: [{ type: "text", text: expect.stringContaining("dump returned more than") }],
        isError: true,
      },
    });
    expect(events[2]).toBe("data: after");
    expect(out).not.toContain("xxxx");
  });

  it("drops an oversized server notification without inventing an answer", async () => {
    const chunks = [
      `data: {"jsonrpc":"2.0","method":"notifications/message","params":"${"y".repeat(400)}"}\n\n`,
    ];
    expect(await new Response(capSseEvents(streamOf(chunks), 200, call)).text()).toBe("");
  });
});

describe("capResponseSize", () => {
  const post = { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", ...call }) };

  it("caps a JSON answer and cuts error bodies short; other requests pass untouched", async () => {
    const huge = JSON.stringify({ jsonrpc: "2.0", id: 7, result: { text: "z".repeat(1000) } });
    const json = { "content-type": "application/json" };
    const fetchStub = async (url: string | URL): Promise<Response> =>
      String(url).endsWith("/error")
        ? new Response("e".repeat(200_000), { status: 500 })
        : new Response(huge, { headers: json });
    const capped = capResponseSize(fetchStub, 100);
    const answer: unknown = await (await capped("https://mcp.example/mcp", post)).json();
    expect(answer).toMatchObject({ id: 7, result: { isError: true } });
    expect((await (await capped("https://mcp.example/error", post)).text()).length).toBe(65_536);
    const token = await capped("https://as.example/token", {
      method: "POST",
      body: "grant_type=x",
    });
    expect(await token.text()).toBe(huge);
  });
});
