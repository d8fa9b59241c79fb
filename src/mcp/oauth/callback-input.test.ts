import { describe, expect, it } from "vitest";
import { checkState, cleanText, parsePastedCallback } from "./callback-input.js";

describe("parsePastedCallback", () => {
  it("reads a full callback URL, its query string with or without ?, or a bare code", () => {
    const full = parsePastedCallback(" http://127.0.0.1:5000/callback?code=abc&state=s1 ");
    expect(full).toEqual({ kind: "code", code: "abc", state: "s1" });
    expect(parsePastedCallback("?code=abc&state=s1")).toEqual(full);
    expect(parsePastedCallback("code=abc&state=s1")).toEqual(full);
    expect(parsePastedCallback("abc.DEF-123_x")).toEqual({ kind: "code", code: "abc.DEF-123_x" });
  });

  it("reads error redirects and rejects text that is neither", () => {
    expect(
      parsePastedCallback("error=access_denied&error_description=No%20thanks&state=s"),
    ).toEqual({
      kind: "error",
      error: "access_denied",
      description: "No thanks",
      state: "s",
    });
    expect(parsePastedCallback("hello world").kind).toBe("invalid");
    // A word typed by mistake is no code: rejected in place instead of failing the sign-in.
    for (const word of ["hello", "cancel", "password", "ok"]) {
      expect(parsePastedCallback(word).kind, word).toBe("invalid");
    }
    expect(parsePastedCallback("code_Xb3kPq9Lm2").kind).toBe("code");
    expect(parsePastedCallback("4f9a1c0e7b2d8a6c5e3f").kind).toBe("code");
    expect(parsePastedCallback("").kind).toBe("invalid");
    expect(parsePastedCallback("http://127.0.0.1/callback?x=1").kind).toBe("invalid");
  });
});

describe("checkState", () => {
  it("accepts the expected state or none (a bare code), rejects any other", () => {
    expect(checkState({ kind: "code", code: "c", state: "s" }, "s")).toBeUndefined();
    expect(checkState({ kind: "code", code: "c" }, "s")).toBeUndefined();
    expect(checkState({ kind: "code", code: "c", state: "x" }, "s")).toMatch(/does not match/);
  });
});

describe("cleanText", () => {
  it("strips control characters (no terminal escapes from a server) and bounds length", () => {
    expect(cleanText("a\u001b[31mb\nc", 50)).toBe("a [31mb c");
    expect(cleanText("x".repeat(10), 5)).toBe("xxxx…");
  });
});
