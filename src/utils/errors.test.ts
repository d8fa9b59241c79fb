import { describe, expect, it } from "vitest";
import { ArgsError } from "./args.js";
import { errorText, UsageError } from "./errors.js";

describe("errorText", () => {
  it("is an Error's message, and anything else as text", () => {
    expect(errorText(new TypeError("bad type"))).toBe("bad type");
    expect(errorText("plain")).toBe("plain");
    expect(errorText(42)).toBe("42");
    expect(errorText(undefined)).toBe("undefined");
  });
});

describe("UsageError", () => {
  it("covers parse failures, so the CLI edge maps both to the usage exit code", () => {
    const error = new ArgsError("unknown-option", "unknown option --nope");
    expect(error).toBeInstanceOf(UsageError);
    expect(error.name).toBe("ArgsError");
  });
});
