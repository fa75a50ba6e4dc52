// npm run fuzz -- --runs N [--seed S]: the fuzz suite with N generated requests per page, route handler and server
// action (npm test runs 8), optionally replaying a seed a failure printed.
import { spawnSync } from "node:child_process";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = arg("runs") ?? "50";
if (!/^\d+$/.test(runs) || Number(runs) < 1) throw new Error("--runs takes a whole number of at least 1");
const seed = arg("seed");
const r = spawnSync("npx", ["vitest", "run", "tests/fuzz"], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: runs, ...(seed ? { FUZZ_SEED: seed } : {}) },
});
process.exit(r.status ?? 1);
