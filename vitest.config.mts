import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    environment: "node",
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/fuzz/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Creates the local cloud's CA and sets NODE_EXTRA_CA_CERTS before the forked workers start.
    globalSetup: ["tests/cloud/vitest-global-setup.ts"],
    pool: "forks",
    // One file at a time: the scan suites (scan-reliability, scan-tiny, the resume tests) drive timing-sensitive
    // local-cloud scans and fail when two of them share the two cores (seen this session); correctness over speed
    // until they are made independent of each other.
    maxWorkers: 1,
  },
});
