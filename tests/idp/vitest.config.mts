import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Used for the IdP's own tests until/unless a root vitest.config.mts covers tests/integration/idp.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    environment: "node",
    include: ["tests/integration/idp/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
