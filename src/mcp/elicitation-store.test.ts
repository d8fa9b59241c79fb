import { getEventListeners } from "node:events";
import type { ElicitRequestFormParams } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { createElicitationStore, declineElicitations } from "./elicitation-store.js";

const params: ElicitRequestFormParams = {
  message: "Who are you?",
  requestedSchema: { type: "object", properties: { name: { type: "string" } } },
};

describe("createElicitationStore", () => {
  it("queues requests until resolved, with a stable snapshot between changes", async () => {
    const store = createElicitationStore();
    let notified = 0;
    store.subscribe(() => notified++);
    const empty = store.getSnapshot();
    const first = store.handler("a", params, new AbortController().signal);
    const second = store.handler("b", params, new AbortController().signal);
    const snapshot = store.getSnapshot();
    expect(snapshot).not.toBe(empty);
    expect(store.getSnapshot()).toBe(snapshot);
    expect(snapshot.map((p) => [p.server, p.message])).toEqual([
      ["a", "Who are you?"],
      ["b", "Who are you?"],
    ]);
    store.resolve(snapshot[0]?.id ?? 0, { action: "accept", content: { name: "x" } });
    store.resolve(snapshot[1]?.id ?? 0, { action: "decline" });
    expect(await first).toEqual({ action: "accept", content: { name: "x" } });
    expect(await second).toEqual({ action: "decline" });
    expect(store.getSnapshot()).toEqual([]);
    expect(notified).toBe(4);
  });

  it("drops a request whose server gave up, answering cancel", async () => {
    const store = createElicitationStore();
    const controller = new AbortController();
    const pending = store.handler("a", params, controller.signal);
    controller.abort();
    expect(await pending).toEqual({ action: "cancel" });
    expect(store.getSnapshot()).toEqual([]);
    // Resolving an id that is gone is harmless.
    store.resolve(1, { action: "cancel" });
  });

  it("leaves no listener on the signal once answered", async () => {
    const store = createElicitationStore();
    const { signal } = new AbortController();
    const pending = store.handler("a", params, signal);
    store.resolve(store.getSnapshot()[0]?.id ?? 0, { action: "decline" });
    expect(await pending).toEqual({ action: "decline" });
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("unsubscribes", () => {
    const store = createElicitationStore();
    let notified = 0;
    const off = store.subscribe(() => notified++);
    off();
    void store.handler("a", params, new AbortController().signal);
    expect(notified).toBe(0);
  });
});

describe("declineElicitations", () => {
  it("declines and logs one line", async () => {
    const lines: string[] = [];
    const handler = declineElicitations((line) => lines.push(line));
    expect(await handler("srv", params, new AbortController().signal)).toEqual({
      action: "decline",
    });
    expect(lines).toEqual(['srv asked for input ("Who are you?"); declined (not interactive)']);
  });
});
