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
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two-core CI machines: terminal and integration tests spawn processes, so keep the pool small.
    maxWorkers: 2,
  },
});
