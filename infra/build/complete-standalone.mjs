#!/usr/bin/env node
// Next's standalone output holds the server and its traced node_modules but leaves static assets, public files and
// migrations to the deployer. `npm run build` runs this after `next build` so `.next/standalone` runs as it is, the same
// way for `npm start`, the demo, the e2e suite and the container image.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundleScheduler } from "./scheduler-bundle.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** What the standalone server needs beside server.js: [source, destination inside .next/standalone]. */
const PARTS = [
  // scripts, stylesheets and fonts under /_next/static
  [".next/static", ".next/static"],
  // files served from the site root
  ["public", "public"],
  // lib/db/client.ts migrates from ./drizzle relative to the server's working directory
  ["drizzle", "drizzle"],
  // lib/reports/pdf/fonts.ts reads the PDF fonts from ./lib/reports/fonts relative to the working directory
  ["lib/reports/fonts", "lib/reports/fonts"],
];

export async function completeStandalone(root = ROOT) {
  const standalone = path.join(root, ".next", "standalone");
  if (!existsSync(path.join(standalone, "server.js")))
    throw new Error(`${standalone}/server.js is missing: run next build (with output: "standalone") first`);
  for (const [from, to] of PARTS) {
    const src = path.join(root, from);
    const dest = path.join(standalone, to);
    // A file removed from the source (an old migration, a renamed asset) must not survive in the output.
    rmSync(dest, { recursive: true, force: true });
    if (existsSync(src)) cpSync(src, dest, { recursive: true });
  }
  // the same image runs the standalone scheduler (`node scheduler.js`) and the in-process mode's scan thread
  await bundleScheduler(standalone, root);
  await loadGateMarkFirst(standalone, root);
}

const GATE_MARK_FILE = "gate-mark.js";
const GATE_MARK_REQUIRE = `require("./${GATE_MARK_FILE}");`;

/**
 * server.js loads lib/web/gate-mark.ts before Next.js starts listening: until instrumentation.ts installs the request
 * gate, a client-sent gate mark must not let a request skip the proxy.
 */
async function loadGateMarkFirst(standalone, root) {
  await build({
    absWorkingDir: root,
    stdin: {
      contents: 'import { installMarkStripper } from "./lib/web/gate-mark"; installMarkStripper();',
      resolveDir: root,
      loader: "ts",
    },
    outfile: path.join(standalone, GATE_MARK_FILE),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    legalComments: "none",
    logLevel: "warning",
  });
  const server = path.join(standalone, "server.js");
  const source = readFileSync(server, "utf8");
  if (!source.startsWith(GATE_MARK_REQUIRE)) writeFileSync(server, `${GATE_MARK_REQUIRE}\n${source}`);
}

/** True when .next/standalone holds this build's static assets and the migrations: a server that can serve pages. */
export function standaloneIsComplete(root = ROOT) {
  const standalone = path.join(root, ".next", "standalone");
  const buildIdFile = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(path.join(standalone, "server.js")) || !existsSync(buildIdFile)) return false;
  const buildId = readFileSync(buildIdFile, "utf8").trim();
  return (
    existsSync(path.join(standalone, ".next", "static", buildId)) &&
    existsSync(path.join(standalone, "drizzle", "meta", "_journal.json")) &&
    existsSync(path.join(standalone, "scheduler.js")) &&
    existsSync(path.join(standalone, "scan-worker.js")) &&
    existsSync(path.join(standalone, GATE_MARK_FILE)) &&
    readFileSync(path.join(standalone, "server.js"), "utf8").startsWith(GATE_MARK_REQUIRE)
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // --check: exit status only (0 = complete), for callers that must not import this module (Playwright's loader).
  if (process.argv.includes("--check")) process.exit(standaloneIsComplete() ? 0 : 1);
  await completeStandalone();
  console.log(
    "Standalone output completed: .next/standalone (static assets, public files, migrations, scheduler.js, scan-worker.js, gate-mark.js).",
  );
}
