import { describe, expect, it } from "vitest";
import { createToolRegistry } from "./registry.js";
import type { Tool } from "./types.js";

function tool(name: string): Tool {
  return {
    name,
    description: name,
    inputSchema: { type: "object" },
    effect: "read",
    origin: "builtin",
    execute: async () => ({ status: "ok", content: [] }),
  };
}

describe("createToolRegistry", () => {
  it("finds listed tools first, then asks the fallbacks for names not listed", () => {
    const registry = createToolRegistry();
    registry.addSource(() => [tool("read")]);
    const asked: string[] = [];
    const remove = registry.addFallback((name) => {
      asked.push(name);
      return name === "hidden" ? tool("hidden") : undefined;
    });
    expect(registry.find("read")?.name).toBe("read");
    expect(registry.find("hidden")?.name).toBe("hidden");
    expect(registry.find("nothing")).toBeUndefined();
    expect(asked).toEqual(["hidden", "nothing"]);
    expect(registry.list().map((t) => t.name)).toEqual(["read"]);
    remove();
    expect(registry.find("hidden")).toBeUndefined();
  });
});
