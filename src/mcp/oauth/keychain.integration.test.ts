// OAuth secrets in a real Linux Secret Service: gnome-keyring in a private D-Bus session this
// test starts (never the user's), driven through the built binary. Also the fallback when no
// keychain is reachable. Needs `npm run build`; .ci/run installs dbus and gnome-keyring.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePaths, type WrenPaths } from "../../utils/paths.js";
import {
  FAKE_BROWSER,
  type OAuthMock,
  type ProcessRun,
  runNode,
  startOAuthMock,
  WREN,
} from "./test-support.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const PROCESSES = 8;

function onPath(binary: string): boolean {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .some((d) => d !== "" && spawnSync("test", ["-x", join(d, binary)]).status === 0);
}

const missing =
  process.platform === "linux"
    ? ["dbus-daemon", "gnome-keyring-daemon"].filter((b) => !onPath(b))
    : ["Linux"];
const skipReason =
  missing.length > 0
    ? ` (skipped: ${missing.join(", ")} not available — .ci/run installs dbus and gnome-keyring)`
    : "";

/** A private session bus with an unlocked gnome-keyring on it. */
interface SecretService {
  readonly env: Record<string, string>;
  close(): void;
}

async function startSecretService(base: string): Promise<SecretService> {
  const home = join(base, "kc-home");
  const runtime = join(base, "kc-run");
  await mkdir(home, { recursive: true });
  await mkdir(runtime, { recursive: true, mode: 0o700 });
  // The keyring lives in this temp HOME; nothing touches the user's.
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_RUNTIME_DIR: runtime,
  };
  const bus: ChildProcess = spawn("dbus-daemon", ["--session", "--print-address=1", "--nofork"], {
    env,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const address = await new Promise<string>((resolve, reject) => {
    let text = "";
    bus.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split("\n")[0];
      if (text.includes("\n") && line) resolve(line.trim());
    });
    bus.on("exit", (code) => reject(new Error(`dbus-daemon exited (${code})`)));
  });
  const withBus = { ...env, DBUS_SESSION_BUS_ADDRESS: address };
  // --unlock reads the login keyring's password on stdin; the launcher exits once the daemon
  // is on the bus (the daemon itself leaves with the bus).
  const keyring = spawn("gnome-keyring-daemon", ["--unlock", "--components=secrets"], {
    env: withBus,
    stdio: ["pipe", "ignore", "ignore"],
  });
  keyring.stdin.end("wren-test-password");
  await new Promise<void>((resolve) => keyring.on("exit", () => resolve()));
  return {
    env: withBus,
    close: () => {
      bus.kill();
    },
  };
}

let dir: string;
let mock: OAuthMock;
let service: SecretService | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wren-keychain-it-"));
  mock = await startOAuthMock();
  if (missing.length === 0) service = await startSecretService(dir);
}, 60_000);

