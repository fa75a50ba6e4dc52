/** What the console and the API show of scans: history, one scan's live progress, one scan with its errors. */
import { count, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { wholeNumber } from "../validation";
import { assertPermission } from "../auth/authorize";
import type { Ctx, TimedVerbArgs } from "../context";
import { scanErrors, scanRuns, type ScanError, type ScanRun } from "../db/schema";
import { dbOf } from "../db/transaction";
import { AppError } from "../errors";
import { parseInput } from "./parse-input";

export const ACTIVE_SCAN_STATUSES = ["queued", "running"] as const;

export interface ScanProgress {
  id: string;
  mode: ScanRun["mode"];
  trigger: ScanRun["trigger"];
  scope: ScanRun["scope"];
  status: ScanRun["status"];
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequested: boolean;
  vaultsTotal: number;
  vaultsDone: number;
  vaultsFailed: number;
  objectsSeen: number;
  appsSeen: number;
  errorCount: number;
  requestCount: number;
  error: string | null;
  /** How often the scan was interrupted (its worker stopped) and resumed by another claim: attempts − 1. */
  interruptions: number;
  /** "resumed after interruption (n)" for a scan that survived its worker, else null. */
  resumeNote: string | null;
  /** Running, but its worker stopped and no other has taken it over yet (its lease has expired). */
  workerLost: boolean;
  /** 0–100, from vaults done over vaults total (0 until the total is known). */
  percent: number;
  elapsedSeconds: number | null;
  /** Estimated seconds left, from the vault rate so far; null until at least one vault is done. */
  etaSeconds: number | null;
  active: boolean;
}

/** The progress view of a scan run: plain JSON (ISO dates) for the polling client. */
export function toProgress(s: ScanRun, now = new Date()): ScanProgress {
  const active = (ACTIVE_SCAN_STATUSES as readonly string[]).includes(s.status);
  const end = s.finishedAt ?? now;
  const elapsed = s.startedAt ? Math.max(0, (end.getTime() - s.startedAt.getTime()) / 1000) : null;
  const percent =
    s.vaultsTotal > 0
      ? Math.min(100, Math.round((s.vaultsDone / s.vaultsTotal) * 100))
      : s.status === "completed" || s.status === "completed_with_errors"
        ? 100
        : 0;
  let eta: number | null = null;
  if (active && elapsed && s.vaultsDone > 0 && s.vaultsTotal > s.vaultsDone)
    eta = Math.round(((s.vaultsTotal - s.vaultsDone) * elapsed) / s.vaultsDone);
  else if (active && s.vaultsTotal > 0 && s.vaultsDone >= s.vaultsTotal) eta = 0;
  const interruptions = Math.max(0, s.attempt - 1);
  return {
    id: s.id,
    mode: s.mode,
    trigger: s.trigger,
    scope: s.scope,
    status: s.status,
    requestedBy: s.requestedBy,
    createdAt: s.createdAt.toISOString(),
    startedAt: s.startedAt?.toISOString() ?? null,
    finishedAt: s.finishedAt?.toISOString() ?? null,
    cancelRequested: s.cancelRequested,
    vaultsTotal: s.vaultsTotal,
    vaultsDone: s.vaultsDone,
    vaultsFailed: s.vaultsFailed,
    objectsSeen: s.objectsSeen,
    appsSeen: s.appsSeen,
    errorCount: s.errorCount,
    requestCount: s.requestCount,
    error: s.error,
    interruptions,
    resumeNote: interruptions > 0 ? `resumed after interruption (${interruptions})` : null,
    workerLost: s.status === "running" && !!s.leaseExpiresAt && s.leaseExpiresAt.getTime() <= now.getTime(),
    percent,
    elapsedSeconds: elapsed === null ? null : Math.round(elapsed),
    etaSeconds: eta,
    active,
  };
}

export const scanHistoryInput = z.object({
  page: wholeNumber(1, 100_000).default(1),
  pageSize: wholeNumber(5, 200).default(25),
});

export const scanIdInput = z.object({ id: z.uuid() });

/** Scan history, newest first (ties by id, so pages never overlap). */
export async function scanHistory({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: unknown;
}): Promise<{ rows: ScanRun[]; total: number; page: number; pageSize: number }> {
  assertPermission(ctx, "dashboard:read");
  const q = parseInput(scanHistoryInput, input);
  const db = await dbOf(ctx);
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(scanRuns)
      .orderBy(desc(scanRuns.createdAt), desc(scanRuns.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ n: count() }).from(scanRuns),
  ]);
  return { rows, total: Number(n), page: q.page, pageSize: q.pageSize };
}

/** One scan's progress (the live view and GET /api/scans/:id). `now` sets the clock of elapsed time and ETA. */
export async function scanProgress({ ctx, input, now = new Date() }: TimedVerbArgs): Promise<ScanProgress> {
  assertPermission(ctx, "dashboard:read");
  const { id } = parseInput(scanIdInput, input);
  const db = await dbOf(ctx);
  const [s] = await db.select().from(scanRuns).where(eq(scanRuns.id, id)).limit(1);
  if (!s) throw new AppError("not_found", "No such scan.");
  return toProgress(s, now);
}

/** One scan with its errors (each with the remediation the scanner recorded). */
export async function scanDetail({
  ctx,
  input,
  now = new Date(),
}: TimedVerbArgs): Promise<{ scan: ScanProgress; errors: ScanError[] }> {
  const scan = await scanProgress({ ctx, input, now });
  const db = await dbOf(ctx);
  const errors = await db
    .select()
    .from(scanErrors)
    .where(eq(scanErrors.scanId, scan.id))
    .orderBy(scanErrors.at)
    .limit(2000);
  return { scan, errors };
}
