import type { ReportMeta } from "@/lib/reports/store";

const size = (n: number) => (n > 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : `${Math.ceil(n / 1000)} kB`);
const utc = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;

/** Generated reports with their SHA-256: what an auditor compares a received file against. */
export function ReportsTable({ rows }: { rows: ReportMeta[] }) {
  if (rows.length === 0) return <p className="p-5 text-sm text-muted">No report has been generated yet.</p>;
  return (
    <div className="overflow-x-auto p-5 pt-3">
      <table className="w-full text-left text-sm" data-testid="reports-table">
        <thead className="text-xs text-muted">
          <tr>
            <th className="py-2 pr-3 font-medium">Report</th>
            <th className="py-2 pr-3 font-medium">Generated</th>
            <th className="py-2 pr-3 font-medium">By</th>
            <th className="py-2 pr-3 font-medium">Size</th>
            <th className="py-2 pr-3 font-medium">SHA-256</th>
            <th className="py-2 pr-3 font-medium">Kept until</th>
            <th className="py-2 font-medium">
              <span className="sr-only">Download</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-200 align-top dark:border-slate-700">
              <td className="py-2 pr-3">
                <span className="font-medium">{r.title}</span>
                <span className="block text-xs text-muted">
                  {r.kind === "evidence" ? "Evidence package" : "Audit log"}
                  {r.pages ? `, ${r.pages} pages` : ""}
                </span>
              </td>
              <td className="py-2 pr-3 whitespace-nowrap">{utc(r.createdAt)}</td>
              <td className="py-2 pr-3">{r.createdBy}</td>
              <td className="py-2 pr-3 whitespace-nowrap">{size(r.bytes)}</td>
              <td className="py-2 pr-3">
                <code className="font-mono text-xs break-all" title="SHA-256 of the PDF">
                  {r.sha256}
                </code>
              </td>
              <td className="py-2 pr-3 whitespace-nowrap">{r.expiresAt.toISOString().slice(0, 10)}</td>
              <td className="py-2">
                <a className="btn-secondary whitespace-nowrap" href={`/api/reports/${r.id}`} download>
                  Download PDF
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
