"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { CheckboxGrid } from "@/app/_components/checkbox-grid";
import type { SectionId } from "@/lib/reports/evidence-data";
import { generateReport } from "../actions";

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** Generate an evidence package (scope, period, sections) or an audit log PDF, and export the audit log raw. */
export function GenerateReportForm({
  subscriptions,
  sections,
}: {
  subscriptions: { id: string; name: string }[];
  sections: { id: SectionId; name: string }[];
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [kind, setKind] = useState<"evidence" | "audit-log">("evidence");
  const [from, setFrom] = useState(daysAgo(30));
  const [to, setTo] = useState(today());
  const [subs, setSubs] = useState<string[]>([]);
  const [chosen, setChosen] = useState<SectionId[]>(sections.map((s) => s.id));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const period = { from: `${from}T00:00:00Z`, to: `${to}T23:59:59.999Z` };
  const exportHref = (format: string) =>
    `/api/audit/export?format=${format}&from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;

  return (
    <form
      className="card p-5"
      aria-labelledby="gen-h"
      data-testid="generate-report-form"
      onSubmit={(e) => {
        e.preventDefault();
        setMessage(null);
        start(async () => {
          const r =
            kind === "evidence"
              ? await generateReport({ kind, ...period, subscriptions: subs, sections: chosen })
              : await generateReport({ kind, ...period });
          if (!r.ok) setMessage({ ok: false, text: r.error.message });
          else {
            setMessage({ ok: true, text: `Generated. SHA-256 ${r.data.sha256}` });
            router.refresh();
          }
        });
      }}
    >
      <h2 id="gen-h" className="text-base font-semibold">
        Generate a report
      </h2>
      <div className="mt-3 grid gap-3 sm:grid-cols-3">
        <label className="block text-sm">
          <span className="label">Report</span>
          <select className="input mt-1 w-full" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="evidence">Evidence package (PDF with attachments)</option>
            <option value="audit-log">Audit log (PDF)</option>
          </select>
        </label>
        <label className="block text-sm">
          <span className="label">From (UTC)</span>
          <input className="input mt-1 w-full" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="block text-sm">
          <span className="label">To (UTC, whole day)</span>
          <input className="input mt-1 w-full" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      {kind === "evidence" && (
        <div className="mt-3 grid gap-3 lg:grid-cols-2">
          <fieldset>
            <legend className="label">Subscriptions (none ticked: all)</legend>
            <CheckboxGrid
              label="Subscriptions"
              items={subscriptions}
              selected={subs}
              onChange={setSubs}
              emptyText="No subscription in the inventory yet: run a scan first."
              columns={1}
            />
          </fieldset>
          <fieldset>
            <legend className="label">Sections</legend>
            <CheckboxGrid
              label="Sections"
              items={sections}
              selected={chosen}
              onChange={(next) => setChosen(next as SectionId[])}
              emptyText=""
            />
          </fieldset>
        </div>
      )}
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button
          type="submit"
          className="btn-primary"
          disabled={pending || (kind === "evidence" && chosen.length === 0)}
        >
          {pending ? "Generating…" : "Generate"}
        </button>
        <a className="btn-secondary" href={exportHref("jsonl")} download>
          Export audit log (JSONL, verifiable)
        </a>
        <a className="btn-secondary" href={exportHref("csv")} download>
          Export audit log (CSV)
        </a>
        {message && (
          <p role="status" className={`text-sm ${message.ok ? "text-muted" : "text-red-700 dark:text-red-400"}`}>
            <span className="break-all">{message.text}</span>
          </p>
        )}
      </div>
    </form>
  );
}
