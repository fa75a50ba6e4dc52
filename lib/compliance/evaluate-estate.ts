/**
 * evaluateCompliance: the persisted evaluation, run after every scan (lib/scheduler, in the scan's own thread in the
 * in-process mode), by the periodic refresh (time-driven transitions, waiver expiry), after a waiver decision and on
 * request. One transaction under one lock: findings, object digests, the score snapshot and its audit row commit
 * together.
 *
 * Incremental by default: candidates are the inventory rows written since the last evaluation's watermark (vaults
 * always — there are few), the objects whose stored next change has come, and the failures under a waiver decided
 * or expired since. Full when there is no previous snapshot, the rules or their parameters changed, or asked for.
 */
import { and, desc, eq, gte, isNotNull, lte, or, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import type { DbOrTx } from "../db/client";
import { complianceFindings, complianceObjects, complianceSnapshots, complianceWaivers } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { getSetting } from "../settings/store";
import { prepareRules, type PreparedRules } from "./catalogue";
import { rulesFingerprint } from "./digest";
import { EvaluationState, type StoredObject } from "./evaluation-state";
import { loadStored, storedCount } from "./stored-objects";
import { deleteObjects, writeFindings, writeObjects } from "./evaluation-writes";
import { EndedFailures, emitScoreAlerts, NewFailures } from "./alerts";
import { explainGroups } from "./explain";
import { readFacts, removedSince, storedButGone } from "./inventory-facts";
import { fromRows, packTallies, rollUp, ruleTally, toRows } from "./tallies";
import { keepTallies, storedTallies, takeTallies } from "./tallies-cache";
import { waiverMatcher, type ActiveWaiver } from "./waiver-match";

const EVALUATION_LOCK = 7_314_011;

export const evaluateInput = z
  .object({
    scanId: z.uuid().optional(),
    trigger: z.enum(["scan", "refresh", "waiver", "settings", "manual"]),
    full: z.boolean().optional(),
  })
  .strict();

export interface EvaluationResult {
  snapshotId: string;
  mode: "full" | "incremental";
  score: number | null;
  delta: number | null;
  objectsEvaluated: number;
  findingsChanged: number;
  durationMs: number;
}

async function preparedFromSettings(db: DbOrTx): Promise<{ prepared: PreparedRules; fingerprint: string }> {
  const settings = await getSetting(db, "compliance.rules");
  try {
    return { prepared: prepareRules(settings), fingerprint: rulesFingerprint(settings) };
  } catch {
    // parameters are validated when saved; a row that no longer parses must not stop evaluations
    return { prepared: prepareRules(), fingerprint: rulesFingerprint({}) };
  }
}

async function activeWaivers(db: DbOrTx, now: Date): Promise<ActiveWaiver[]> {
  return db
    .select({
      id: complianceWaivers.id,
      ruleId: complianceWaivers.ruleId,
      scopeType: complianceWaivers.scopeType,
      scopeId: complianceWaivers.scopeId,
      expiresAt: complianceWaivers.expiresAt,
    })
    .from(complianceWaivers)
    .where(and(eq(complianceWaivers.status, "approved"), sql`${complianceWaivers.expiresAt} > ${now}`));
}

/** Failing findings under waivers decided, or expired, since the last evaluation. */
async function waiverCandidates(db: DbOrTx, since: Date, now: Date): Promise<{ scope: string; id: string }[]> {
  const moved = await db
    .select()
    .from(complianceWaivers)
    .where(
      or(
        gte(complianceWaivers.decidedAt, since),
        and(
          eq(complianceWaivers.status, "approved"),
          sql`${complianceWaivers.expiresAt} > ${since}`,
          lte(complianceWaivers.expiresAt, now),
        ),
      ),
    );
  const out: { scope: string; id: string }[] = [];
  for (const w of moved) {
    const scope =
      w.scopeType === "tenant"
        ? undefined
        : w.scopeType === "subscription"
          ? eq(complianceFindings.subscriptionId, w.scopeId)
          : w.scopeType === "vault"
            ? eq(complianceFindings.vaultId, w.scopeId)
            : eq(complianceFindings.objectId, w.scopeId);
    out.push(
      ...(await db
        .select({ scope: complianceFindings.scope, id: complianceFindings.objectId })
        .from(complianceFindings)
        .where(and(eq(complianceFindings.ruleId, w.ruleId), eq(complianceFindings.status, "fail"), scope))),
    );
  }
  return out;
}

/** Beyond this many id candidates a full pass is cheaper than an id list (and stays under the parameter limit). */
const MAX_ID_CANDIDATES = 20_000;

export async function evaluateCompliance({
  ctx,
  input,
  now: pinned,
}: {
  ctx: Ctx;
  input: unknown;
  /** The instant rules are evaluated at (tests pin it); default the later of this clock and the database's. */
  now?: Date;
}): Promise<EvaluationResult> {
  assertPermission(ctx, "settings:write");
  const { scanId, trigger, full: forceFull } = evaluateInput.parse(input);
  const started = Date.now();
  return withTransaction(ctx, async (tx) => {
    const db = tx.db;
    await db.execute(sql`select pg_advisory_xact_lock(${EVALUATION_LOCK})`);
    const { rows } = (await db.execute(sql`select now() as now`)) as unknown as { rows: { now: string | Date }[] };
    const watermark = new Date(rows[0].now);
    const now = pinned ?? new Date(Math.max(Date.now(), watermark.getTime()));
    // the previous snapshot without its tallies (1.4 MB of JSON at 500 vaults): those come from this process's copy
    // when it wrote that snapshot itself, the usual case for the scheduler
    const [prev] = await db
      .select({
        id: complianceSnapshots.id,
        takenAt: complianceSnapshots.takenAt,
        watermark: complianceSnapshots.watermark,
        rulesFingerprint: complianceSnapshots.rulesFingerprint,
        tenantScore: complianceSnapshots.tenantScore,
      })
      .from(complianceSnapshots)
      .orderBy(desc(complianceSnapshots.takenAt))
      .limit(1);
    const { prepared, fingerprint } = await preparedFromSettings(db);
    let full = forceFull || !prev || prev.rulesFingerprint !== fingerprint;
    const matcher = waiverMatcher(await activeWaivers(db, now), now);
    const tallies = prev ? (takeTallies(prev.id) ?? fromRows(await storedTallies(db, prev.id))) : new Map();
    const tBefore = ruleTally(tallies);

    let candidates: { scope: string; id: string }[] = [];
    if (!full) {
      const timed = await db
        .select({ scope: complianceObjects.scope, id: complianceObjects.objectId })
        .from(complianceObjects)
        .where(and(isNotNull(complianceObjects.nextChangeAt), lte(complianceObjects.nextChangeAt, now)));
      const seen = new Set<string>();
      for (const c of [...timed, ...(await waiverCandidates(db, prev.takenAt, now))])
        if (!seen.has(c.id)) {
          seen.add(c.id);
          candidates.push(c);
        }
      if (candidates.length > MAX_ID_CANDIDATES) {
        full = true;
        candidates = [];
      }
    }
    // only the current page's stored objects are held, and each page's rows are written before the next is read:
    // a first evaluation of 100k objects changes ~600k outcomes, which must not sit in the scan thread's heap at once
    const stored = new Map<string, StoredObject>();
    const state = new EvaluationState(tallies, now, prepared, matcher);
    // the first evaluation of a non-empty inventory is the baseline: its failures are not news (an evaluation before
    // the first scan — the refresh job on a fresh install — saw nothing and scored nothing)
    const newFailures = prev && prev.tenantScore !== null ? new NewFailures() : undefined;
    const endedFailures = await EndedFailures.load(tx);
    const flush = async () => {
      const { objects, changes, removed } = state.drain();
      newFailures?.add(changes);
      endedFailures?.add(changes);
      await writeObjects(db, objects, now);
      await deleteObjects(db, removed);
      await writeFindings(db, changes, now, prev?.takenAt ?? now);
    };
    await readFacts(db, { since: full ? null : prev!.watermark, ids: candidates }, async (page) => {
      await loadStored(
        db,
        stored,
        page.filter((c) => c.stored === "lookup").map((c) => c.facts.id),
      );
      for (const { facts, stored: known } of page) {
        state.add(facts, known === "lookup" ? stored.get(facts.id) : known);
      }
      stored.clear();
      await flush();
    });
    const removeAll = async (ids: string[]) => {
      await loadStored(db, stored, ids);
      for (const id of ids) {
        const o = stored.get(id);
        if (o) state.remove(o);
      }
      stored.clear();
      await flush();
    };
    if (full) {
      // every live object evaluated now has a stored row, so only when there are more rows is any of them gone
      if (state.evaluated < (await storedCount(db)))
        for (let ids = await storedButGone(db, ""); ids.length; ids = await storedButGone(db, ids.at(-1)!))
          await removeAll(ids);
    } else {
      const gone = await removedSince(db, prev!.watermark);
      for (let i = 0; i < gone.length; i += 2500) await removeAll(gone.slice(i, i + 2500));
    }

    const mode: EvaluationResult["mode"] = full ? "full" : "incremental";
    if (trigger === "refresh" && !full && !state.changed && prev)
      // nothing moved: no trend point (the refresh runs often); the watermark stays, so nothing is skipped
      return {
        result: {
          snapshotId: prev.id,
          mode,
          score: prev.tenantScore,
          delta: 0,
          objectsEvaluated: state.evaluated,
          findingsChanged: 0,
          durationMs: Date.now() - started,
        },
        tallies,
      };
    const { tenant, scores } = rollUp(tallies);
    const explained = explainGroups(state.groups.values(), tBefore, ruleTally(tallies));
    const durationMs = Date.now() - started;
    const [snap] = await db
      .insert(complianceSnapshots)
      .values({
        scanId: scanId ?? null,
        trigger,
        mode,
        takenAt: now,
        watermark,
        rulesFingerprint: fingerprint,
        tenantScore: tenant,
        scores,
        tallies: packTallies(toRows(tallies)),
        delta: prev ? explained.delta : null,
        explanations: explained.explanations.slice(0, 50).map((e) => ({ points: e.points, text: e.text })),
        objectsEvaluated: state.evaluated,
        findingsChanged: state.changed,
        durationMs,
      })
      .returning({ id: complianceSnapshots.id });
    const result: EvaluationResult = {
      snapshotId: snap.id,
      mode,
      score: tenant,
      delta: prev ? explained.delta : null,
      objectsEvaluated: state.evaluated,
      findingsChanged: state.changed,
      durationMs,
    };
    await newFailures?.emit(tx, now);
    await endedFailures?.emit(tx, now);
    await emitScoreAlerts(tx, { previous: prev?.tenantScore ?? null, score: tenant }, now);
    await audit(tx, {
      action: "compliance.evaluated",
      target: { type: "compliance-snapshot", id: snap.id },
      details: { trigger, scanId: scanId ?? null, ...result },
    });
    return { result, tallies };
  }).then(({ result, tallies }) => {
    // only once committed: a rolled-back snapshot's id never comes back as the previous one
    if (result.snapshotId) keepTallies(result.snapshotId, tallies);
    return result;
  });
}
