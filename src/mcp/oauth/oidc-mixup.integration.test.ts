// Black-box checks of wren's OAuth against a real, certified authorization server
// (oidc-provider 9.x, mock-mcps/oidc-as.mjs) protecting an MCP server on another origin, through
// wren's CLI entry points (oidc-cli-test-support.ts): mix-up defences (RFC 9207 iss, RFC 8414
// issuer): a refused sign-in is one line naming both issuers, the code never exchanged.
import { describe, expect, it } from "vitest";
import { runMcpCli } from "../../cli.js";
import type { WrenPaths } from "../../utils/paths.js";
import { type CliIo, oidcTestbed } from "./oidc-cli-test-support.js";
import type { OidcAs } from "./oidc-test-support.js";

const bed = oidcTestbed();
const { startAs, cliIo, homeFor, signIn, stored } = bed;

describe("mix-up defences (RFC 9207 iss, RFC 8414 issuer)", () => {
  const ATTACKER = "http://127.0.0.1:9/attacker-issuer";

  /** Asserts a refused sign-in: exit 1, one line naming both issuers, the code never exchanged. */
  async function expectRefused(
    result: { code: number; io: CliIo },
    paths: WrenPaths,
    server: OidcAs,
    exchangesBefore: number,
    pattern: RegExp,
  ): Promise<string> {
    expect(result.code).toBe(1);
    const lines = result.io.err().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? "";
    expect(line).toMatch(pattern);
    expect(line).toContain(JSON.stringify(server.issuer));
    expect((await server.stats()).tokenAuthorizationCode).toBe(exchangesBefore);
    expect((await stored(paths, server)).tokens).toBeUndefined();
    return line;
  }

  it("a pasted callback whose iss names another issuer is refused", async () => {
    const paths = await homeFor("iss-wrong-paste", bed.as);
    const before = (await bed.as.stats()).tokenAuthorizationCode;
    const result = await signIn(paths, (callback) => {
      callback.searchParams.set("iss", ATTACKER);
    });
    const line = await expectRefused(result, paths, bed.as, before, /names issuer .* not /);
    expect(line).toContain(JSON.stringify(ATTACKER));
  });

  it("a callback with another issuer's iss reaching the loopback is refused the same way", async () => {
    const paths = await homeFor("iss-wrong-loopback", bed.as);
    const before = (await bed.as.stats()).tokenAuthorizationCode;
    const result = await signIn(
      paths,
      (callback) => {
        callback.searchParams.set("iss", ATTACKER);
      },
      "loopback",
    );
    await expectRefused(result, paths, bed.as, before, /names issuer .* not /);
  });

  it("a callback without iss is refused when the server advertises it", async () => {
    const paths = await homeFor("iss-missing", bed.as);
    const before = (await bed.as.stats()).tokenAuthorizationCode;
    const result = await signIn(paths, (callback) => {
      callback.searchParams.delete("iss");
    });
    await expectRefused(result, paths, bed.as, before, /carries no issuer/);
  });

  it("metadata whose issuer is not the URL it was discovered at is refused before anything is sent", async () => {
    const lying = await startAs(["--issuer", ATTACKER]);
    const paths = await homeFor("issuer-mismatch", lying);
    const io = cliIo(paths);
    const code = await runMcpCli(["auth", "demo", "--no-browser"], io);
    expect(code).toBe(1);
    const lines = io.err().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(JSON.stringify(ATTACKER));
    expect(lines[0]).toContain(JSON.stringify(lying.issuer));
    expect(io.out()).not.toContain("/auth?");
    const stats = await lying.stats();
    expect(stats.registrations).toBe(0);
    expect(stats.authorize).toBe(0);
  });
});
