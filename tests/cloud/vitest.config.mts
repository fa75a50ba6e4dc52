// Stand-alone config for the local-cloud tests (the root vitest.config.mts may not exist yet):
//   npx vitest run --config tests/cloud/vitest.config.mts
import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export default defineConfig({
  root,
  test: {
    environment: "node",
    include: ["tests/integration/cloud/**/*.test.ts"],
    globalSetup: ["tests/cloud/vitest-global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
