// Evidence package benchmark: a 1,000-vault estate seeded into a fresh PostgreSQL database (no cloud), then the
// package gathered, rendered to PDF with its CSV attachments, and stored, as an Auditor — twice, each in a fresh
// process (as a scheduled package runs): **before the first evaluation** (compliance evaluated on the fly over every
// vault, object and app) and **after one** (the persisted evaluation, the state of every estate once its first scan has
// finished). Prints wall time per phase, pages, size and each process's peak RSS; the budget applies to both. Runs
// under the console's heap policy (HEAP_GROWING_PERCENT, default 50; 0 for V8's own) and NODE_ENV=production, as an
// on-demand package does in the console.
//   npm run bench:reports        options: --vaults 1000 --assets 20000 --apps 500 --budget 15000 (ms) --busy N [--keep]
//   --busy N: N processes spinning a core each during the measured runs (a busy machine)
//   --profile DIR: a CPU profile of each measured process into DIR (node --cpu-prof; slower)
//   DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) is the admin URL: a new database is created and dropped.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import os from "node:os";
import pg from "pg";
import { startBusyLoad } from "./busy-load";
import { seedEstate } from "./seed-estate";
import { arg, benchAppEnv, createBenchDatabase, prepareBenchDatabase } from "./support";

const VAULTS = Number(arg("vaults", "1000"));
const ASSETS = Number(arg("assets", "20000"));
const APPS = Number(arg("apps", "500"));
const BUDGET_MS = Number(arg("budget", "15000"));
const BUSY = Number(arg("busy", "0"));
const PROFILE_DIR = arg("profile", "");

const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);

interface Measured {
  machine: { cpus: number; load1: string; heapGrowingPercent: number; busy: number };
  source: string;
  estate: { vaults: number | undefined; assets: number; apps: number };
  ms: { gather: number; render: number; store: number; total: number };
  pdf: { pages: number; mb: number; attachments: string[] };
  rssMb: { start: number; peak: number };
}

/** One measured generation, in this (fresh) process: the environment is the parent's, the database prepared. */
async function measure(): Promise<Measured> {
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
  await closeDb();
  return {
    machine: { cpus: os.cpus().length, load1: os.loadavg()[0].toFixed(2), heapGrowingPercent, busy: BUSY },
    source: data.summary?.source ?? "-",
    estate: { vaults: data.inventory?.byVault.length, assets: ASSETS, apps: APPS },
    ms: {
      gather: Math.round(t1 - t0),
      render: Math.round(t2 - t1),
      store: Math.round(t3 - t2),
      total: Math.round(t3 - t0),
    },
    pdf: {
      pages: (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length,
      mb: +(pdf.length / 1048576).toFixed(2),
      attachments: attachments.map((a) => `${a.name} ${a.rows} rows`),
    },
    rssMb: { start: rssStart, peak },
  };
}

/** Runs `measure` in a fresh process (cold modules, its own peak RSS), with one or more cores kept busy if asked. */
function measureInChild(env: Record<string, string>): Measured {
  const load = startBusyLoad(BUSY);
  try {
    const profile = PROFILE_DIR ? ["--cpu-prof", "--cpu-prof-dir", PROFILE_DIR] : [];
    const args = [...profile, "--import", "tsx", __filename, "--measure", "1", "--busy", String(BUSY)];
    const out = execFileSync(process.execPath, args, {
      env: { ...process.env, ...env, LOG_LEVEL: "warn", NODE_ENV: "production" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    return JSON.parse(out.trim().split("\n").pop()!) as Measured;
  } finally {
    load.stop();
  }
}

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
    if (BUSY) console.log(`busy load: ${BUSY} process(es) spinning a core each during the measured runs`);
    const first = measureInChild(env);
    console.log(`before the first evaluation:\n${JSON.stringify(first, null, 2)}`);

    // what the scan's evaluation job would have written, then settled as autovacuum would a minute later
    Object.assign(process.env, env, { LOG_LEVEL: "warn" });
    const { evaluateCompliance } = await import("../../lib/compliance/evaluate-estate");
    const { systemCtx } = await import("../../lib/context");
    const { getDb, closeDb } = await import("../../lib/db/client");
    const evaluated = await evaluateCompliance({ ctx: systemCtx("bench-reports"), input: { trigger: "scan" } });
    const { sql } = await import("drizzle-orm");
    await (await getDb()).execute(sql.raw("vacuum analyze"));
    await closeDb();
    console.log(`evaluated: ${evaluated.objectsEvaluated} objects, score ${evaluated.score?.toFixed(2)}`);
    const after = measureInChild(env);
    console.log(`after an evaluation:\n${JSON.stringify(after, null, 2)}`);

    let ok = true;
    for (const [label, m] of [
      ["before the first evaluation", first],
      ["after an evaluation", after],
    ] as const) {
      const pass = m.ms.total < BUDGET_MS;
      ok &&= pass;
      console.log(
        `${pass ? "PASS" : "FAIL"}: ${label} (${m.source}): ${m.ms.total} ms (gather ${m.ms.gather}, render ${m.ms.render}; budget ${BUDGET_MS} ms), ${m.pdf.pages} pages, peak RSS ${m.rssMb.peak} MB${BUSY ? `, ${BUSY} busy core(s)` : ""}`,
      );
    }
    process.exitCode = ok ? 0 : 1;
  } finally {
    if (!process.argv.includes("--keep")) await database.drop();
  }
}

if (process.argv.includes("--measure"))
  measure()
    .then((m) => console.log(JSON.stringify(m)))
    .catch((e) => {
      console.error(e);
      process.exit(2);
    });
else
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
