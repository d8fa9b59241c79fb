// `oauth` settings of the two assertion grants, where wren signs in with a JWT it is handed
// instead of a person at a browser: the JWT-bearer grant for workload identity (RFC 7523 §2.1,
// `"grantType": "jwt_bearer"`) and enterprise-managed authorization (an IdP ID token exchanged
// for an ID-JAG, RFC 8693, then the JWT-bearer grant: `"grantType": "enterprise"`).
// The JWTs themselves are never written in settings: a settings key names the file or the
// environment variable that holds them (a workload's projected token rotates; an ID token is
// short-lived), and project files can only name them in a folder the user trusted.
import * as z from "zod/mini";

// Small copies of schema.ts's helpers: schema.ts imports this module, so this one cannot
// import it back.

const nonEmpty = () => z.string().check(z.minLength(1, "expected a non-empty string"));

/** An environment variable's name: a `${VAR}` that expanded to the token itself fails here. */
const envName = () =>
  z
    .string()
    .check(
      z.regex(
        /^[A-Za-z_][A-Za-z0-9_]*$/,
        "expected the name of an environment variable (not its value)",
      ),
    );

const httpUrl = () =>
  z.string().check(
    z.refine((value) => /^https?:\/\/[^\s/]+/i.test(value), {
      message: "expected an http(s) URL",
    }),
  );

/** The keys, spread into the `oauth` object schema. */
export const AssertionGrantSettings = {
  /** `jwt_bearer`: file holding the workload's JWT (re-read for every token request). */
  assertionFile: z.optional(nonEmpty()),
  /** `jwt_bearer`: environment variable holding the workload's JWT. */
  assertionEnv: z.optional(envName()),
  /** `enterprise`: the identity provider's issuer URL (its token endpoint is discovered). */
  idpIssuer: z.optional(httpUrl()),
  /** `enterprise`: wren's client at the identity provider. */
  idpClientId: z.optional(nonEmpty()),
  idpClientSecret: z.optional(nonEmpty()),
  /** `enterprise`: file holding the user's ID token from the identity provider. */
  idTokenFile: z.optional(nonEmpty()),
  /** `enterprise`: environment variable holding that ID token. */
  idTokenEnv: z.optional(envName()),
};

/** The settings this module reads (a structural subset of `OAuthSettings`). */
interface GrantSettings {
  readonly grantType?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  readonly issuer?: string | undefined;
  readonly callbackPort?: number | undefined;
  readonly clientMetadataUrl?: string | undefined;
  readonly privateKey?: string | undefined;
  readonly privateKeyFile?: string | undefined;
  readonly signingAlgorithm?: string | undefined;
  readonly assertionFile?: string | undefined;
  readonly assertionEnv?: string | undefined;
  readonly idpIssuer?: string | undefined;
  readonly idpClientId?: string | undefined;
  readonly idpClientSecret?: string | undefined;
  readonly idTokenFile?: string | undefined;
  readonly idTokenEnv?: string | undefined;
}

/** Which `oauth` key is wrong, and why. */
export interface GrantIssue {
  readonly key: string;
  readonly message: string;
}

type AssertionGrant = "jwt_bearer" | "enterprise";

/** Keys each assertion grant accepts; everything else in `oauth` belongs to another grant. */
const ACCEPTED: Readonly<Record<AssertionGrant, readonly (keyof GrantSettings)[]>> = {
  jwt_bearer: ["grantType", "clientId", "issuer", "assertionFile", "assertionEnv"],
  enterprise: [
    "grantType",
    "clientId",
    "clientSecret",
    "issuer",
    "idpIssuer",
    "idpClientId",
    "idpClientSecret",
    "idTokenFile",
    "idTokenEnv",
  ],
};
/** Keys the other grants never use, with the grant that does. */
const OWN_KEYS: readonly (readonly [keyof GrantSettings, AssertionGrant])[] = [
  ["assertionFile", "jwt_bearer"],
  ["assertionEnv", "jwt_bearer"],
  ["idpIssuer", "enterprise"],
  ["idpClientId", "enterprise"],
  ["idpClientSecret", "enterprise"],
  ["idTokenFile", "enterprise"],
  ["idTokenEnv", "enterprise"],
];
/** Keys every grant may carry. */
const SHARED: readonly string[] = ["scope"];

