// The stored form of a DPoP key (RFC 9449), kept in the server's OAuth state file beside the
// tokens bound to it: 0600, written atomically, shared by every wren process, so any of them
// can present or refresh the bound tokens. Schema only: storage.ts and dpop.ts both read it.
// Classic zod/v4, as the SDK uses: loaded with the SDK, never on the startup path.
import * as z from "zod/v4";

/** The DPoP algorithms wren signs with: ECDSA on the NIST curves (Web Crypto imports them). */
export const DPOP_ALGS = ["ES256", "ES384", "ES512"] as const;
/** One of {@link DPOP_ALGS}. */
export type WrenDpopAlg = (typeof DPOP_ALGS)[number];

/** A stored DPoP key pair: the private EC JWK (`d` is the secret) and its algorithm. */
export const StoredDpopKeySchema = z.object({
  alg: z.enum(DPOP_ALGS),
  jwk: z.looseObject({
    kty: z.literal("EC"),
    crv: z.enum(["P-256", "P-384", "P-521"]),
    x: z.string(),
    y: z.string(),
    d: z.string(),
  }),
});
/** See {@link StoredDpopKeySchema}. */
export type StoredDpopKey = z.infer<typeof StoredDpopKeySchema>;
