import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.{ts,tsx}",
      "conformance/**/*.test.ts",
      "mock-mcps/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    environment: "node",
    // Tests keep OAuth secrets in their temporary WREN_HOME, never in a developer's keychain
    // (the keychain tests start their own Secret Service and say so explicitly).
    env: { WREN_OAUTH_STORAGE: "file" },
    // Bundles the mock servers once per run (see src/test-utils/mock-bundles.ts).
    globalSetup: ["src/test-utils/mock-bundles.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two-core CI machines: terminal and integration tests spawn processes, so keep the pool small.
    maxWorkers: 2,
    // Each worker imports wren's modules (the MCP and AI SDKs, Ink) once, not once per file:
    // about half the time of the unit tests went to imports. Safe because no module keeps
    // mutable state (CLAUDE.md) and no test mocks our modules or stubs globals.
    isolate: false,
  },
});
