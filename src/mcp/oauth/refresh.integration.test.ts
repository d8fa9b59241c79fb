// Eight real wren processes share one token store whose access token expired for all of them
// at once, against single-use rotating refresh tokens with reuse detection: every process must
// succeed, each refresh token must be presented exactly once, and nobody signs in again.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleEntry } from "../../../scripts/bundle-entry.mjs";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import { connectMcpServer } from "../connect.js";
import { createAuthPromptStore } from "./auth-store.js";
import { createMcpOAuth } from "./mcp-oauth.js";
import { createOAuthStorage } from "./storage.js";
import {
  FAKE_BROWSER,
  type OAuthMock,
  type ProcessRun,
  runNode,
  startOAuthMock,
} from "./test-support.js";

const here = dirname(fileURLToPath(import.meta.url));
const PROCESSES = 8;

let dir: string;
let worker: string;
let mock: OAuthMock;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-refresh-it-"));
  worker = join(dir, "worker.mjs");
  await bundleEntry({ entry: join(here, "fixtures", "refresh-worker.ts"), outfile: worker });

  mock = await startOAuthMock();
}, 60_000);

afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

async function signIn(paths: WrenPaths): Promise<void> {
  const oauth = createMcpOAuth({
    paths,
    interaction: createAuthPromptStore(),
    env: { BROWSER: FAKE_BROWSER, PATH: process.env.PATH },
    platform: "linux",
  });
  const connect = oauth.wrapConnect(connectMcpServer);
  const server = {
    name: "demo",
    type: "http" as const,
    url: mock.url,
    headers: {},
    oauth: {},
    enabled: true,
    source: "test",
  };
  const connection = await connect({ server, paths, signIn: true });
  await connection.close();
}

function runWorker(home: string): Promise<ProcessRun> {
  return runNode([worker, mock.url], {
    env: { PATH: process.env.PATH, WREN_HOME: home },
    cwd: dir,
  });
}

describe(`${PROCESSES} processes refreshing one rotating refresh token`, () => {
  for (const expiry of ["known", "unknown"] as const) {
    it(`all succeed, each refresh token presented once, no new sign-in (expiry ${expiry})`, async () => {
      const home = join(dir, `home-${expiry}`);
      const paths = resolvePaths({ WREN_HOME: home }, dir);
      await signIn(paths);
      // Expire the access token everywhere at once: at the server, and in the store.
      await mock.hook("expire-access-tokens");
      const storage = createOAuthStorage({
        dir: paths.mcpOAuthDir,
        serverName: "demo",
        serverUrl: mock.url,
      });
      await storage.update((state) => {
        if (!state.tokens) throw new Error("no tokens stored");
        const { expires_at: _known, ...tokens } = state.tokens;
        return {
          ...state,
          tokens: expiry === "known" ? { ...tokens, expires_at: Date.now() - 1000 } : tokens,
        };
      });
      const before = await mock.stats();
      const results = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(home)));
      for (const result of results) {
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toMatch(/"text":"worker \d+"/);
      }
      const after = await mock.stats();
      expect(after.tokenRefresh - before.tokenRefresh).toBe(1);
      expect(after.maxRefreshPresentations).toBe(1);
      expect(after.refreshReuse).toBe(0);
      expect(after.authorize).toBe(before.authorize);
      expect(after.tokenAuthorizationCode).toBe(before.tokenAuthorizationCode);
    }, 60_000);
  }
});
