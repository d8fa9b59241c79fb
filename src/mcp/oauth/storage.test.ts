import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOAuthStorage } from "./storage.js";

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "wren-oauth-storage-")), "mcp-oauth");
});
afterEach(async () => {
  await rm(join(dir, ".."), { recursive: true, force: true });
});

describe("createOAuthStorage", () => {
  const url = "https://mcp.example/mcp";

  it("writes atomically with mode 0600 in a 0700 directory and reads back", async () => {
    await mkdir(dir, { mode: 0o755 });
    const storage = createOAuthStorage({ dir, serverName: "ex", serverUrl: url });
    expect(await storage.read()).toEqual({ version: 1, serverUrl: url });
    await storage.update((s) => ({
      ...s,
      tokens: { access_token: "a", token_type: "Bearer", expires_at: 5 },
    }));
    expect((await storage.read()).tokens).toEqual({
      access_token: "a",
      token_type: "Bearer",
      expires_at: 5,
    });
    expect((await stat(storage.file)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp") || f.endsWith(".lock"))).toEqual(
      [],
    );
  });

  it("sets a corrupt file aside, reports it and starts empty", async () => {
    const warnings: string[] = [];
    const storage = createOAuthStorage({
      dir,
      serverName: "ex",
      serverUrl: url,
      onWarning: (w) => warnings.push(w),
    });
    await mkdir(dir, { recursive: true });
    await writeFile(storage.file, "{ not json");
    expect(await storage.read()).toEqual({ version: 1, serverUrl: url });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("not valid JSON");
    const aside = (await readdir(dir)).find((f) => f.includes(".corrupt-"));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside ?? ""), "utf8")).toBe("{ not json");
  });

  it("serializes concurrent read-modify-write", async () => {
    const storage = createOAuthStorage({ dir, serverName: "ex", serverUrl: url });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        storage.update((s) => ({ ...s, issuer: `${s.issuer ?? ""}${i}` })),
      ),
    );
    expect((await storage.read()).issuer).toHaveLength(10);
  });
});
