// The attacker's side of the filesystem boundary: a repository that plants symlinks to wren's
// OAuth tokens, and a project that is the user's home. Tools and the permission engine are
// driven together, as the agent loop drives them.
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPermissions } from "../permissions.js";
import type { Tool } from "../types.js";
import { createBuiltinTools } from "./index.js";
import { findExecutable } from "./search.js";
import { call, type TempProject, tempProject, textOf, toolNamed } from "./test-support.js";

const TOKEN = "gho_FAKE_LIVE_TOKEN_0123456789";
const rg = await findExecutable("rg", process.env);

describe.each([
  ["javascript", false as const],
  ["ripgrep", rg ?? undefined],
])("a symlink planted in the project to WREN_HOME/mcp-oauth (grep: %s)", (_name, ripgrep) => {
  let temp: TempProject;
  let tools: Tool[];
  let wrenHome: string;
  beforeEach(async () => {
    temp = await tempProject({ "src/a.ts": "const token = process.env.X;\n" });
    wrenHome = join(temp.root, "wren-home");
    await mkdir(join(wrenHome, "mcp-oauth"), { recursive: true });
    await writeFile(
      join(wrenHome, "mcp-oauth", "github.json"),
      JSON.stringify({ access_token: TOKEN }),
    );
    await symlink(join(wrenHome, "mcp-oauth", "github.json"), join(temp.project, "notes.json"));
    await symlink(join(wrenHome, "mcp-oauth"), join(temp.project, "docs"));
    tools = createBuiltinTools({
      project: temp.project,
      paths: { home: wrenHome, userHome: join(temp.root, "home") },
      ...(ripgrep !== undefined && { ripgrep }),
    });
  });
  afterEach(() => temp.cleanup());

  it.skipIf(ripgrep === undefined)(
    "grep over the project never returns the token, and says it skipped something",
    async () => {
      for (const output_mode of ["content", "files_with_matches", "count"]) {
        const text = textOf(
          await call(toolNamed(tools, "grep"), { pattern: "access_token|gho_", output_mode }),
        );
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain("notes.json");
      }
      const text = textOf(await call(toolNamed(tools, "grep"), { pattern: "token" }));
      expect(text).toContain("src/a.ts");
      if (ripgrep === false) expect(text).toMatch(/skipped 2 entries/);
    },
  );

  it("glob does not list the link", async () => {
    const text = textOf(await call(toolNamed(tools, "glob"), { pattern: "**/*.json" }));
    expect(text).not.toContain("notes.json");
    expect(text).toMatch(/skipped 2 entries/);
  });

  it("glob does not enter the linked directory through its pattern's base", async () => {
    const text = textOf(await call(toolNamed(tools, "glob"), { pattern: "docs/**/*.json" }));
    expect(text).not.toContain("github.json");
  });

  it("read_file, grep and glob naming the link ask first, never for the session", async () => {
    const permissions = createPermissions({
      project: temp.project,
      allow: ["read_file", "grep"],
      paths: { home: wrenHome, userHome: join(temp.root, "home") },
    });
    for (const [name, input] of [
      ["read_file", { path: "notes.json" }],
      ["grep", { pattern: "gho_", path: "notes.json" }],
      ["grep", { pattern: "gho_", path: "docs" }],
      ["glob", { pattern: "*", path: "docs" }],
    ] as const) {
      const verdict = await permissions.check({ name, input }, toolNamed(tools, name));
      expect(verdict.decision, name).toBe("ask");
      expect(verdict.sessionRule, name).toBeUndefined();
    }
  });
});

describe("the project is the user's home", () => {
  let temp: TempProject;
  let tools: Tool[];
  const paths = (temp: TempProject) => ({
    home: join(temp.project, ".wren"),
    userHome: temp.project,
  });
  beforeEach(async () => {
    temp = await tempProject({
      ".wren/mcp-oauth/x.json": JSON.stringify({ access_token: TOKEN }),
      ".ssh/id_ed25519": `-----BEGIN KEY----- ${TOKEN}`,
      "code/.env": `API_KEY=${TOKEN}`,
      "code/app.ts": "export {};\n",
    });
    tools = createBuiltinTools({ project: temp.project, paths: paths(temp), ripgrep: false });
  });
  afterEach(() => temp.cleanup());

  it("read_file .wren/mcp-oauth/x.json asks, even with read_file allowed", async () => {
    const permissions = createPermissions({
      project: temp.project,
      allow: ["read_file"],
      paths: paths(temp),
    });
    const verdict = await permissions.check(
      { name: "read_file", input: { path: ".wren/mcp-oauth/x.json" } },
      toolNamed(tools, "read_file"),
    );
    expect(verdict).toMatchObject({ decision: "ask", reason: expect.stringMatching(/wren/) });
  });

  it("grep and glob over the whole project skip the credential stores", async () => {
    const grep = textOf(await call(toolNamed(tools, "grep"), { pattern: "gho_" }));
    expect(grep).not.toContain(TOKEN);
    expect(grep).toMatch(/skipped 3 entries/);
    const glob = textOf(await call(toolNamed(tools, "glob"), { pattern: "**/*" }));
    expect(glob).toContain("code/app.ts");
    expect(glob).not.toMatch(/x\.json|id_ed25519|code\/\.env/);
  });

  it("a search the user agreed to inside a store searches it", async () => {
    const text = textOf(await call(toolNamed(tools, "grep"), { pattern: "gho_", path: ".ssh" }));
    expect(text).toContain("id_ed25519");
  });
});

describe("ripgrep results", () => {
  it.skipIf(!rg)("pass the same boundary", async () => {
    const temp = await tempProject({ ".env": `K=${TOKEN}` });
    try {
      const tools = createBuiltinTools({
        project: temp.project,
        paths: { home: join(temp.root, "w"), userHome: join(temp.root, "h") },
        ripgrep: rg ?? false,
      });
      expect(textOf(await call(toolNamed(tools, "grep"), { pattern: "gho_" }))).not.toContain(
        TOKEN,
      );
    } finally {
      await temp.cleanup();
    }
  });
});
