// Which paths are credential stores: the list every tool and the permission engine ask about.
import { describe, expect, it } from "vitest";
import { createSensitivePaths } from "./sensitive.js";

describe("createSensitivePaths", () => {
  const sensitive = createSensitivePaths({ home: "/h/u/.wren", userHome: "/h/u" });
  it.each([
    "/h/u/.wren/mcp-oauth/github.json",
    "/h/u/.wren",
    "/h/u/.ssh/id_rsa",
    "/h/u/.aws/credentials",
    "/h/u/.config/gcloud/application_default_credentials.json",
    "/h/u/.gnupg/private-keys-v1.d/x.key",
    "/h/u/.netrc",
    "/h/u/.docker/config.json",
    "/h/u/.kube/config",
    "/h/u/.git-credentials",
    "/work/app/.env",
    "/work/app/.env.production",
    "/work/app/.envrc",
  ])("%s is a credential store", (path) => {
    expect(sensitive.reasonFor(path)).toBeDefined();
  });
  it.each([
    "/h/u/.wrenx",
    "/h/u/src/ssh.ts",
    "/h/u/.docker/other.json",
    "/work/app/env.ts",
    "/work/app/src/dotenv.ts",
  ])("%s is not", (path) => {
    expect(sensitive.reasonFor(path)).toBeUndefined();
  });
});
