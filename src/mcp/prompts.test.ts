import { describe, expect, it } from "vitest";
import { EMBEDDED_TEXT_CAP, toTurn } from "./prompts.js";
import { DEFAULT_ATTACHMENT_LIMITS } from "./resources.js";

const png = "iVBORw0KGgo=";

describe("toTurn (a prompt message as the conversation takes it)", () => {
  it("attaches images of user messages, content or embedded resource", () => {
    expect(
      toTurn({ role: "user", content: { type: "image", data: png, mimeType: "image/png" } }),
    ).toEqual({
      role: "user",
      text: "",
      attachments: [{ type: "image", source: "prompt image", mimeType: "image/png", data: png }],
    });
    const embedded = toTurn({
      role: "user",
      content: {
        type: "resource",
        resource: { uri: "demo://x.png", mimeType: "image/png", blob: png },
      },
    });
    expect(embedded.attachments).toEqual([
      { type: "image", source: "demo://x.png", mimeType: "image/png", data: png },
    ]);
  });

  it("notes what cannot be attached: the assistant's images, oversized ones, audio, other blobs", () => {
    expect(
      toTurn({ role: "assistant", content: { type: "image", data: png, mimeType: "image/png" } }),
    ).toEqual({ role: "assistant", text: "[image image/png not included]" });
    const huge = "A".repeat(DEFAULT_ATTACHMENT_LIMITS.maxImageChars + 1);
    expect(
      toTurn({ role: "user", content: { type: "image", data: huge, mimeType: "image/png" } }).text,
    ).toBe("[image image/png not included]");
    expect(
      toTurn({ role: "user", content: { type: "audio", data: png, mimeType: "audio/wav" } }).text,
    ).toBe("[audio audio/wav not included]");
    expect(
      toTurn({
        role: "user",
        content: {
          type: "resource",
          resource: { uri: "demo://x.bin", mimeType: "application/zip", blob: png },
        },
      }).text,
    ).toBe("[resource demo://x.bin (application/zip) not included]");
  });

  it("inlines embedded text, capped", () => {
    const text = "x".repeat(EMBEDDED_TEXT_CAP + 5);
    const turn = toTurn({
      role: "user",
      content: { type: "resource", resource: { uri: "demo://t", text } },
    });
    expect(turn.text.startsWith("[resource demo://t]\nxxx")).toBe(true);
    expect(turn.text).toContain(`[… cut at ${EMBEDDED_TEXT_CAP} characters]`);
  });
});
