import { DataTable } from "@/app/_components/data-table";
import { FilterActions, FilterForm, NoMatches, SelectFilter } from "@/app/_components/filters";
import { formatDateTime } from "@/app/_components/format";
import { BADGE_PILL, STATUS_STYLE } from "@/app/_components/status";
import { loadList, readListParams, type SearchParams } from "@/app/_components/list-params";
import { PageHeader } from "@/app/_components/page-header";
import { Pager } from "@/app/_components/pager";
import { DELIVERY_STATUSES, deliveryHistory, deliveryHistoryInput, listChannels } from "@/lib/alerts";
import { readSetting } from "@/lib/settings/store";
import { requirePage } from "@/lib/web/page-guard";
import { SettingForm, TextField } from "../../settings/_components/setting-form";
import { updateHistoryRetention } from "../actions";
import { Breadcrumb } from "../../_components/detail";

export const metadata = { title: "Alert deliveries" };

const STATUS_TONE: Record<string, string> = { delivered: "healthy", failed: "expired", pending: "warning" };

export default async function DeliveryHistoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePage("alerts:write", "/alerts/history");
  const list = readListParams(await searchParams, deliveryHistoryInput);
  const [view, channels, retention] = await Promise.all([
    loadList(list, (input) => deliveryHistory({ ctx, input })),
    listChannels({ ctx }),
    readSetting(ctx, "alerts.history"),
  ]);
  const f = list.values;
  return (
    <>
      <Breadcrumb items={[{ href: "/alerts", label: "Alerts" }, { label: "Delivery history" }]} />
      <PageHeader
        title="Delivery history"
        description="Every message the outbox held: its status, attempts, the receiver's response code and a short excerpt of any error."
      />
      <details className="card mb-4 px-5 py-3 text-sm" data-testid="history-retention">
        <summary className="cursor-pointer">
          Delivered, failed and digested messages are kept for <strong>{retention.days} days</strong>; pending and held
          ones until they are sent.
        </summary>
        <SettingForm action={updateHistoryRetention} testId="history-retention-form">
          <div className="mt-3 max-w-xs">
            <TextField
              name="days"
              label="Days kept (7–3650)"
              type="number"
              inputMode="numeric"
              defaultValue={retention.days}
            />
          </div>
        </SettingForm>
      </details>
      <FilterForm path="/alerts/history" label="Filter deliveries" columns={4} view={view}>
        <SelectFilter
          name="status"
          label="Status"
          value={f.status}
          any="Any status"
          options={DELIVERY_STATUSES.map((s) => ({ value: s, label: s }))}
        />
        <SelectFilter
          name="channelId"
          label="Channel"
          value={f.channelId}
          any="Any channel"
          options={channels.map((c) => ({ value: c.id, label: c.name }))}
        />
        <FilterActions resetHref="/alerts/history" />
      </FilterForm>
      <DataTable
        label="Alert deliveries"
        testId="deliveries-table"
        rows={view.result.rows}
        rowKey={(r) => r.id}
        rowAttributes={(r) => ({
          "data-testid": "delivery-row",
          "data-status": r.status,
          "data-channel": r.channelName,
        })}
        empty={<NoMatches what="deliveries" clearHref="/alerts/history" />}
        columns={[
          { header: "Created", className: "whitespace-nowrap", cell: (r) => formatDateTime(r.createdAt) },
          {
            header: "Message",
            cell: (r) => <span className="font-medium">{r.subject}</span>,
            detail: (r) => [r.ruleName ?? "channel test", r.recipient].filter(Boolean).join(" · "),
          },
          { header: "Channel", cell: (r) => r.channelName, detail: (r) => r.channelKind },
          {
            header: "Status",
            cell: (r) => (
              <span className={`${BADGE_PILL} ${STATUS_STYLE[STATUS_TONE[r.status] ?? "no-expiry"]}`}>{r.status}</span>
            ),
            detail: (r) => (r.error ? r.error : r.deliveredAt ? `at ${formatDateTime(r.deliveredAt)}` : null),
          },
          { header: "Attempts", align: "right", cell: (r) => r.attempts },
          { header: "Response", align: "right", cell: (r) => r.responseCode ?? "—" },
        ]}
      />
      <Pager
        path="/alerts/history"
        view={view}
        noun={["delivery", "deliveries"]}
        labels="time"
        testId="deliveries-total"
      />
    </>
  );
}
