/**
 * Compliance figures for the package evaluated on the fly — the fallback before the first persisted evaluation
 * (persisted-compliance.ts reads that one): the pure lib/compliance API over the inventory as it is at generation
 * time, streamed in batches so a large estate never holds its findings in memory — only per-rule tallies (all the
 * score formula needs) and the first failing findings for the PDF.
 */
import { and, asc, gt, inArray, isNull } from "drizzle-orm";
import {
  FRAMEWORKS,
  appFacts,
  assetFacts,
  evaluate,
  locate,
  prepareRules,
  ruleById,
  scoreOf,
  vaultFacts,
  type Facts,
  type Framework,
  type LocatedFinding,
} from "../compliance";
import type { DbOrTx } from "../db/client";
import { appCredentials, appRegistrations, assets, vaults } from "../db/schema";
import type { FindingLine, FrameworkResult } from "./evidence-data";

type Tally = Map<string, { n: number; p: number }>;
const BATCH = 1000;
const SEVERITY_ORDER = ["critical", "high", "medium", "low"];

export interface ComplianceResult {
  tenantScore: number | null;
  bySubscription: Map<string, number | null>;
  byVault: Map<string, number | null>;
  frameworks: FrameworkResult[];
  counts: { evaluated: number; passing: number; failing: number; unknown: number };
  failingTotal: number;
  failingShown: FindingLine[];
  bySeverity: { severity: string; count: number }[];
}

function add(t: Tally, ruleId: string, pass: boolean) {
  const e = t.get(ruleId);
  if (e) {
    e.n++;
    if (pass) e.p++;
  } else t.set(ruleId, { n: 1, p: pass ? 1 : 0 });
}

/** Every finding of the scope, batch by batch (also the findings CSV's source). */
export async function* findingBatches(
  db: DbOrTx,
  subscriptionIds: string[],
  now: Date,
): AsyncGenerator<LocatedFinding[]> {
  const prepared = prepareRules();
  const inScope = <C extends typeof vaults.subscriptionId | typeof assets.subscriptionId>(col: C) =>
    subscriptionIds.length ? inArray(col, subscriptionIds) : undefined;
  const run = (facts: Facts) => locate(facts, evaluate(facts, now, prepared));
  const vaultNames = new Map<string, string>();
  let after = "";
  for (;;) {
    const rows = await db
      .select()
      .from(vaults)
      .where(and(isNull(vaults.removedAt), inScope(vaults.subscriptionId), gt(vaults.id, after)))
      .orderBy(asc(vaults.id))
      .limit(BATCH);
    yield rows.flatMap((v) => (vaultNames.set(v.id, v.name), run(vaultFacts(v))));
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].id;
  }
  after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await db
      .select()
      .from(assets)
      .where(and(isNull(assets.removedAt), inScope(assets.subscriptionId), gt(assets.id, after)))
      .orderBy(asc(assets.id))
      .limit(BATCH);
    yield rows.flatMap((a) => run(assetFacts(a, vaultNames.get(a.vaultId) ?? a.vaultId)));
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].id;
  }
  // app registrations are tenant-wide: in every package whatever its subscription scope
  after = "";
  for (;;) {
    const apps = await db
      .select()
      .from(appRegistrations)
      .where(and(isNull(appRegistrations.removedAt), gt(appRegistrations.id, after)))
      .orderBy(asc(appRegistrations.id))
      .limit(BATCH);
    if (apps.length === 0) break;
    const creds = await db
      .select()
      .from(appCredentials)
      .where(
        and(
          isNull(appCredentials.removedAt),
          inArray(
            appCredentials.appObjectId,
            apps.map((a) => a.id),
          ),
        ),
      );
    const byApp = new Map<string, (typeof creds)[number][]>();
    for (const c of creds) byApp.set(c.appObjectId, [...(byApp.get(c.appObjectId) ?? []), c]);
    yield apps.flatMap((a) => run(appFacts(a, byApp.get(a.id) ?? [])));
    if (apps.length < BATCH) break;
    after = apps[apps.length - 1].id;
  }
}

