#!/usr/bin/env node
// The scheduler as plain JavaScript (issue 17, ADR 0006): `scheduler.js` (the standalone scheduler, lib/scheduler/main.ts)
// and `scan-worker.js` (the scan thread of the in-process mode, lib/scheduler/scan-thread.ts), each one file with its
// dependencies inside, so the image runs either role with `node` alone — no tsx, no lib/ sources, no source-tree
// node_modules. complete-standalone.mjs writes them into .next/standalone beside server.js.
import { cpSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Left out of the bundle and shipped as packages in <outDir>/node_modules: PGlite reads its wasm and data files
 * beside its own module, which a bundle cannot carry. (pg-native is pg's optional native driver, never installed.)
 */
const SHIPPED_PACKAGES = ["@electric-sql/pglite"];
// The PDF renderer is ESM-only and loads its fonts and layout engine at run time: lib/reports/render.ts imports it
// by file URL from the standalone folder's node_modules, where Next's trace ships it for the web server.
const EXTERNAL = [...SHIPPED_PACKAGES, "pg-native", "@react-pdf/renderer", "pdfkit"];

export const SCHEDULER_ENTRIES = {
  scheduler: "lib/scheduler/main.ts",
  "scan-worker": "lib/scheduler/scan-thread.ts",
};

/** Bundles both entries into outDir and makes sure the packages left outside are there too. */
export async function bundleScheduler(outDir, root = ROOT) {
  await build({
    absWorkingDir: root,
    entryPoints: SCHEDULER_ENTRIES,
    outdir: outDir,
    bundle: true,
    platform: "node",
    target: "node20",
    // CommonJS: the standalone folder has no "type": "module", and `node scheduler.js` must just work.
    format: "cjs",
    external: EXTERNAL,
    tsconfig: path.join(root, "tsconfig.json"),
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    // Some SDK code checks classes by name (node-fetch, under the Resource Graph client, accepts a signal only if
    // its constructor is named "AbortSignal"); esbuild renames colliding classes unless told to keep their names.
    keepNames: true,
    logLevel: "warning",
  });
  for (const pkg of SHIPPED_PACKAGES) {
    const dest = path.join(outDir, "node_modules", pkg);
    // Next's trace usually ships it already for the web server; copy it when it did not.
    if (!existsSync(path.join(dest, "package.json")))
      cpSync(path.join(root, "node_modules", pkg), dest, { recursive: true, dereference: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, ".next", "standalone"));
  await bundleScheduler(outDir);
  console.log(`Scheduler bundled: ${outDir}/scheduler.js, ${outDir}/scan-worker.js`);
}
