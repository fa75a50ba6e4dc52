"use client";

import { Link } from "@/app/_components/link";
import { useRouter } from "next/navigation";
import { pageIsStale } from "./refresh-rule";
import { useEffect, useRef, useState, useTransition } from "react";
import type { ScanProgress } from "@/lib/discovery";
import { cancelScan } from "../actions";

const fmtDur = (s: number | null) => {
  if (s === null) return "—";
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
};
const STATUS_TEXT: Record<string, string> = {
  queued: "Queued — waiting for the scheduler",
  running: "Running",
  completed: "Completed",
  completed_with_errors: "Completed with errors",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** Live progress of one scan: polls GET /api/scans/:id every 1.5 s while it is queued or running. */
export function LiveScan({
  initial,
  canCancel,
  compact = false,
}: {
  initial: ScanProgress;
  canCancel: boolean;
  compact?: boolean;
}) {
  const router = useRouter();
  const [p, setP] = useState(initial);
  const [err, setErr] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const shownStatus = useRef(initial.status);

  useEffect(() => {
    if (!p.active) return;
    let stop = false;
    const t = setTimeout(async () => {
      try {
        const r = await fetch(`/api/scans/${p.id}`, { cache: "no-store" });
        if (r.ok && !stop) {
          const next = (await r.json()) as ScanProgress;
          setP(next);
          setErr(null);
        } else if (!r.ok && !stop) setErr(`Progress unavailable (HTTP ${r.status}); retrying…`);
      } catch {
        if (!stop) setErr("Connection lost; retrying…");
      }
    }, 1500);
    return () => {
      stop = true;
      clearTimeout(t);
    };
  }, [p]);

  useEffect(() => {
    if (pageIsStale(shownStatus.current, p.status)) router.refresh();
    shownStatus.current = p.status;
  }, [p.status, router]);

  const bar =
    p.status === "failed"
      ? "bg-red-500"
      : p.status === "completed_with_errors"
        ? "bg-amber-500"
        : p.status === "cancelled"
          ? "bg-slate-400"
          : p.active
            ? "bg-brand-500"
            : "bg-emerald-500";
  return (
    <section
      className="card p-5"
      aria-live="polite"
      aria-label="Scan progress"
      data-testid="live-scan"
      data-status={p.status}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <div className="flex items-center gap-2 text-base font-semibold">
            {p.active && <span className="h-2 w-2 animate-pulse rounded-full bg-brand-500" aria-hidden="true" />}
            <span data-testid="scan-status">{STATUS_TEXT[p.status] ?? p.status}</span>
          </div>
          <div className="text-xs text-muted">
            {p.mode} scan · {p.trigger} · by {p.requestedBy}
            {!compact ? null : (
              <>
                {" · "}
                <Link href={`/scans/${p.id}`} className="link">
                  details
                </Link>
              </>
            )}
          </div>
          {(p.resumeNote || p.workerLost) && (
            <div className="text-xs text-amber-700 dark:text-amber-300" data-testid="scan-resumed">
              {[p.resumeNote, p.workerLost && "worker stopped — another worker will take it over"]
                .filter(Boolean)
                .join(" · ")}
            </div>
          )}
        </div>
        {canCancel && p.active && (
          <button
            type="button"
            className="btn-danger py-1.5"
            disabled={pending || p.cancelRequested}
            data-testid="cancel-scan"
            onClick={() =>
              start(async () => {
                const r = await cancelScan({ scanId: p.id });
                if (!r.ok) setErr(r.error.message);
                else setP({ ...p, cancelRequested: true });
              })
            }
          >
            {p.cancelRequested ? "Cancelling…" : "Cancel scan"}
          </button>
        )}
      </div>
      <div className="mt-4">
        <div className="mb-1 flex justify-between text-xs text-slate-600 dark:text-slate-400">
          <span data-testid="scan-vaults">
            {p.vaultsDone} / {p.vaultsTotal || "?"} vaults{p.vaultsFailed ? ` · ${p.vaultsFailed} failed` : ""}
          </span>
          <span className="tabular-nums" data-testid="scan-percent">
            {p.percent}%
          </span>
        </div>
        <div
          className="h-2.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
          role="progressbar"
          aria-valuenow={p.percent}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-label="Vaults scanned"
        >
          <div
            className={`h-full rounded-full transition-all duration-700 ${bar}`}
            style={{ width: `${Math.max(p.percent, p.active ? 2 : 0)}%` }}
          />
        </div>
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-5">
        <Stat k="Objects" v={p.objectsSeen.toLocaleString("en-US")} testId="scan-objects" />
        <Stat k="Apps" v={p.appsSeen.toLocaleString("en-US")} />
        <Stat k="Errors" v={String(p.errorCount)} tone={p.errorCount > 0 ? "warn" : undefined} />
        <Stat k="Elapsed" v={fmtDur(p.elapsedSeconds)} />
        <Stat
          k={p.active ? "ETA" : "Requests"}
          v={
            p.active
              ? p.etaSeconds === null
                ? "estimating…"
                : fmtDur(p.etaSeconds)
              : p.requestCount.toLocaleString("en-US")
          }
          testId="scan-eta"
        />
      </dl>
      {p.error && <p className="mt-3 text-sm text-red-600 dark:text-red-400">{p.error}</p>}
      {err && (
        <p className="mt-3 text-xs text-amber-700 dark:text-amber-300" role="status">
          {err}
        </p>
      )}
    </section>
  );
}

function Stat({ k, v, tone, testId }: { k: string; v: string; tone?: "warn"; testId?: string }) {
  return (
    <div>
      <dt className="label">{k}</dt>
      <dd
        className={`font-semibold tabular-nums ${tone === "warn" ? "text-amber-700 dark:text-amber-300" : ""}`}
        data-testid={testId}
      >
        {v}
      </dd>
    </div>
  );
}
