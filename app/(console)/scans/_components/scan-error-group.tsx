import { Link } from "@/app/_components/link";
import { DataTable, type Column } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import { AccessBadge } from "@/app/_components/status";
import { vaultHref } from "@/lib/inventory/ids";
import { groupByRemedy, type scanDetail } from "@/lib/discovery";

type ScanError = Awaited<ReturnType<typeof scanDetail>>["errors"][number];

/** One kind of scan error: each remedy once with the vaults it applies to, then where and when it happened. */
export function ScanErrorGroup({ kind, errors }: { kind: string; errors: ScanError[] }) {
  const remedies = groupByRemedy(errors);
  return (
    <div>
      <div className="flex items-center gap-2">
        <AccessBadge status={kind} />
        <span className="text-sm text-muted">
          {errors.length} occurrence{errors.length === 1 ? "" : "s"}
        </span>
      </div>
      <ul className="mt-2 space-y-2" aria-label={`How to fix ${kind} errors`}>
        {remedies.map((g) => (
          <li key={g.remedy} className="rounded-lg bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
            <span className="font-semibold">How to fix: </span>
            {g.remedy}
            <span className="mt-1 block text-xs">
              <span className="text-slate-600 dark:text-slate-300">
                Applies to{g.scopes.length > 1 ? ` (${g.scopes.length})` : ""}:{" "}
              </span>
              {g.scopes.map((scope, i) => (
                <span key={scope}>
                  {i > 0 && ", "}
                  <Where scope={scope} />
                </span>
              ))}
            </span>
          </li>
        ))}
      </ul>
      <DataTable
        label={`${kind} errors`}
        frame="none"
        className="mt-2"
        columns={errorColumns()}
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
    <Link href={vaultHref(scope)} className="whitespace-nowrap font-medium hover:underline">
      {scope.split("/").pop()}
    </Link>
  );
}

function errorColumns(): Column<ScanError>[] {
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
    },
    { header: "When", className: "whitespace-nowrap text-xs", cell: (e) => formatDateTime(e.at) },
  ];
}
