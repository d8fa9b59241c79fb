// The fields every built-in tool derives from its argument schema.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pathToolFields, schemaFields } from "./common.js";

const Args = z.object({ path: z.string().min(1).optional(), pattern: z.string().min(1) });

describe("schemaFields and pathToolFields", () => {
  const fields = pathToolFields(Args, ({ pattern, path }) => `${pattern} in ${path ?? "."}`);

  it("show the model the input schema, without $schema", () => {
    expect(fields.inputSchema).toMatchObject({ type: "object", required: ["pattern"] });
    expect(fields.inputSchema).not.toHaveProperty("$schema");
    expect(fields.origin).toBe("builtin");
  });

  it("summarize valid arguments, and say so when they do not validate", () => {
    expect(fields.summarize?.({ pattern: "*.ts", path: "src" })).toBe("*.ts in src");
    expect(fields.summarize?.({ pattern: "" })).toBe("(invalid arguments)");
    expect(fields.summarize?.(42)).toBe("(invalid arguments)");
  });

  it("touch the path argument, the project when it is absent, nothing to decide when invalid", () => {
    expect(fields.access?.({ pattern: "x", path: "../up" })).toEqual({ paths: ["../up"] });
    expect(fields.access?.({ pattern: "x" })).toEqual({ paths: ["."] });
    expect(fields.access?.({ path: "src" })).toBeNull();
  });

  it("leave access to the tool when it is not only a path", () => {
    expect(schemaFields(Args, ({ pattern }) => pattern)).not.toHaveProperty("access");
  });
});
