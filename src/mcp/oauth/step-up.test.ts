import { describe, expect, it } from "vitest";
import { StepUp } from "./step-up.js";

const refused = (status: number, challenge: string): Response =>
  new Response(null, { status, headers: { "www-authenticate": challenge } });

describe("StepUp", () => {
  it("asks for granted ∪ challenged after a 403 insufficient_scope, each scope once", () => {
    const stepUp = new StepUp();
    stepUp.note(refused(403, 'Bearer error="insufficient_scope", scope="b c"'), "a b");
    expect(stepUp.active).toBe(true);
    expect(stepUp.scope).toBe("a b c");
    stepUp.end();
    expect(stepUp.active).toBe(false);
  });

  it("reads a DPoP challenge too, and ignores other refusals", () => {
    const stepUp = new StepUp();
    stepUp.note(refused(401, 'Bearer error="invalid_token"'), "a");
    stepUp.note(refused(403, 'Bearer error="invalid_token"'), "a");
    expect(stepUp.active).toBe(false);
    stepUp.note(refused(403, 'DPoP error="insufficient_scope", scope="admin"'), undefined);
    expect(stepUp.scope).toBe("admin");
  });
});
