import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/fixtures/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Tests start real servers and engines; two cores do not gain from more workers.
    maxWorkers: 2,
    reporters: ["default"],
    globalSetup: ["test/setup/tmpdir.ts"],
  },
});
