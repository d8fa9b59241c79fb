import { describe, expect, it } from "vitest";
import type { ElicitationResponse, PendingElicitation } from "../mcp/elicitation-store.js";
import {
  HOSTILE_STRINGS,
  TERMINAL_CONTROL,
  withoutColours,
} from "../test-utils/hostile-strings.js";
import { Keys, renderInk } from "../test-utils/render.js";
import { ElicitationForm } from "./elicitation-form.js";

const request: PendingElicitation = {
  id: 1,
  server: "mock",
  message: "The mock server needs a few values",
  schema: {
    type: "object",
    properties: {
      name: { type: "string", title: "Name", description: "Who is asking", default: "wren" },
      ratio: { type: "number", title: "Ratio", minimum: 0, maximum: 1 },
      count: { type: "integer", title: "Count", minimum: 1, maximum: 10, default: 3 },
      confirm: { type: "boolean", title: "Confirm", default: false },
      color: { type: "string", title: "Color", enum: ["red", "green", "blue"] },
    },
    required: ["name", "color"],
  },
};

function renderForm(req: PendingElicitation = request) {
  const responses: ElicitationResponse[] = [];
  const ui = renderInk(<ElicitationForm request={req} onRespond={(r) => responses.push(r)} />);
  return { ui, responses };
}

describe("ElicitationForm", () => {
  it.each(HOSTILE_STRINGS)("keeps $name from a server inert", async ({ text }) => {
    const { ui } = renderForm({
      id: 2,
      server: text,
      message: text,
      schema: {
        type: "object",
        properties: {
          field: { type: "string", title: text, description: text, default: text },
          choice: { type: "string", title: "Choice", enum: [text, "b"] },
        },
      },
    });
    await ui.waitForFrame("Esc cancel");
    expect(withoutColours(ui.lastFrame() ?? "")).not.toMatch(TERMINAL_CONTROL);
  });

  it("clears a text field with Ctrl+U and deletes a word with Ctrl+W", async () => {
    const { ui, responses } = renderForm();
    await ui.waitForFrame(/› Name\*\s+: wren▏/);
    await ui.press(Keys.ctrlU);
    await ui.waitForFrame(/› Name\*\s+: ▏/);
    await ui.type("ada lovelace");
    await ui.waitForFrame(/› Name\*\s+: ada lovelace▏/);
    await ui.press(Keys.ctrlW);
    await ui.waitForFrame(/› Name\*\s+: ada ▏/);
    expect(responses).toEqual([]);
  });

  it("shows the server, message, fields with defaults pre-filled, and the keys", async () => {
    const { ui } = renderForm();
    const frame = await ui.waitForFrame("Esc cancel");
    expect(frame).toContain("mock asks: The mock server needs a few values");
    expect(frame).toMatch(/› Name\*\s+: wren▏/);
    expect(frame).toContain("Who is asking");
    expect(frame).toMatch(/Count\s+: 3/);
    expect(frame).toMatch(/Confirm\s+: \[ \] no/);
    expect(frame).toContain("‹ choose ›  (red / green / blue)");
    await ui.press(Keys.down);
    expect(await ui.waitForFrame("range 0…1")).toContain("Esc cancel");
    await ui.press(Keys.down);
    await ui.press(Keys.down);
    await ui.waitForFrame("Space or ←/→ change");
  });

  it("validates on Enter and points at the invalid field", async () => {
    const { ui, responses } = renderForm();
    await ui.press(Keys.enter);
    const frame = await ui.waitForFrame("✗ choose one");
    expect(frame).toMatch(/› Color\*/);
    expect(responses).toEqual([]);
  });

  it("edits every kind of field and accepts with typed values", async () => {
    const { ui, responses } = renderForm();
    await ui.press(Keys.backspace);
    await ui.type("!");
    await ui.press(Keys.down);
    await ui.type("0.5");
    await ui.press(Keys.tab);
    await ui.press(Keys.backspace);
    await ui.type("7");
    await ui.press(Keys.down);
    await ui.press(Keys.space);
    await ui.press(Keys.down);
    await ui.press(Keys.right);
    await ui.press(Keys.right);
    await ui.waitForFrame("‹ green ›");
    await ui.press(Keys.enter);
    expect(responses).toEqual([
      {
        action: "accept",
        content: { name: "wre!", ratio: 0.5, count: 7, confirm: true, color: "green" },
      },
    ]);
  });

  it("rejects out-of-range and non-integer numbers", async () => {
    const { ui, responses } = renderForm();
    await ui.press(Keys.down);
    await ui.type("2");
    await ui.press(Keys.down);
    await ui.type(".5");
    await ui.press(Keys.down);
    await ui.press(Keys.down);
    await ui.press(Keys.left);
    await ui.press(Keys.enter);
    const frame = await ui.waitForFrame("must be at most 1");
    expect(frame).toContain("expected a whole number");
    expect(responses).toEqual([]);
  });

  it("keeps every key typed faster than it renders", async () => {
    const { ui, responses } = renderForm();
    await ui.burst([...Array(4).fill(Keys.backspace), "a", "b", Keys.down, "1", Keys.tab]);
    await ui.burst([Keys.tab, Keys.tab, Keys.right, Keys.enter]);
    expect(responses).toEqual([
      {
        action: "accept",
        content: { name: "ab", ratio: 1, count: 3, confirm: false, color: "red" },
      },
    ]);
  });

  it("declines with Ctrl+D and cancels with Esc", async () => {
    const declined = renderForm();
    await declined.ui.press(Keys.ctrlD);
    expect(declined.responses).toEqual([{ action: "decline" }]);
    const cancelled = renderForm();
    await cancelled.ui.press(Keys.escape);
    await cancelled.ui.settle();
    expect(cancelled.responses).toEqual([{ action: "cancel" }]);
  });

  it("accepts a form of defaults only as is", async () => {
    const { ui, responses } = renderForm({
      ...request,
      schema: {
        type: "object",
        properties: {
          status: { type: "string", enum: ["active", "inactive"], default: "active" },
          verified: { type: "boolean", default: true },
          age: { type: "integer", default: 30 },
        },
      },
    });
    await ui.press(Keys.enter);
    expect(responses).toEqual([
      { action: "accept", content: { status: "active", verified: true, age: 30 } },
    ]);
  });
});
