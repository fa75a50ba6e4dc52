import { Link } from "@/app/_components/link";
import { DataTable, type Column } from "@/app/_components/data-table";
import { formatDateTime, formatDuration, formatNumber } from "@/app/_components/format";
import { ScanStatusBadge } from "@/app/_components/status";
import { toProgress } from "@/lib/discovery";

type ScanRun = Parameters<typeof toProgress>[0];

/** Past and current scans, newest first; each row opens the scan's page. */
export function ScanHistoryTable({ rows, now, canScan }: { rows: ScanRun[]; now: Date; canScan: boolean }) {
  return (
    <DataTable
      label="Scan history"
      testId="scan-history"
      frame="none"
      className="mt-3"
      dense
      columns={historyColumns(now)}
      rows={rows}
      rowKey={(s) => s.id}
      rowHref={(s) => `/scans/${s.id}`}
      empty={
        canScan ? "No scans yet. Start the first one above." : "No scans yet. Ask an operator to run the first scan."
      }
    />
  );
}

function scopeLabel(scope: ScanRun["scope"]): string {
  if (scope.subscriptions?.length) return `${scope.subscriptions.length} subscription(s)`;
  if (scope.vaults?.length) return `${scope.vaults.length} vault(s)`;
  return "all";
}

function historyColumns(now: Date): Column<ScanRun>[] {
  return [
    { header: "Requested", className: "whitespace-nowrap", cell: (s) => formatDateTime(s.createdAt) },
    {
      header: "Mode",
      className: "whitespace-nowrap",
      cell: (s) => <span className="capitalize">{s.mode}</span>,
      detail: (s) => `${s.trigger} · ${scopeLabel(s.scope)}`,
    },
    {
      header: "By",
      className: "max-w-44 truncate text-xs",
      cell: (s) => <span title={s.requestedBy}>{s.requestedBy}</span>,
    },
    {
      header: "Status",
      cell: (s) => <ScanStatusBadge status={s.status} />,
      detail: (s) => toProgress(s, now).resumeNote,
    },
    {
      header: "Vaults",
      align: "right",
      className: "tabular-nums",
      cell: (s) => `${s.vaultsDone}/${s.vaultsTotal}`,
      detail: (s) =>
        s.vaultsFailed > 0 && <span className="text-orange-700 dark:text-orange-300">{s.vaultsFailed} failed</span>,
    },
    { header: "Objects", align: "right", className: "tabular-nums", cell: (s) => formatNumber(s.objectsSeen) },
    {
      header: "Errors",
      align: "right",
      className: "tabular-nums",
      cell: (s) =>
        s.errorCount > 0 ? (
          <Link
            href={`/scans/${s.id}#errors`}
            className="font-medium text-amber-700 hover:underline dark:text-amber-300"
          >
            {s.errorCount}
          </Link>
        ) : (
          0
        ),
    },
    {
      header: "Duration",
      align: "right",
      className: "whitespace-nowrap text-xs",
      cell: (s) => formatDuration(toProgress(s, now).elapsedSeconds),
    },
  ];
}
