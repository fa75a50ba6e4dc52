// Evidence package benchmark: a 1,000-vault estate seeded into a fresh PostgreSQL database (no cloud), then the
// package gathered (compliance evaluated on the fly over every vault, object and app), rendered to PDF with its CSV
// attachments, and stored, as an Auditor. Prints wall time per phase, pages, size and the process's peak RSS. Runs under
// the console's heap policy (HEAP_GROWING_PERCENT, default 50; 0 for V8's own), as an on-demand package does.
//   npm run bench:reports        options: --vaults 1000 --assets 20000 --apps 500 --budget 15000 (ms) [--keep]
//   DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) is the admin URL: a new database is created and dropped.
import { randomUUID } from "node:crypto";
import os from "node:os";
import pg from "pg";
import { seedEstate } from "./seed-estate";
import { arg, benchAppEnv, createBenchDatabase, prepareBenchDatabase } from "./support";

const VAULTS = Number(arg("vaults", "1000"));
const ASSETS = Number(arg("assets", "20000"));
const APPS = Number(arg("apps", "500"));
const BUDGET_MS = Number(arg("budget", "15000"));

const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);

async function main() {
  const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const database = await createBenchDatabase(adminUrl, "cc_bench_reports");
  try {
    const env = benchAppEnv("http://127.0.0.1:1", database.url);
    await prepareBenchDatabase(env, "CertifyClouds.Viewer", async (url) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await seedEstate((q) => c.query(q), { assets: ASSETS, subscriptions: 20, vaults: VAULTS, apps: APPS, scans: 5 });
      await c.end();
    });
    Object.assign(process.env, env, { LOG_LEVEL: "warn" });
    // the console renders on-demand packages in its own process, under its heap policy (HEAP_GROWING_PERCENT)
    const { getConfig } = await import("../../lib/config");
    const { applyHeapGrowingPercent } = await import("../../lib/web/heap-policy");
    const heapGrowingPercent = applyHeapGrowingPercent(getConfig().heapGrowingPercent) ?? 0;
    const { collectEvidence } = await import("../../lib/reports/collect");
    const { renderEvidencePdf } = await import("../../lib/reports/render");
    const { storeReport } = await import("../../lib/reports/store");
    const { closeDb } = await import("../../lib/db/client");
    const ctx = {
      actor: {
        type: "user" as const,
        userId: randomUUID(),
        oid: randomUUID(),
        upn: "auditor@contoso.example",
        name: "Bench Auditor",
        roles: ["CertifyClouds.Auditor" as const],
      },
      request: { requestId: randomUUID() },
    };
    let peak = rssMb();
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 20);
    const rssStart = rssMb();
    const t0 = performance.now();
    const { data, attachments } = await collectEvidence({ ctx, input: {} });
    const t1 = performance.now();
    const { pdf, sha256 } = await renderEvidencePdf(data, attachments);
    const t2 = performance.now();
    await storeReport(ctx, { kind: "evidence", title: "bench", params: {}, pdf, sha256 }, new Date());
    const t3 = performance.now();
    clearInterval(sampler);
    peak = Math.max(peak, Math.round(process.resourceUsage().maxRSS / 1024));
    const pages = (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;
    const total = t3 - t0;
    console.log(
      JSON.stringify(
        {
          machine: { cpus: os.cpus().length, load1: os.loadavg()[0].toFixed(2), heapGrowingPercent },
          estate: { vaults: data.inventory?.byVault.length, assets: ASSETS, apps: APPS },
          ms: {
            gather: Math.round(t1 - t0),
            render: Math.round(t2 - t1),
            store: Math.round(t3 - t2),
            total: Math.round(total),
          },
          pdf: {
            pages,
            mb: +(pdf.length / 1048576).toFixed(2),
            attachments: attachments.map((a) => `${a.name} ${a.rows} rows`),
          },
          rssMb: { start: rssStart, peak },
        },
        null,
        2,
      ),
    );
    console.log(
      `${total < BUDGET_MS ? "PASS" : "FAIL"}: ${Math.round(total)} ms (budget ${BUDGET_MS} ms), peak RSS ${peak} MB`,
    );
    await closeDb();
    process.exitCode = total < BUDGET_MS ? 0 : 1;
  } finally {
    if (!process.argv.includes("--keep")) await database.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
