import { DataTable, type Column } from "@/app/_components/data-table";
import { formatDateTime, formatDaysUntil } from "@/app/_components/format";
import { StatusBadge } from "@/app/_components/status";
import type { AssetVersion } from "@/lib/inventory/asset-versions";
import { Section } from "../../_components/detail";

function columns(current: string | null, now: Date): Column<AssetVersion>[] {
  return [
    {
      header: "Version",
      className: "font-mono text-xs",
      cell: (v) => (
        <span className="flex items-center gap-2">
          {v.id}
          {v.id === current && (
            <span className="badge bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200">current</span>
          )}
        </span>
      ),
    },
    { header: "Created", cell: (v) => formatDateTime(v.createdOn) },
    { header: "Enabled", cell: (v) => (v.enabled ? "Yes" : "No") },
    {
      header: "Expires",
      cell: (v) => (v.expiresOn ? formatDateTime(v.expiresOn) : "never"),
      detail: (v) => (v.expiresOn ? formatDaysUntil(v.expiresOn, now) : undefined),
    },
    // only what needs attention gets a badge; a healthy or open-ended version needs none
    { header: "Status", cell: (v) => (v.status === "healthy" ? "—" : <StatusBadge status={v.status} />) },
  ];
}

/** The object's kept versions, newest first; says how many older ones the inventory does not list. */
export function VersionsSection({
  versions,
  total,
  current,
  now,
}: {
  versions: AssetVersion[];
  total: number | null;
  current: string | null;
  now: Date;
}) {
  const older = (total ?? 0) - versions.length;
  return (
    <Section title="Versions" id="versions-h" className="lg:col-span-2">
      <DataTable
        label="Versions"
        frame="none"
        className="mt-3"
        dense
        testId="asset-versions"
        columns={columns(current, now)}
        rows={versions}
        rowKey={(v) => v.id}
        rowAttributes={(v) => ({ "data-version": v.id })}
        empty="No versions recorded yet (the next scan that reads this object's details lists them)."
      />
      {older > 0 && (
        <p className="mt-2 text-xs text-muted">
          {older} older version{older === 1 ? "" : "s"} not listed (the inventory keeps the newest {versions.length}).
        </p>
      )}
    </Section>
  );
}
