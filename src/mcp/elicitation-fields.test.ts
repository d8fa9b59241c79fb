import { describe, expect, it } from "vitest";
import { formFields, initialValues, validateForm } from "./elicitation-fields.js";

describe("formFields", () => {
  it("reads every primitive kind, titles, required and defaults", () => {
    const fields = formFields({
      type: "object",
      properties: {
        s: { type: "string", title: "S", minLength: 2, default: "ab" },
        n: { type: "number", maximum: 5 },
        i: { type: "integer", default: 3 },
        b: { type: "boolean", default: true },
        e: { type: "string", enum: ["x", "y"], enumNames: ["Ex", "Why"] },
        t: { type: "string", oneOf: [{ const: "a", title: "A" }], default: "a" },
        m: { type: "array", items: { type: "string", enum: ["p", "q"] }, default: ["q"] },
      },
      required: ["s"],
    });
    expect(fields.map((f) => [f.key, f.kind, f.label, f.required])).toEqual([
      ["s", "string", "S", true],
      ["n", "number", "n", false],
      ["i", "integer", "i", false],
      ["b", "boolean", "b", false],
      ["e", "enum", "e", false],
      ["t", "enum", "t", false],
      ["m", "multi", "m", false],
    ]);
    expect(initialValues(fields)).toEqual({
      s: "ab",
      n: "",
      i: "3",
      b: true,
      e: -1,
      t: 0,
      m: ["q"],
    });
  });
});

describe("validateForm", () => {
  const fields = formFields({
    type: "object",
    properties: {
      email: { type: "string", format: "email" },
      when: { type: "string", format: "date" },
      short: { type: "string", maxLength: 3 },
      pick: { type: "string", enum: ["a"] },
    },
    required: ["pick"],
  });

  it("omits empty optional fields and reports per-field errors", () => {
    expect(validateForm(fields, { email: "", when: "", short: "", pick: 0 })).toEqual({
      ok: true,
      content: { pick: "a" },
    });
    expect(
      validateForm(fields, { email: "nope", when: "2024-1-1", short: "long", pick: -1 }),
    ).toEqual({
      ok: false,
      errors: {
        email: "expected an email address",
        when: "expected YYYY-MM-DD",
        short: "at most 3 characters",
        pick: "choose one",
      },
    });
  });
});
