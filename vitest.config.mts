import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    environment: "node",
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Creates the local cloud's CA and sets NODE_EXTRA_CA_CERTS before the forked workers start.
    globalSetup: ["tests/cloud/vitest-global-setup.ts"],
    pool: "forks",
    // Two cores: more workers only add PGlite start-ups.
    maxWorkers: 2,
  },
});
