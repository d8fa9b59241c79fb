import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LOG_MAX_BYTES } from "../utils/log-file.js";
import type { WrenPaths } from "../utils/paths.js";
import { connectMcpServer, serverLogFile } from "./connect.js";
import { stdioMock, tempPaths } from "./test-support.js";

let paths: WrenPaths;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ paths, cleanup } = await tempPaths());
});
afterEach(async () => {
  await cleanup();
});

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("a hostile stdio server's stderr log", () => {
  it("is private, capped with one rotation, escaped and redacted", async () => {
    // Leaks a bearer token, refresh token and client secret, writes terminal escapes, then floods.
    const flood = Math.round(LOG_MAX_BYTES * 1.5);
    const connection = await connectMcpServer({
      server: stdioMock("hostile", ["--hostile-stderr", "--stderr-flood", String(flood)]),
      paths,
    });
    const file = serverLogFile(paths, "hostile");
    try {
      await vi.waitFor(async () => expect((await stat(`${file}.1`)).size).toBeGreaterThan(0), {
        timeout: 20_000,
      });
    } finally {
      await connection.close();
    }
    const current = await readFile(file, "utf8");
    const previous = await readFile(`${file}.1`, "utf8");
    const text = previous + current;
    expect(await mode(file)).toBe(0o600);
    expect(await mode(`${file}.1`)).toBe(0o600);
    expect(await mode(dirname(file))).toBe(0o700);
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(LOG_MAX_BYTES);
    expect(Buffer.byteLength(previous)).toBeLessThanOrEqual(LOG_MAX_BYTES);
    for (const secret of ["xyz-hostile-bearer-token", "rt-hostile-refresh", "cs-hostile-secret"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("> Authorization: ***");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text).toContain("\\x1b]52;c;aG9zdGlsZQ==\\x07clipboard \\x1b]0;pwned title\\x07");
    expect(text).toContain("\\u202eevil");
  });
});
