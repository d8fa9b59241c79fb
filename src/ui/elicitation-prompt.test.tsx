import { describe, expect, it } from "vitest";
import { createElicitationStore } from "../mcp/elicitation-store.js";
import { Keys, renderInk } from "../test-utils/render.js";
import { ElicitationPrompt } from "./elicitation-prompt.js";

describe("ElicitationPrompt", () => {
  it("shows pending requests one at a time and resolves them in the store", async () => {
    const store = createElicitationStore();
    const ui = renderInk(<ElicitationPrompt store={store} />);
    expect(await ui.settle()).toBe("");
    const schema = { type: "object" as const, properties: { ok: { type: "boolean" as const } } };
    const signal = new AbortController().signal;
    const first = store.handler("one", { message: "first?", requestedSchema: schema }, signal);
    const second = store.handler("two", { message: "second?", requestedSchema: schema }, signal);
    await ui.waitForFrame("one asks: first?");
    await ui.press(Keys.space);
    await ui.press(Keys.enter);
    expect(await first).toEqual({ action: "accept", content: { ok: true } });
    await ui.waitForFrame("two asks: second?");
    await ui.press(Keys.escape);
    expect(await second).toEqual({ action: "cancel" });
    expect(await ui.settle()).toBe("");
  });
});
