import { Link } from "@/app/_components/link";
import { DataTable } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { listRotations, ROTATION_STATES } from "@/lib/rotation";
import { requirePage } from "@/lib/web/page-guard";
import { rotationWrites } from "@/lib/rotation";

export const metadata = { title: "Rotations" };

const STATES = ROTATION_STATES;

export default async function RotationsPage({ searchParams }: { searchParams: Promise<{ state?: string }> }) {
  const ctx = await requirePage("dashboard:read", "/rotations");
  const sp = await searchParams;
  const state = STATES.find((s) => s === sp.state);
  const rows = await listRotations({ ctx, input: { state, limit: 200 } });
  return (
    <>
      <PageHeader
        title="Rotations"
        description="Client-secret and certificate rotations: newest first. Start one from an application's page; automatic ones start on their own (Settings → Automatic rotation)."
      />
      <nav aria-label="Filter by state" className="mb-3 flex flex-wrap gap-2 text-sm">
        <Link className={state ? "link" : "font-semibold"} href="/rotations">
          All
        </Link>
        {STATES.map((s) => (
          <Link key={s} className={state === s ? "font-semibold" : "link"} href={`/rotations?state=${s}`}>
            {s.replace("_", " ")}
          </Link>
        ))}
      </nav>
      <DataTable
        label="Rotations"
        testId="rotations"
        rows={rows}
        rowKey={(r) => r.id}
        empty="No rotation yet."
        columns={[
          {
            header: "Started",
            cell: (r) => (
              <Link className="link" href={`/rotations/${r.id}`}>
                {formatDateTime(r.createdAt)}
              </Link>
            ),
          },
          { header: "Application", cell: (r) => r.appDisplayName },
          { header: "State", cell: (r) => (r.state === "held" ? `held — ${r.heldReason}` : r.state) },
          {
            header: "Requested by",
            cell: (r) => (r.trigger === "auto" ? `${r.requestedBy} (automatic)` : r.requestedBy),
          },
          { header: "Writes", cell: rotationWrites },
          { header: "Finished", cell: (r) => formatDateTime(r.finishedAt) },
        ]}
      />
    </>
  );
}
