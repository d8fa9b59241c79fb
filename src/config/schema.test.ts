// What a settings file may say (schema.ts, oauth-grants.ts) and how each problem is worded,
// read through loadConfig as a user's file would be.
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load.js";
import { put, useConfigDirs } from "./test-support.js";

const dirs = useConfigDirs();

/** The broken servers' problems in the user settings, by JSON path. */
function problemsByPath(reasons: Record<string, string | undefined>): Record<string, string> {
  const prefix = `${dirs.paths.userSettings}: `;
  return Object.fromEntries(
    Object.values(reasons).flatMap((r) => {
      const [path, ...message] = (r ?? "").slice(prefix.length).split(": ");
      return r ? [[path, message.join(": ")]] : [];
    }),
  );
}

describe("settings files", () => {
  it("infers transports from the Claude Code format and accepts aliases", async () => {
    await put(dirs.paths.projectMcpJson, {
      mcpServers: {
        fs: { command: "npx", args: ["-y", "server-fs", "."] },
        notion: { url: "https://mcp.notion.com/mcp" },
        a: { type: "streamable-http", url: "https://a.example/mcp" },
        b: { type: "streamable_http", url: "https://b.example/mcp" },
        old: { type: "sse", url: "https://legacy.example/sse", headers: { "X-Key": "k" } },
        off: { command: "x", enabled: false },
      },
    });
    const config = await loadConfig({ paths: dirs.paths, trustProject: true, env: {} });
    const byName = Object.fromEntries(config.servers.map((s) => [s.name, s]));
    expect(byName.fs).toMatchObject({
      type: "stdio",
      command: "npx",
      args: ["-y", "server-fs", "."],
    });
    expect(byName.notion).toMatchObject({
      type: "http",
      url: "https://mcp.notion.com/mcp",
      oauth: {},
    });
    expect(byName.a?.type).toBe("http");
    expect(byName.b?.type).toBe("http");
    expect(byName.old).toMatchObject({ type: "sse", headers: { "X-Key": "k" } });
    expect(byName.off?.enabled).toBe(false);
    expect(byName.fs?.source).toBe(dirs.paths.projectMcpJson);
  });

  it("reports wrong types with their JSON path", async () => {
    await put(dirs.paths.userSettings, { mcpServers: { fs: { command: "x", args: ["ok", 3] } } });
    expect((await dirs.invalidReasons()).fs).toBe(
      `${dirs.paths.userSettings}: mcpServers.fs.args[1]: expected a string`,
    );
  });

  it("rejects an unknown transport type", async () => {
    await put(dirs.paths.userSettings, {
      mcpServers: { x: { type: "websocket", url: "wss://x" } },
    });
    expect((await dirs.invalidReasons()).x).toContain("mcpServers.x.type: expected one of");
  });

  it("rejects a server with neither command nor url, or a url server without url", async () => {
    await put(dirs.paths.userSettings, {
      mcpServers: { none: { args: [] }, web: { type: "http" } },
    });
    const reasons = await dirs.invalidReasons();
    expect(reasons.none).toContain(
      'mcpServers.none: expected a "command" (stdio server) or a "url"',
    );
    expect(reasons.web).toContain("mcpServers.web.url: a http server needs a url");
  });

  it("rejects a stdio server without command", async () => {
    await put(dirs.paths.userSettings, { mcpServers: { s: { type: "stdio", args: ["x"] } } });
    expect((await dirs.invalidReasons()).s).toContain(
      "mcpServers.s.command: a stdio server needs a command",
    );
  });

  it("reads oauthStorage, and names the file and path of a bad value", async () => {
    await put(dirs.paths.userSettings, { oauthStorage: "file" });
    expect((await loadConfig({ paths: dirs.paths, env: {} })).oauthStorage).toBe("file");
    await put(dirs.paths.userSettings, { oauthStorage: "vault" });
    const error = await dirs.loadError();
    expect(error.issues.map((i) => [i.file, i.path.join("."), i.message])).toEqual([
      [dirs.paths.userSettings, "oauthStorage", "expected keychain or file"],
    ]);
  });

  it("words type, range and union problems plainly", async () => {
    await put(dirs.paths.userSettings, {
      display: "loud",
      mcpServers: {
        a: { url: "https://a.example", oauth: 5, timeout: 1.5 },
        b: { url: "https://b.example", oauth: { callbackPort: 70000 } },
        c: { url: "notaurl", enabled: "yes" },
      },
      providers: { p: { type: "openai-compatible", baseURL: "localhost:1234" } },
    });
    const error = await dirs.loadError();
    const byPath = Object.fromEntries(error.issues.map((i) => [i.path.join("."), i.message]));
    expect(byPath).toEqual({
      display: "expected zen, standard or developer",
      "providers.p.baseURL": "expected an http(s) URL",
    });
    await put(dirs.paths.userSettings, {
      mcpServers: {
        a: { url: "https://a.example", oauth: 5 },
        t: { url: "https://a.example", timeout: 1.5 },
        b: { url: "https://b.example", oauth: { callbackPort: 70000 } },
        c: { url: "notaurl", enabled: "yes" },
      },
    });
    const reasons = await dirs.invalidReasons();
    const file = dirs.paths.userSettings;
    expect(reasons).toEqual({
      a: `${file}: mcpServers.a.oauth: expected false or an object`,
      t: `${file}: mcpServers.t.timeout: expected an integer`,
      b: `${file}: mcpServers.b.oauth.callbackPort: expected a port from 1 to 65535`,
      c: `${file}: mcpServers.c.enabled: expected a boolean`,
    });
  });

  it("oauth.method is device or browser, for sign-ins only; a bad value names file and key", async () => {
    await put(dirs.paths.userSettings, {
      mcpServers: {
        device: { url: "https://a.example", oauth: { method: "device" } },
        browser: { url: "https://a.example", oauth: { method: "browser" } },
        typo: { url: "https://a.example", oauth: { method: "qr" } },
        machine: {
          url: "https://a.example",
          oauth: {
            method: "device",
            grantType: "client_credentials",
            clientId: "bot",
            issuer: "https://as.example",
            clientSecret: "s",
          },
        },
      },
    });
    const file = dirs.paths.userSettings;
    expect(await dirs.invalidReasons()).toEqual({
      device: undefined,
      browser: undefined,
      typo: `${file}: mcpServers.typo.oauth.method: expected device or browser`,
      machine: `${file}: mcpServers.machine.oauth.method: method is how a person signs in: it does not go with "grantType": "client_credentials"`,
    });
  });

  it("checks that client_credentials settings fit together, naming the key", async () => {
    const cc = (oauth: Record<string, unknown>) => ({
      url: "https://m.example/mcp",
      oauth: {
        grantType: "client_credentials",
        clientId: "bot",
        issuer: "https://as.example",
        ...oauth,
      },
    });
    await put(dirs.paths.userSettings, {
      mcpServers: {
        ok: cc({ clientSecret: "s" }),
        key: cc({ privateKeyFile: "~/keys/bot.pem", signingAlgorithm: "ES256" }),
        none: cc({}),
        both: cc({ clientSecret: "s", privateKey: "-----BEGIN PRIVATE KEY-----" }),
        noId: cc({ clientId: undefined, clientSecret: "s" }),
        noIssuer: cc({ issuer: undefined, clientSecret: "s" }),
        algWithSecret: cc({ clientSecret: "s", signingAlgorithm: "RS256" }),
        keyWithoutGrant: { url: "https://m.example/mcp", oauth: { privateKeyFile: "k.pem" } },
      },
    });
    const byPath = problemsByPath(await dirs.invalidReasons());
    const exactlyOne =
      "client_credentials needs exactly one of clientSecret, privateKey or privateKeyFile";
    expect(byPath).toEqual({
      "mcpServers.none.oauth.clientSecret": exactlyOne,
      "mcpServers.both.oauth.privateKey": exactlyOne,
      "mcpServers.noId.oauth.clientId": "client_credentials needs the clientId the server issued",
      "mcpServers.noIssuer.oauth.issuer":
        "client_credentials needs the issuer URL of the authorization server that issued them",
      "mcpServers.algWithSecret.oauth.signingAlgorithm":
        "signingAlgorithm is used with privateKey or privateKeyFile",
      "mcpServers.keyWithoutGrant.oauth.privateKeyFile":
        'privateKeyFile is used with "grantType": "client_credentials"',
    });
  });

  it("checks the jwt_bearer and enterprise grants' settings, naming the key", async () => {
    const grant = (oauth: Record<string, unknown>) => ({
      url: "https://m.example/mcp",
      oauth: { clientId: "w", issuer: "https://as.example", ...oauth },
    });
    const idp = {
      grantType: "enterprise",
      clientSecret: "s",
      idpIssuer: "https://idp.example",
      idpClientId: "wren",
    };
    await put(dirs.paths.userSettings, {
      mcpServers: {
        wif: grant({ grantType: "jwt_bearer", assertionFile: "/var/run/token" }),
        ema: grant({ ...idp, idTokenEnv: "ID_TOKEN" }),
        wifBoth: grant({ grantType: "jwt_bearer", assertionFile: "t", assertionEnv: "T" }),
        wifNone: grant({ grantType: "jwt_bearer" }),
        wifSecret: grant({ grantType: "jwt_bearer", assertionEnv: "T", clientSecret: "s" }),
        envValue: grant({ grantType: "jwt_bearer", assertionEnv: "eyJ.a.b" }),
        noIdp: grant({ ...idp, idpIssuer: undefined, idTokenFile: "t" }),
        noToken: grant({ ...idp }),
        stray: { url: "https://m.example/mcp", oauth: { idTokenFile: "t" } },
      },
    });
    const byPath = problemsByPath(await dirs.invalidReasons());
    expect(byPath).toEqual({
      "mcpServers.wifBoth.oauth.assertionEnv":
        "jwt_bearer needs exactly one of assertionFile or assertionEnv",
      "mcpServers.wifNone.oauth.assertionFile":
        "jwt_bearer needs exactly one of assertionFile or assertionEnv",
      "mcpServers.wifSecret.oauth.clientSecret":
        'clientSecret is not used with "grantType": "jwt_bearer"',
      "mcpServers.envValue.oauth.assertionEnv":
        "expected the name of an environment variable (not its value)",
      "mcpServers.noIdp.oauth.idpIssuer": "enterprise needs idpIssuer (the identity provider)",
      "mcpServers.noToken.oauth.idTokenFile":
        "enterprise needs exactly one of idTokenFile or idTokenEnv",
      "mcpServers.stray.oauth.idTokenFile": 'idTokenFile is used with "grantType": "enterprise"',
    });
  });

  it("rejects a url that is not http(s)", async () => {
    await put(dirs.paths.userSettings, { mcpServers: { c: { url: "ftp://x.example" } } });
    expect((await dirs.invalidReasons()).c).toContain(
      "mcpServers.c.url: expected an http:// or https:// URL",
    );
  });

  it("rejects a malformed model name and an unknown display mode", async () => {
    await put(dirs.paths.userSettings, { model: "gpt", display: "loud" });
    const error = await dirs.loadError();
    expect(error.issues.map((i) => i.path.join("."))).toEqual(["model", "display"]);
  });

  it("warns about unknown keys at any depth instead of failing", async () => {
    await put(dirs.paths.userSettings, {
      theme: "dark",
      mcpServers: { fs: { command: "x", colour: "red", oauth: { clientId: "a", flavour: 1 } } },
    });
    const config = await loadConfig({ paths: dirs.paths, trustProject: true, env: {} });
    expect(config.servers[0]).toMatchObject({ name: "fs", command: "x" });
    expect(config.warnings).toEqual(
      expect.arrayContaining([
        `${dirs.paths.userSettings}: theme: unknown key, ignored`,
        `${dirs.paths.userSettings}: mcpServers.fs.colour: unknown key, ignored`,
      ]),
    );
  });

  it("says what a misspelt key or another tool's spelling probably meant", async () => {
    await put(dirs.paths.userSettings, {
      servers: {},
      providers: { p: { type: "openai", apikey: "k" } },
      mcpServers: {
        g: { httpUrl: "https://g.example/mcp" },
        w: { serverUrl: "https://w.example/mcp" },
        c: { comand: "x" },
      },
    });
    const config = await loadConfig({ paths: dirs.paths, env: {} });
    const file = dirs.paths.userSettings;
    expect(config.warnings).toEqual(
      expect.arrayContaining([
        `${file}: servers: unknown key, ignored (did you mean "mcpServers" (servers is VS Code's name)?)`,
        `${file}: providers.p.apikey: unknown key, ignored (did you mean "apiKey"?)`,
        `${file}: mcpServers.g.httpUrl: unknown key, ignored (did you mean "url" with "type": "http" (httpUrl is Gemini CLI's name)?)`,
        `${file}: mcpServers.w.serverUrl: unknown key, ignored (did you mean "url" (serverUrl is Windsurf's name)?)`,
        `${file}: mcpServers.c.comand: unknown key, ignored (did you mean "command"?)`,
      ]),
    );
  });

  it("quotes server names that are not identifiers in paths", async () => {
    await put(dirs.paths.userSettings, {
      mcpServers: { "https://mcp.atlassian.com/v1/mcp": { url: 5 } },
    });
    expect((await dirs.invalidReasons())["https://mcp.atlassian.com/v1/mcp"]).toContain(
      'mcpServers["https://mcp.atlassian.com/v1/mcp"].url: expected a string',
    );
  });
});
