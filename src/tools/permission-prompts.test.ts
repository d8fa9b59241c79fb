import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
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

  it("lists the invisible characters of what the user approves", async () => {
    const prompts = createPermissionPrompts();
    const { signal } = new AbortController();
    void prompts.ask(
      { ...request, preview: { kind: "command", command: "git\u200b push\u202e", cwd: "/p" } },
      signal,
    );
    void prompts.ask(
      {
        ...request,
        preview: {
          kind: "diff",
          path: "a.txt",
          before: "\ufeffkept\r\n",
          after: "\ufeffkept\r\nnew\u2066line\r\n",
          created: false,
        },
      },
      signal,
    );
    void prompts.ask(request, signal);
    await vi.waitFor(() => expect(prompts.getSnapshot()).toHaveLength(3));
    // The diff's question queues last: its rows are computed first.
    const invisible = (kind: string | undefined, command?: string) =>
      prompts
        .getSnapshot()
        .find(
          (p) =>
            p.request.preview?.kind === kind &&
            (command === undefined ||
              (p.request.preview?.kind === "command" && p.request.preview.command === command)),
        )?.invisible;
    expect(invisible("command", "git\u200b push\u202e")).toEqual(["U+200B", "U+202E"]);
    expect(invisible("diff")).toEqual(["U+2066"]);
    expect(invisible("command", "make")).toEqual([]);
  });
});
