import { describe, expect, it } from "vitest";
import { createAuthPromptStore } from "./auth-store.js";

const init = {
  server: "s",
  url: "http://as/authorize",
  callbackPort: 1,
  browser: { kind: "opening" as const },
};

describe("createAuthPromptStore", () => {
  it("keeps a stable snapshot until something changes, and routes input to the flow", () => {
    const store = createAuthPromptStore();
    const empty = store.getSnapshot();
    expect(store.getSnapshot()).toBe(empty);
    let notified = 0;
    store.subscribe(() => notified++);
    const submitted: string[] = [];
    let cancelled = 0;
    const handle = store.open(init, {
      onSubmit: (t) => submitted.push(t),
      onCancel: () => cancelled++,
    });
    const open = store.getSnapshot();
    expect(open).toHaveLength(1);
    expect(store.getSnapshot()).toBe(open);
    open[0]?.submit("code=x");
    expect(submitted).toEqual(["code=x"]);
    handle.update({ error: "bad state" });
    expect(store.getSnapshot()[0]?.error).toBe("bad state");
    handle.update({ error: undefined, browser: { kind: "opened", command: "open" } });
    expect(store.getSnapshot()[0]).not.toHaveProperty("error");
    expect(store.getSnapshot()[0]?.browser).toEqual({ kind: "opened", command: "open" });
    handle.close();
    expect(store.getSnapshot()).toEqual([]);
    // A closed prompt ignores late input.
    open[0]?.cancel();
    expect(cancelled).toBe(0);
    expect(notified).toBe(4);
  });
});
