import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { McpConnectionError } from "../../errors.js";
import { readToken, tokenSource } from "./token-source.js";

const JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmF0dXJl";
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-token-source-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const paths = () => ({ project: dir, userHome: join(dir, "home") });
const keys = { file: "assertionFile", env: "assertionEnv" };

async function failure(promise: Promise<unknown>): Promise<McpConnectionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpConnectionError);
  return error as McpConnectionError;
}

describe("tokenSource + readToken", () => {
  it("reads a project-relative file afresh on every call (a rotated token is picked up)", async () => {
    const source = tokenSource(keys, { file: "jwt" }, paths());
    await writeFile(join(dir, "jwt"), `${JWT}\n`);
    expect(await readToken("s", source, {})).toBe(JWT);
    await writeFile(join(dir, "jwt"), `${JWT}x`);
    expect(await readToken("s", source, {})).toBe(`${JWT}x`);
  });

  it("resolves ~/ against the user's home and reads an environment variable", async () => {
    expect(tokenSource(keys, { file: "~/t" }, paths())).toMatchObject({
      file: join(dir, "home", "t"),
    });
    const source = tokenSource(keys, { env: "WORKLOAD_JWT" }, paths());
    expect(await readToken("s", source, { WORKLOAD_JWT: JWT })).toBe(JWT);
  });

  it("names the setting and where it looked, never the content", async () => {
    const missing = await failure(readToken("s", tokenSource(keys, { file: "nope" }, paths()), {}));
    expect(missing.kind).toBe("auth");
    expect(missing.message).toBe(`oauth.assertionFile: cannot read ${join(dir, "nope")} (ENOENT)`);
    const unset = await failure(readToken("s", tokenSource(keys, { env: "X_JWT" }, paths()), {}));
    expect(unset.message).toBe("oauth.assertionEnv: $X_JWT is not set");
    const notJwt = await failure(
      readToken("s", tokenSource(keys, { env: "X_JWT" }, paths()), {
        X_JWT: "secret-api-key-value",
      }),
    );
    expect(notJwt.message).toBe("oauth.assertionEnv: $X_JWT does not hold a JWT");
    expect(notJwt.message).not.toContain("secret-api-key-value");
  });
});
