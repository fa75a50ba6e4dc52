"use client";

import { Link } from "@/app/_components/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { proposeWaivers } from "../actions";
import { SeverityBadge } from "./score";

export interface FindingRow {
  ruleId: string;
  ruleTitle: string;
  objectId: string;
  objectName: string;
  scope: string;
  vaultName: string | null;
  severity: string;
  status: string;
  waived: boolean;
  reason: string;
  firstSeenAt: string;
  resolvedAt: string | null;
}

const SCOPE: Record<string, string> = {
  vault: "Vault",
  secret: "Secret",
  key: "Key",
  certificate: "Certificate",
  appCredential: "App credential",
  app: "App",
};

function statusText(f: FindingRow): string {
  if (f.resolvedAt) return f.status === "removed" ? "Resolved (removed)" : "Resolved";
  if (f.waived) return "Waived";
  return f.status === "unknown" ? "Cannot be decided" : "Open";
}

const keyOf = (f: FindingRow) => `${f.ruleId}|${f.objectId}`;

/** The findings table; Operators select open findings and propose one waiver per finding for an Admin to decide. */
export function FindingsTable({ rows, canPropose }: { rows: FindingRow[]; canPropose: boolean }) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState(false);
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const toggle = (k: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });
  const all = rows.length > 0 && rows.every((r) => selected.has(keyOf(r)));
  return (
    <div className="space-y-3">
      {canPropose && (
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <span className="text-muted" aria-live="polite">
            {selected.size} selected
          </span>
          <button
            type="button"
            className="btn-secondary py-1.5"
            disabled={selected.size === 0}
            onClick={() => setOpen(true)}
            data-testid="propose-waiver"
          >
            Propose waiver…
          </button>
          {message && (
            <span
              role={message.ok ? "status" : "alert"}
              className={message.ok ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}
            >
              {message.text}
            </span>
          )}
        </div>
      )}
      {open && (
        <form
          className="card grid gap-3 p-4 sm:grid-cols-3"
          aria-label="Propose a waiver"
          data-testid="waiver-form"
          onSubmit={(e) => {
            e.preventDefault();
            const fd = new FormData(e.currentTarget);
            const items = rows
              .filter((r) => selected.has(keyOf(r)))
              .map((r) => ({ ruleId: r.ruleId, objectId: r.objectId }));
            start(async () => {
              const r = await proposeWaivers({
                items,
                justification: String(fd.get("justification") ?? ""),
                expiresAt: String(fd.get("expiresAt") ?? ""),
              });
              if (r.ok) {
                setMessage({
                  ok: true,
                  text: `${r.data.proposed} waiver(s) proposed; an Admin other than you decides.`,
                });
                setSelected(new Set());
                setOpen(false);
                router.refresh();
              } else setMessage({ ok: false, text: r.error.message });
            });
          }}
        >
          <div className="sm:col-span-2">
            <label className="label" htmlFor="waiver-justification">
              Justification
            </label>
            <input
              id="waiver-justification"
              name="justification"
              className="input"
              required
              minLength={10}
              maxLength={1000}
            />
          </div>
          <div>
            <label className="label" htmlFor="waiver-expires">
              Expires on (UTC)
            </label>
            <input id="waiver-expires" name="expiresAt" type="date" className="input" required />
          </div>
          <div className="flex gap-2 sm:col-span-3">
            <button type="submit" className="btn-primary" disabled={pending}>
              {pending ? "Proposing…" : `Propose ${selected.size} waiver(s)`}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <div role="region" aria-label="Findings" tabIndex={0} className="card overflow-x-auto">
        <table className="table" data-testid="findings-table">
          <caption className="sr-only">Findings</caption>
          <thead>
            <tr>
              {canPropose && (
                <th scope="col" className="w-8">
                  <input
                    type="checkbox"
                    aria-label="Select all findings on this page"
                    checked={all}
                    onChange={() => setSelected(all ? new Set() : new Set(rows.map(keyOf)))}
                  />
                </th>
              )}
              <th scope="col">Severity</th>
              <th scope="col">Rule</th>
              <th scope="col">Object</th>
              <th scope="col">Reason</th>
              <th scope="col">Status</th>
              <th scope="col">First seen</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={7} className="py-8 text-center text-muted">
                  No findings match these filters.
                </td>
              </tr>
            )}
            {rows.map((f) => (
              <tr key={keyOf(f)} data-testid="finding-row">
                {canPropose && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${f.ruleId} on ${f.objectName}`}
                      checked={selected.has(keyOf(f))}
                      onChange={() => toggle(keyOf(f))}
                    />
                  </td>
                )}
                <td>
                  <SeverityBadge severity={f.severity} />
                </td>
                <td className="min-w-60 max-w-72">
                  <Link className="link text-sm" href={`/compliance/rules/${f.ruleId}`}>
                    {f.ruleTitle}
                  </Link>
                  <div className="font-mono text-[11px] text-muted">{f.ruleId}</div>
                </td>
                <td className="min-w-40 max-w-56">
                  <div className="truncate text-sm">{f.objectName}</div>
                  <div className="text-[11px] text-muted">
                    {SCOPE[f.scope] ?? f.scope}
                    {f.vaultName && f.scope !== "vault" ? ` in ${f.vaultName}` : ""}
                  </div>
                </td>
                <td className="max-w-72 text-xs">{f.reason}</td>
                <td className="whitespace-nowrap text-xs">{statusText(f)}</td>
                <td className="whitespace-nowrap text-xs tabular-nums">{f.firstSeenAt.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
