/**
 * The findings list (filters: rule, severity, framework, subscription, vault, status; paged) and its CSV rows, and
 * a rule's affected objects. Status: open (failing, no waiver), waived, unknown (not decidable), resolved.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import type { DbOrTx } from "../db/client";
import { complianceFindings, type ComplianceFinding } from "../db/schema";
import { dbOf } from "../db/transaction";
import { text } from "../validation";
import { FRAMEWORKS } from "./frameworks";
import { SEVERITIES } from "./rule";

export const FINDING_STATUSES = ["open", "waived", "unknown", "resolved"] as const;

export const listFindingsInput = z
  .object({
    rule: text(64).optional(),
    severity: z.enum(SEVERITIES as [string, ...string[]]).optional(),
    framework: z.enum(FRAMEWORKS.map((f) => f.id) as [string, ...string[]]).optional(),
    subscription: text(64).optional(),
    vault: text(400).optional(),
    status: z.enum(FINDING_STATUSES).default("open"),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export type FindingsQuery = z.output<typeof listFindingsInput>;

function where(q: FindingsQuery): SQL | undefined {
  const f = complianceFindings;
  const status =
    q.status === "open"
      ? and(eq(f.status, "fail"), isNull(f.waiverId))
      : q.status === "waived"
        ? and(eq(f.status, "fail"), isNotNull(f.waiverId))
        : q.status === "unknown"
          ? eq(f.status, "unknown")
          : isNotNull(f.resolvedAt);
  const fw = q.framework ? FRAMEWORKS.find((x) => x.id === q.framework) : undefined;
  const fwRules = fw ? [...new Set(fw.controls.flatMap((c) => c.rules))] : undefined;
  return and(
    status,
    q.rule ? eq(f.ruleId, q.rule) : undefined,
    q.severity ? eq(f.severity, q.severity as "high") : undefined,
    fwRules ? (fwRules.length ? inArray(f.ruleId, fwRules) : sql`false`) : undefined,
    q.subscription ? eq(f.subscriptionId, q.subscription.toLowerCase()) : undefined,
    q.vault ? eq(f.vaultId, q.vault) : undefined,
  );
}

const SEVERITY_ORDER = sql`case ${complianceFindings.severity} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`;

export async function listFindings({ ctx, input }: { ctx: Ctx; input?: unknown }) {
  assertPermission(ctx, "dashboard:read");
  const query = listFindingsInput.parse(input ?? {});
  const db = await dbOf(ctx);
  const w = where(query);
  const [{ total }] = await db.select({ total: count() }).from(complianceFindings).where(w);
  const rows = await db
    .select()
    .from(complianceFindings)
    .where(w)
    .orderBy(
      SEVERITY_ORDER,
      asc(complianceFindings.ruleId),
      desc(complianceFindings.firstSeenAt),
      asc(complianceFindings.objectId),
    )
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  return { rows, total, query };
}

/** Findings matching `w` in (rule, object) order, 1,000 at a time by keyset on the primary key (flat memory). */
export async function* findingsByKey(db: DbOrTx, w: SQL | undefined): AsyncGenerator<ComplianceFinding[]> {
  const f = complianceFindings;
  let after: [string, string] | null = null;
  for (;;) {
    const rows: ComplianceFinding[] = await db
      .select()
      .from(f)
      .where(and(w, after ? sql`(${f.ruleId}, ${f.objectId}) > (${after[0]}, ${after[1]})` : undefined))
      .orderBy(asc(f.ruleId), asc(f.objectId))
      .limit(1000);
    if (rows.length) yield rows;
    if (rows.length < 1000) return;
    after = [rows[rows.length - 1].ruleId, rows[rows.length - 1].objectId];
  }
}

/**
 * The CSV export's rows: the same filters, every row, severity by severity and within one in (rule, object) order —
 * each batch an index range scan however deep the export goes (it used to page by OFFSET, and stopped at 100,000).
 */
export async function* findingsForExport({ ctx, input }: { ctx: Ctx; input?: unknown }) {
  assertPermission(ctx, "dashboard:read");
  const query = listFindingsInput.parse(input ?? {});
  const db = await dbOf(ctx);
  for (const severity of SEVERITIES)
    yield* findingsByKey(db, and(where(query), eq(complianceFindings.severity, severity as "high")));
}

/** Open, waived and unknown counts of one rule, and its open findings (the rule page's affected objects). */
export async function ruleFindings(ctx: Ctx, ruleId: string, limit = 100) {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const f = complianceFindings;
  const counts = await db
    .select({ status: f.status, waived: sql<boolean>`${f.waiverId} is not null`, n: count() })
    .from(f)
    .where(and(eq(f.ruleId, ruleId), isNull(f.resolvedAt)))
    .groupBy(f.status, sql`${f.waiverId} is not null`);
  const rows = await db
    .select()
    .from(f)
    .where(and(eq(f.ruleId, ruleId), isNull(f.resolvedAt)))
    .orderBy(asc(f.status), asc(f.vaultName), asc(f.objectName))
    .limit(limit);
  const n = (s: string, waived: boolean) =>
    counts.filter((c) => c.status === s && !!c.waived === waived).reduce((a, c) => a + Number(c.n), 0);
  return { open: n("fail", false), waived: n("fail", true), unknown: n("unknown", false), rows };
}
