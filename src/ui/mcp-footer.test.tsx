import { describe, expect, it } from "vitest";
import type { McpServerConfig } from "../config/schema.js";
import type { McpServerState } from "../mcp/status.js";
import { renderInk } from "../test-utils/render.js";
import { McpFooter } from "./mcp-footer.js";

const config = (name: string): McpServerConfig => ({
  name,
  type: "stdio",
  command: "x",
  args: [],
  env: {},
  enabled: true,
  source: "test",
});

/** A minimal external store, as the manager exposes it. */
function fakeStore(initial: McpServerState[]) {
  let snapshot: readonly McpServerState[] = initial;
  const listeners = new Set<() => void>();
  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    set(next: McpServerState[]) {
      snapshot = next;
      for (const l of listeners) l();
    },
  };
}

describe("McpFooter", () => {
  it("shows each enabled server's status compactly and follows changes", async () => {
    const store = fakeStore([
      { name: "fs", config: config("fs"), status: { state: "connecting" } },
      { name: "notion", config: config("notion"), status: { state: "needs-auth", message: "" } },
      { name: "off", config: config("off"), status: { state: "disabled" } },
      { name: "old", config: config("old"), status: { state: "failed", reason: "refused" } },
    ]);
    const ui = renderInk(<McpFooter manager={store} />);
    expect(await ui.waitForFrame("MCP:")).toBe("MCP: fs … · notion needs sign-in · old ✗");
    store.set([
      { name: "fs", config: config("fs"), status: { state: "connected", toolCount: 12 } },
      {
        name: "old",
        config: config("old"),
        status: { state: "failed", reason: "exited", retryInMs: 2000 },
      },
    ]);
    expect(await ui.waitForFrame("✓")).toBe("MCP: fs ✓ 12 · old ✗ restarting");
  });

  it("renders nothing without enabled servers", async () => {
    const ui = renderInk(<McpFooter manager={fakeStore([])} />);
    expect(await ui.settle()).toBe("");
  });
});