export async function evaluateCompliance(
  db: DbOrTx,
  subscriptionIds: string[],
  now: Date,
  {
    maxShown = 200,
    onBatch,
  }: {
    maxShown?: number;
    /** Sees every batch of findings as it is evaluated (the package's findings.csv is written from the same pass). */
    onBatch?: (batch: LocatedFinding[]) => void;
  } = {},
): Promise<ComplianceResult> {
  const tenant: Tally = new Map();
  const bySub = new Map<string, Tally>();
  const byVault = new Map<string, Tally>();
  const counts = { evaluated: 0, passing: 0, failing: 0, unknown: 0 };
  const severity = new Map<string, number>();
  let failing: FindingLine[] = [];
  const level = (m: Map<string, Tally>, k: string | null, f: LocatedFinding) => {
    if (k === null) return;
    let t = m.get(k);
    if (!t) m.set(k, (t = new Map()));
    add(t, f.ruleId, f.status === "pass");
  };
  for await (const batch of findingBatches(db, subscriptionIds, now)) {
    onBatch?.(batch);
    for (const f of batch) {
      if (f.status === "unknown") counts.unknown++;
      if (f.status !== "pass" && f.status !== "fail") continue;
      counts.evaluated++;
      add(tenant, f.ruleId, f.status === "pass");
      level(bySub, f.subscriptionId, f);
      level(byVault, f.vaultId, f);
      if (f.status === "pass") {
        counts.passing++;
        continue;
      }
      counts.failing++;
      const rule = ruleById(f.ruleId);
      const sev = rule?.severity ?? "low";
      severity.set(sev, (severity.get(sev) ?? 0) + 1);
      failing.push({
        severity: sev,
        ruleId: f.ruleId,
        rule: rule?.title ?? f.ruleId,
        object: f.objectName,
        scope: f.scope,
        vault: f.vaultName,
        reason: f.reason,
      });
    }
    // keep the most severe few: the PDF lists them, findings.csv has every one
    if (failing.length > maxShown * 2) failing = mostSevere(failing, maxShown);
  }
  const scored = (m: Map<string, Tally>) => new Map([...m].map(([k, t]) => [k, scoreOf(t)] as const));
  return {
    tenantScore: scoreOf(tenant),
    bySubscription: scored(bySub),
    byVault: scored(byVault),
    frameworks: FRAMEWORKS.map((fw) => frameworkResult(tenant, fw)),
    counts,
    failingTotal: counts.failing,
    failingShown: mostSevere(failing, maxShown),
    bySeverity: SEVERITY_ORDER.map((s) => ({ severity: s, count: severity.get(s) ?? 0 })),
  };
}

function mostSevere(list: FindingLine[], n: number): FindingLine[] {
  const rank = (s: string) => SEVERITY_ORDER.indexOf(s);
  return list
    .sort(
      (a, b) => rank(a.severity) - rank(b.severity) || a.rule.localeCompare(b.rule) || a.object.localeCompare(b.object),
    )
    .slice(0, n);
}

/**
 * lib/compliance's frameworkScore, over per-rule tallies instead of findings: a rule's tally (n evaluated, p passing)
 * is all the formula reads, so the figures are the same (tests/integration/reports checks both on one estate).
 */
export function frameworkResult(tenant: Tally, fw: Framework): FrameworkResult {
  const sub = (rules: readonly string[]): Tally =>
    new Map(rules.flatMap((r) => (tenant.has(r) ? [[r, tenant.get(r)!] as const] : [])));
  const mapped = [...new Set(fw.controls.flatMap((c) => c.rules))];
  return {
    id: fw.id,
    name: fw.name,
    version: fw.version,
    score: scoreOf(sub(mapped)),
    controls: fw.controls.map((c) => {
      if (c.coverage === "customer")
        return { id: c.id, title: c.title, coverage: c.coverage, status: "customer", score: null, failing: 0 };
      const t = sub(c.rules);
      const score = scoreOf(t);
      const failing = [...t.values()].reduce((s, e) => s + e.n - e.p, 0);
      const status = score === null ? "notAssessed" : failing ? "fail" : "pass";
      return { id: c.id, title: c.title, coverage: c.coverage, status, score, failing };
    }),
  };
}
