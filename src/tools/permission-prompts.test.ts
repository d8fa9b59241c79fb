import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { createPermissionPrompts } from "./permission-prompts.js";
import { commandPermissionRequest } from "./test-support.js";

const request = commandPermissionRequest;

describe("createPermissionPrompts", () => {
  it("queues a question until answered, then drops it", async () => {
    const prompts = createPermissionPrompts();
    const answer = prompts.ask(request, new AbortController().signal);
    const [pending] = prompts.getSnapshot();
    expect(pending?.request).toBe(request);
    prompts.answer(pending?.id ?? 0, { kind: "allow-once" });
    expect(await answer).toEqual({ kind: "allow-once" });
    expect(prompts.getSnapshot()).toEqual([]);
  });

  it("denies as cancelled when the signal aborts (Esc)", async () => {
    const prompts = createPermissionPrompts();
    const controller = new AbortController();
    const answer = prompts.ask(request, controller.signal);
    controller.abort();
    expect(await answer).toEqual({ kind: "deny", note: "cancelled" });
    expect(prompts.getSnapshot()).toEqual([]);
    expect(await prompts.ask(request, controller.signal)).toEqual({
      kind: "deny",
      note: "cancelled",
    });
  });

  it("leaves no listener on the turn's signal once answered", async () => {
    const prompts = createPermissionPrompts();
    const { signal } = new AbortController();
    for (let i = 0; i < 12; i++) {
      const answer = prompts.ask(request, signal);
      prompts.answer(prompts.getSnapshot()[0]?.id ?? 0, { kind: "allow-once" });
      await answer;
    }
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });
});
