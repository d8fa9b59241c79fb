import { describe, expect, it } from "vitest";
import { metadataSummary } from "./debug-discovery.js";

describe("metadataSummary", () => {
  it("keeps the fields a sign-in depends on, with their types checked", () => {
    expect(
      metadataSummary({
        issuer: "https://as.example",
        token_endpoint: 42,
        grant_types_supported: ["authorization_code", 7],
        client_id_metadata_document_supported: true,
        jwks_uri: "https://as.example/jwks",
      }),
    ).toEqual({
      issuer: "https://as.example",
      grant_types_supported: ["authorization_code"],
      client_id_metadata_document_supported: true,
    });
    expect(metadataSummary("not an object")).toBeUndefined();
  });
});
