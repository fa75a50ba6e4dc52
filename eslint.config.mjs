import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  {
    ignores: [".next/**", ".data/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  {
    rules: {
      // Server code reads configuration through lib/config.ts only.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/config.ts." },
      ],
    },
  },
  {
    // The transport layer calls services; view types come from the services too (docs/architecture.md).
    files: ["app/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "next/link",
              message:
                "Use Link from @/app/_components/link: a plain anchor that navigates client-side without a prefetch (console pages are dynamic) or a component per anchor.",
            },
          ],
          patterns: [
            {
              group: ["@/lib/db", "@/lib/db/**", "**/lib/db", "**/lib/db/**"],
              message: "app/ calls services (lib/<domain>) and never opens the database or imports its schema.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/config.ts", "tests/**", "instrumentation.ts", "*.config.*", "eslint.config.mjs"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Playwright fixtures call `use()`, which is not React's hook.
    files: ["tests/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
];

export default config;