/** Whether `oauth` uses one of the assertion grants. */
export function isAssertionGrant(grantType: string | undefined): grantType is AssertionGrant {
  return grantType === "jwt_bearer" || grantType === "enterprise";
}

/**
 * Why assertion-grant settings do not fit together; `undefined` when they do, and
 * `"not-an-assertion-grant"` when `oauth` uses another grant and none of these keys.
 */
export function assertionGrantIssue(
  oauth: GrantSettings,
): GrantIssue | undefined | "not-an-assertion-grant" {
  const grant = oauth.grantType;
  const set = (key: keyof GrantSettings): boolean => oauth[key] !== undefined;
  if (!isAssertionGrant(grant)) {
    const stray = OWN_KEYS.find(([key]) => set(key));
    return stray
      ? { key: stray[0], message: `${stray[0]} is used with "grantType": "${stray[1]}"` }
      : "not-an-assertion-grant";
  }
  const accepted = new Set<string>([...ACCEPTED[grant], ...SHARED]);
  const foreign = Object.keys(oauth).find((key) => !accepted.has(key));
  if (foreign !== undefined) {
    return { key: foreign, message: `${foreign} is not used with "grantType": "${grant}"` };
  }
  if (!set("clientId")) {
    return { key: "clientId", message: `${grant} needs the clientId wren is registered as` };
  }
  if (!set("issuer")) {
    return {
      key: "issuer",
      message: `${grant} needs the issuer URL of the authorization server the token is for`,
    };
  }
  const oneOf = (a: keyof GrantSettings, b: keyof GrantSettings): GrantIssue | undefined =>
    set(a) === set(b)
      ? { key: set(a) ? b : a, message: `${grant} needs exactly one of ${a} or ${b}` }
      : undefined;
  if (grant === "jwt_bearer") return oneOf("assertionFile", "assertionEnv");
  if (!set("clientSecret")) {
    return {
      key: "clientSecret",
      message: "enterprise needs the clientSecret of wren's client at the authorization server",
    };
  }
  for (const key of ["idpIssuer", "idpClientId"] as const) {
    if (!set(key)) return { key, message: `enterprise needs ${key} (the identity provider)` };
  }
  return oneOf("idTokenFile", "idTokenEnv");
}

/**
 * What an entry's assertion grant would read and where it would send it, for the trust
 * question (`undefined` for other grants): a project file could otherwise point wren at a
 * token file or variable and an identity provider of its choosing unseen. Values as written.
 */
export function assertionGrantPlan(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== "object" || !("oauth" in raw)) return undefined;
  const oauth = raw.oauth;
  if (oauth === null || typeof oauth !== "object") return undefined;
  const text = (key: string): string | undefined => {
    const value: unknown = key in oauth ? Reflect.get(oauth, key) : undefined;
    return typeof value === "string" ? value : undefined;
  };
  const from = (file: string, env: string): string => {
    const path = text(file);
    if (path !== undefined) return `file ${path}`;
    return `$${text(env) ?? "?"}`;
  };
  const issuer = text("issuer") ?? "?";
  const grant = text("grantType");
  if (grant === "jwt_bearer") {
    return `signs in with the workload token from ${from("assertionFile", "assertionEnv")}, sent to ${issuer}`;
  }
  if (grant === "enterprise") {
    return `signs in with your ID token from ${from("idTokenFile", "idTokenEnv")}, sent to ${text("idpIssuer") ?? "?"} for ${issuer}`;
  }
  return undefined;
}