afterAll(async () => {
  service?.close();
  await mock.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

function wren(args: readonly string[], env: Record<string, string>): Promise<ProcessRun> {
  return runNode([WREN, ...args], { env, cwd: dir });
}

async function home(
  name: string,
  oauthStorage?: "keychain" | "file",
): Promise<{ paths: WrenPaths; env: Record<string, string> }> {
  const wrenHome = join(dir, name);
  const paths = resolvePaths({ WREN_HOME: wrenHome }, dir);
  await mkdir(wrenHome, { recursive: true });
  await setStorage(paths, oauthStorage);
  const env = {
    ...(service?.env ?? { PATH: process.env.PATH ?? "" }),
    WREN_HOME: wrenHome,
    BROWSER: FAKE_BROWSER,
    DISPLAY: ":0",
  };
  return { paths, env };
}

async function setStorage(paths: WrenPaths, oauthStorage?: "keychain" | "file"): Promise<void> {
  await writeFile(
    paths.userSettings,
    JSON.stringify({
      mcpServers: { demo: { url: mock.url } },
      ...(oauthStorage && { oauthStorage }),
    }),
  );
}

async function stateFile(paths: WrenPaths): Promise<string> {
  const name = (await readdir(paths.mcpOAuthDir)).find((f) => f.endsWith(".json"));
  return join(paths.mcpOAuthDir, name ?? "missing.json");
}

interface OnDisk {
  tokens?: { access_token?: string; refresh_token?: string; expires_at?: number };
  secrets?: { account: string };
}

async function onDisk(paths: WrenPaths): Promise<{ text: string; json: OnDisk }> {
  const text = await readFile(await stateFile(paths), "utf8");
  return { text, json: JSON.parse(text) };
}

/** The keychain entry as the OS store holds it, read by a separate process through the binding. */
function keychainEntry(account: string): { access_token?: string; refresh_token?: string } | null {
  const script =
    'const { Entry } = require("@napi-rs/keyring");' +
    'const v = new Entry("wren-mcp-oauth", process.argv[1], { linux: { store: "secret-service" } }).getPassword();' +
    "process.stdout.write(JSON.stringify(v));";
  const result = spawnSync(process.execPath, ["-e", script, account], {
    cwd: root,
    env: service?.env ?? {},
    encoding: "utf8",
  });
  const value: unknown = JSON.parse(result.stdout || "null");
  return typeof value === "string" ? JSON.parse(value) : null;
}

async function expireEverywhere(paths: WrenPaths): Promise<void> {
  await mock.hook("expire-access-tokens");
  const file = await stateFile(paths);
  const { json } = await onDisk(paths);
  // expires_at is not secret: with keychain storage it stays in the file.
  await writeFile(
    file,
    JSON.stringify({ ...json, tokens: { ...json.tokens, expires_at: Date.now() - 1000 } }),
    {
      mode: 0o600,
    },
  );
}

describe.skipIf(missing.length > 0)(`a real Secret Service${skipReason}`, () => {
  it("sign-in stores the tokens in the keychain; the state file holds no secret (attacker greps it)", async () => {
    const { paths, env } = await home("signin");
    const auth = await wren(["mcp", "auth", "demo"], env);
    expect(auth.code, auth.stderr).toBe(0);
    const { text, json } = await onDisk(paths);
    expect(json.secrets?.account).toContain(" ");
    const entry = keychainEntry(json.secrets?.account ?? "");
    expect(entry?.access_token).toBeTruthy();
    expect(entry?.refresh_token).toBeTruthy();
    expect(text).not.toContain(entry?.access_token);
    expect(text).not.toContain(entry?.refresh_token);
    // No secret-bearing key at all (the metadata may name grant types like "refresh_token").
    expect(text).not.toMatch(/"(access_token|refresh_token|id_token|client_secret|d)":/);

    // Logout deletes the tokens from the keychain too.
    const logout = await wren(["mcp", "logout", "demo"], env);
    expect(logout.code, logout.stderr).toBe(0);
    const after = keychainEntry(json.secrets?.account ?? "");
    expect(after?.access_token).toBeUndefined();
    expect(after?.refresh_token).toBeUndefined();
  }, 60_000);

  it(`${PROCESSES} processes refresh one rotating token once, under the lock, with keychain storage`, async () => {
    const { paths, env } = await home("race");
    expect((await wren(["mcp", "auth", "demo"], env)).code).toBe(0);
    const account = (await onDisk(paths)).json.secrets?.account ?? "";
    const old = keychainEntry(account)?.refresh_token;
    await expireEverywhere(paths);
    const before = await mock.stats();
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) =>
        wren(["mcp", "call", "demo", "echo", JSON.stringify({ text: `process ${i}` })], env),
      ),
    );
    results.forEach((result, i) => {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`process ${i}`);
    });
    const after = await mock.stats();
    expect(after.tokenRefresh - before.tokenRefresh).toBe(1);
    expect(after.maxRefreshPresentations).toBe(1);
    expect(after.refreshReuse).toBe(0);
    expect(after.authorize).toBe(before.authorize);
    expect(after.tokenAuthorizationCode).toBe(before.tokenAuthorizationCode);
    const fresh = keychainEntry(account)?.refresh_token;
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(old);
    const { text } = await onDisk(paths);
    expect(text).not.toContain(fresh);
  }, 180_000);

  it("migrates keychain -> file -> keychain at the next use, without a new sign-in", async () => {
    const { paths, env } = await home("migrate");
    expect((await wren(["mcp", "auth", "demo"], env)).code).toBe(0);
    const account = (await onDisk(paths)).json.secrets?.account ?? "";
    const signIns = (await mock.stats()).authorize;

    await setStorage(paths, "file");
    const toFile = await wren(["mcp", "call", "demo", "echo", '{"text":"to file"}'], env);
    expect(toFile.code, toFile.stderr).toBe(0);
    const inFile = (await onDisk(paths)).json;
    expect(inFile.secrets).toBeUndefined();
    expect(inFile.tokens?.refresh_token).toBeTruthy();
    expect(keychainEntry(account)).toBeNull();

    await setStorage(paths, "keychain");
    const back = await wren(["mcp", "call", "demo", "echo", '{"text":"to keychain"}'], env);
    expect(back.code, back.stderr).toBe(0);
    const { text, json } = await onDisk(paths);
    expect(json.secrets?.account).toBe(account);
    expect(keychainEntry(account)?.refresh_token).toBe(inFile.tokens?.refresh_token);
    expect(text).not.toContain(inFile.tokens?.refresh_token);
    expect((await mock.stats()).authorize).toBe(signIns);
  }, 90_000);
});

describe.skipIf(process.platform !== "linux")("no keychain reachable (Linux without D-Bus)", () => {
  it("falls back to the 0600 file, and says so once when settings asked for the keychain", async () => {
    const { paths } = await home("fallback", "keychain");
    // No DBUS_SESSION_BUS_ADDRESS: there is no Secret Service to reach.
    const env = {
      PATH: process.env.PATH ?? "",
      WREN_HOME: paths.home,
      BROWSER: FAKE_BROWSER,
      DISPLAY: ":0",
    };
    const auth = await wren(["mcp", "auth", "demo"], env);
    expect(auth.code, auth.stderr).toBe(0);
    const warnings = auth.stderr.split("\n").filter((l) => l.includes("OAuth secrets:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("state file (0600) — no keychain reachable");
    const { json } = await onDisk(paths);
    expect(json.secrets).toBeUndefined();
    expect(json.tokens?.refresh_token).toBeTruthy();
    const call = await wren(["mcp", "call", "demo", "echo", '{"text":"from file"}'], env);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toContain("from file");
  }, 60_000);
});
