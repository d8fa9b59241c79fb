import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBuiltinTools } from "./index.js";
import { call, type TempProject, tempProject } from "./test-support.js";

describe("createBuiltinTools", () => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({ "a.txt": "a\n" });
  });
  afterEach(() => temp.cleanup());

  it("offers the coding tools with object schemas and valid names", () => {
    const tools = createBuiltinTools({ project: temp.project });
    expect(tools.map((t) => t.name)).toEqual([
      "read_file",
      "write_file",
      "edit_file",
      "glob",
      "grep",
      "list_dir",
      "run_command",
    ]);
    for (const tool of tools) {
      expect(tool.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(tool.inputSchema).toMatchObject({ type: "object" });
      expect(tool.inputSchema).not.toHaveProperty("$schema");
      expect(tool.origin).toBe("builtin");
    }
    expect(tools.filter((t) => t.effect === "read").map((t) => t.name)).toEqual([
      "read_file",
      "glob",
      "grep",
      "list_dir",
    ]);
  });

  it("answers any malformed arguments with an error outcome, never a throw", async () => {
    const tools = createBuiltinTools({ project: temp.project, ripgrep: false });
    for (const tool of tools) {
      for (const args of [42, "text", [], { path: {}, command: 1, pattern: 2 }]) {
        const outcome = await call(tool, args);
        expect(outcome.status, `${tool.name}(${JSON.stringify(args)})`).toBe("error");
        expect(tool.summarize?.(args)).toBe("(invalid arguments)");
        expect(tool.access?.(args)).toBeNull();
      }
    }
  });
});
