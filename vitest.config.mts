import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Suites that test pure code, a built server or child processes rather than the database engine. `.ci/run` runs the
 * whole suite on PostgreSQL and, for the embedded engine, a second pass with TEST_SCOPE=engine that leaves these out:
 * they would only repeat, and the run has to stay under 45 minutes on 2 cores.
 */
const ENGINE_INDEPENDENT = [
  "tests/unit/**",
  "tests/integration/web/production-server.test.ts",
  "tests/integration/rotation/kill.test.ts",
  "tests/integration/demo/signals.test.ts",
];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    environment: "node",
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/fuzz/**/*.test.ts"],
    exclude:
      process.env.TEST_SCOPE === "engine" ? [...configDefaults.exclude, ...ENGINE_INDEPENDENT] : configDefaults.exclude,
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
