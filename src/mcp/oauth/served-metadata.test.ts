import { describe, expect, it } from "vitest";
import { ServedMetadata } from "./served-metadata.js";

const ISSUER = "https://as.example";
const parsed = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  response_types_supported: ["code"],
};

describe("ServedMetadata", () => {
  it("puts back the fields the SDK's schema dropped, from the document the issuer served", async () => {
    const served = new ServedMetadata();
    const document = { ...parsed, revocation_endpoint: `${ISSUER}/revoke` };
    served.note(`${ISSUER}/.well-known/openid-configuration`, undefined, Response.json(document));
    expect(await served.full(parsed)).toEqual(document);
    // Where both have a field, what the SDK parsed and checked wins.
    const changed = { ...parsed, token_endpoint: `${ISSUER}/other-token` };
    expect(await served.full(changed)).toEqual({
      ...document,
      token_endpoint: changed.token_endpoint,
    });
  });

  it("attacker: a document naming another issuer, a POST or an error answer is never joined", async () => {
    const served = new ServedMetadata();
    const evil = {
      ...parsed,
      issuer: "https://evil.example",
      revocation_endpoint: "https://evil.example/r",
    };
    served.note(`${ISSUER}/.well-known/oauth-authorization-server`, undefined, Response.json(evil));
    served.note(
      `${ISSUER}/.well-known/openid-configuration`,
      { method: "POST" },
      Response.json({ ...parsed, revocation_endpoint: "https://evil.example/post" }),
    );
    served.note(
      `${ISSUER}/.well-known/openid-configuration`,
      undefined,
      Response.json(
        { ...parsed, revocation_endpoint: "https://evil.example/500" },
        { status: 500 },
      ),
    );
    // Only metadata documents are looked at.
    served.note(
      `${ISSUER}/token`,
      undefined,
      Response.json({ ...parsed, token_endpoint: "https://evil.example/token" }),
    );
    expect(await served.full(parsed)).toEqual(parsed);
  });

  it("ignores bodies that are not JSON objects", async () => {
    const served = new ServedMetadata();
    served.note(`${ISSUER}/.well-known/openid-configuration`, undefined, new Response("<html>"));
    served.note(`${ISSUER}/.well-known/openid-configuration`, undefined, Response.json([1]));
    expect(await served.full(parsed)).toEqual(parsed);
  });
});
