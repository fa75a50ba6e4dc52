import { Link } from "@/app/_components/link";
import { DataTable } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { alertType, listChannels, listRules } from "@/lib/alerts";
import { requirePage } from "@/lib/web/page-guard";
import { SendTestButton } from "./_components/send-test-button";

/** Families whose items cross day thresholds (the rule's thresholds apply to them only). */
const EXPIRY_FAMILIES = new Set(["asset-expiry", "app-credential-expiry"]);

export const metadata = { title: "Alerts" };

export default async function AlertsPage() {
  const ctx = await requirePage("alerts:write", "/alerts");
  const [channels, rules] = await Promise.all([listChannels({ ctx }), listRules({ ctx })]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules decide which expiring or failing items alert and where the alert goes; channels deliver it. An item alerts once per threshold crossing, not on every scan."
      />
      <div className="space-y-6">
        <section className="card" aria-labelledby="channels-h">
          <div className="flex flex-wrap items-center justify-between gap-3 p-5 pb-3">
            <h2 id="channels-h" className="text-base font-semibold">
              Channels
            </h2>
            <Link href="/alerts/channels/new" className="btn-primary" data-testid="new-channel">
              New channel
            </Link>
          </div>
          <DataTable
            label="Alert channels"
            testId="channels-table"
            rows={channels}
            rowKey={(c) => c.id}
            rowAttributes={(c) => ({ "data-testid": "channel-row", "data-name": c.name })}
            empty="No channels yet. Add one, then send a test."
            columns={[
              {
                header: "Name",
                cell: (c) => (
                  <Link
                    className="font-medium text-brand-700 hover:underline dark:text-blue-300"
                    href={`/alerts/channels/${c.id}`}
                  >
                    {c.name}
                  </Link>
                ),
                detail: (c) => c.kindLabel,
              },
              { header: "State", cell: (c) => (c.enabled ? "Enabled" : "Disabled") },
              {
                header: "Secrets",
                cell: (c) =>
                  Object.entries(c.secretsSet)
                    .map(([k, set]) => `${k}: ${set ? "set" : "not set"}`)
                    .join(" · ") || "none",
              },
              { header: "Changed", className: "whitespace-nowrap", cell: (c) => formatDateTime(c.updatedAt) },
              { header: "Test", align: "right", cell: (c) => <SendTestButton id={c.id} /> },
            ]}
          />
        </section>
        <section className="card" aria-labelledby="rules-h">
          <div className="flex flex-wrap items-center justify-between gap-3 p-5 pb-3">
            <h2 id="rules-h" className="text-base font-semibold">
              Rules
            </h2>
            <Link href="/alerts/rules/new" className="btn-primary" data-testid="new-rule">
              New rule
            </Link>
          </div>
          <DataTable
            label="Alert rules"
            testId="rules-table"
            rows={rules}
            rowKey={(r) => r.id}
            rowAttributes={(r) => ({ "data-testid": "rule-row", "data-name": r.name })}
            empty="No rules yet."
            columns={[
              {
                header: "Name",
                cell: (r) => (
                  <Link
                    className="font-medium text-brand-700 hover:underline dark:text-blue-300"
                    href={`/alerts/rules/${r.id}`}
                  >
                    {r.name}
                  </Link>
                ),
                detail: (r) => r.types.map((t) => alertType(t)?.label ?? t).join(", "),
              },
              {
                header: "Thresholds",
                cell: (r) => {
                  const parts = [
                    ...(r.types.some((t) => EXPIRY_FAMILIES.has(alertType(t)?.family ?? ""))
                      ? [`${r.thresholds.join(" → ")} days → expired`]
                      : []),
                    ...(r.types.includes("compliance.score.below") ? [`score < ${r.scoreBelow}`] : []),
                    ...(r.types.includes("compliance.score.dropped") ? [`drop ≥ ${r.scoreDrop} points`] : []),
                  ];
                  return parts.join("; ") || "—";
                },
              },
              {
                header: "Delivery",
                cell: (r) => (r.mode === "digest" ? `Digest (${r.digestCron}, ${r.digestTimezone})` : "Immediately"),
                detail: (r) =>
                  r.channelIds.map((id) => channelName.get(id) ?? "deleted channel").join(", ") || "no channel",
              },
              { header: "State", cell: (r) => (r.enabled ? "Enabled" : "Disabled") },
            ]}
          />
        </section>
        <p>
          <Link href="/alerts/history" className="btn-secondary" data-testid="delivery-history">
            Delivery history
          </Link>
        </p>
      </div>
    </>
  );
}
