import { DataTable, type Column } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import { AccessBadge } from "@/app/_components/status";
import { vaultSlug } from "@/lib/inventory/ids";
import type { scanDetail } from "@/lib/discovery";

type ScanError = Awaited<ReturnType<typeof scanDetail>>["errors"][number];

/** One kind of scan error: its remediation once, then where and when it happened. */
export function ScanErrorGroup({ kind, errors }: { kind: string; errors: ScanError[] }) {
  const remediation = errors[0].remediation;
  return (
    <div>
      <div className="flex items-center gap-2">
        <AccessBadge status={kind} />
        <span className="text-sm text-muted">
          {errors.length} occurrence{errors.length === 1 ? "" : "s"}
        </span>
      </div>
      <p className="mt-2 rounded-lg bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
        <span className="font-semibold">How to fix: </span>
        {remediation}
      </p>
      <DataTable
        label={`${kind} errors`}
        frame="none"
        className="mt-2"
        columns={errorColumns(remediation)}
        rows={errors}
        rowKey={(e) => e.id}
        empty="No errors."
      />
    </div>
  );
}

/** A vault scope links to its vault page; subscription or tenant scopes are shown as they are. */
function Where({ scope }: { scope: string }) {
  if (!scope.includes("/vaults/")) return <span className="font-mono text-xs">{scope}</span>;
  return (
    <a href={`/vaults/${vaultSlug(scope)}`} className="whitespace-nowrap font-medium hover:underline">
      {scope.split("/").pop()}
    </a>
  );
}

function errorColumns(groupRemediation: string): Column<ScanError>[] {
  return [
    { header: "Where", className: "max-w-64", cell: (e) => <Where scope={e.scope} /> },
    {
      header: "Error",
      className: "text-xs",
      cell: (e) => (
        <>
          {e.code && <span className="font-mono">{e.code}: </span>}
          {e.message}
        </>
      ),
      // Only a remediation that differs from the group's is worth repeating.
      detail: (e) => e.remediation !== groupRemediation && <span className="mt-1 block">{e.remediation}</span>,
    },
    { header: "When", className: "whitespace-nowrap text-xs", cell: (e) => formatDateTime(e.at) },
  ];
}
