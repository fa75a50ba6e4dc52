/**
 * One object's compliance as the last evaluation left it: its score over its own rules (score.ts's formula with the
 * object as the scope), each enabled rule's outcome with the reason of an open finding, and — for a vault — the
 * vault's roll-up score (the vault with its secrets, keys and certificates) from the latest snapshot. Read from the
 * stored digest and the open finding rows, so an object page costs two small queries, not an evaluation.
 */
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { complianceFindings, complianceObjects, complianceSnapshots } from "../db/schema";
import { dbOf } from "../db/transaction";
import { ruleById } from "./catalogue";
import { decode, SCOPE_RULES, type Code } from "./digest";
import type { Scope } from "./facts";
import { SEVERITIES, type Severity } from "./rule";
import { scoreOf, type Tally } from "./score";

export const objectComplianceInput = z.object({ objectId: z.string().trim().min(1).max(500) }).strict();

export type ObjectOutcomeStatus = "pass" | "fail" | "waived" | "unknown" | "notApplicable";

export interface ObjectRuleOutcome {
  ruleId: string;
  title: string;
  severity: Severity;
  status: ObjectOutcomeStatus;
  /** Why, for an open finding (fail, waived, unknown); passing outcomes keep no row. */
  reason: string | null;
  /** When the open finding began. */
  since: Date | null;
}

export interface ObjectCompliance {
  scope: Scope;
  /** This object's rules only; null when none of them was evaluated (pass or fail, not waived). */
  score: number | null;
  /** A vault with its objects, from the latest snapshot (vaults only). */
  vaultScore?: number | null;
  /** The latest evaluation: every object's stored outcomes hold as of it (unchanged objects are not rewritten). */
  evaluatedAt: Date;
  /** When this object's stored outcomes last changed. */
  changedAt: Date;
  outcomes: ObjectRuleOutcome[];
}

const STATUS: Record<Exclude<Code, "-">, ObjectOutcomeStatus> = {
  P: "pass",
  F: "fail",
  W: "waived",
  U: "unknown",
  N: "notApplicable",
};

const ORDER: Record<ObjectOutcomeStatus, number> = { fail: 0, unknown: 1, waived: 2, pass: 3, notApplicable: 4 };

/** The score of one object from its letters: each evaluated rule counts once (n = 1), passing or not. */
export function objectScore(letters: readonly [ruleId: string, code: Code][]): number | null {
  const tally: Tally = new Map();
  for (const [ruleId, code] of letters)
    if (code === "P" || code === "F") tally.set(ruleId, { n: 1, p: code === "P" ? 1 : 0 });
  return scoreOf(tally);
}

/** null: the object was never evaluated (not scanned yet, or removed since). */
export async function getObjectCompliance({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<ObjectCompliance | null> {
  assertPermission(ctx, "dashboard:read");
  const { objectId } = objectComplianceInput.parse(input);
  const db = await dbOf(ctx);
  const [stored] = await db
    .select({ scope: complianceObjects.scope, digest: complianceObjects.digest, at: complianceObjects.evaluatedAt })
    .from(complianceObjects)
    .where(eq(complianceObjects.objectId, objectId))
    .limit(1);
  if (!stored) return null;
  const scope = stored.scope as Scope;
  const letters = decode(scope, stored.digest).filter(([, c]) => c !== "-");
  const ruleIds = SCOPE_RULES.get(scope) ?? [];
  // the primary key (rule, object) serves this: one probe per rule of the scope
  const open = ruleIds.length
    ? await db
        .select({
          ruleId: complianceFindings.ruleId,
          reason: complianceFindings.reason,
          since: complianceFindings.firstSeenAt,
        })
        .from(complianceFindings)
        .where(
          and(
            inArray(complianceFindings.ruleId, [...ruleIds]),
            eq(complianceFindings.objectId, objectId),
            isNull(complianceFindings.resolvedAt),
          ),
        )
    : [];
  const rowOf = new Map(open.map((r) => [r.ruleId, r]));
  const outcomes: ObjectRuleOutcome[] = letters
    .flatMap(([ruleId, code]) => {
      const rule = ruleById(ruleId);
      if (!rule || code === "-") return [];
      const row = rowOf.get(ruleId);
      return [
        {
          ruleId,
          title: rule.title,
          severity: rule.severity,
          status: STATUS[code],
          reason: row?.reason ?? null,
          since: row?.since ?? null,
        },
      ];
    })
    .sort(
      (a, b) =>
        ORDER[a.status] - ORDER[b.status] ||
        SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
        a.title.localeCompare(b.title),
    );
  const [snap] = await db
    .select({ scores: complianceSnapshots.scores, takenAt: complianceSnapshots.takenAt })
    .from(complianceSnapshots)
    .orderBy(desc(complianceSnapshots.takenAt))
    .limit(1);
  const result: ObjectCompliance = {
    scope,
    score: objectScore(letters),
    evaluatedAt: snap?.takenAt ?? stored.at,
    changedAt: stored.at,
    outcomes,
  };
  if (scope === "vault") result.vaultScore = snap?.scores.byVault[objectId] ?? null;
  return result;
}
