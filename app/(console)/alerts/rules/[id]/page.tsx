import { loadOrNotFound } from "@/app/_components/load-or-not-found";
import { PageHeader } from "@/app/_components/page-header";
import { alertTypeOptions, getRule, listChannels } from "@/lib/alerts";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb } from "../../../_components/detail";
import { RuleForm, type RuleFormValue } from "../../_components/rule-form";

export const metadata = { title: "Alert rule" };

const NEW: RuleFormValue = {
  name: "",
  types: ["secret.expiring", "secret.expired", "certificate.expiring", "certificate.expired"],
  thresholds: [30, 14, 7],
  scoreBelow: 80,
  scoreDrop: 5,
  channelIds: [],
  scope: {},
  ownerTag: "owner",
  fallbackRecipients: [],
  mode: "immediate",
  digestCron: null,
  digestTimezone: null,
  enabled: true,
};

export default async function RulePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePage("alerts:write", `/alerts/rules/${id}`);
  const [channels, initial] = await Promise.all([
    listChannels({ ctx }),
    id === "new" ? NEW : loadOrNotFound(getRule({ ctx, input: { id } })),
  ]);
  return (
    <>
      <Breadcrumb items={[{ href: "/alerts", label: "Alerts" }, { label: id === "new" ? "New rule" : initial.name }]} />
      <PageHeader
        title={id === "new" ? "New rule" : initial.name}
        description="Which items alert, at which thresholds, and where the alert goes. Preview shows what the rule would alert on now."
      />
      <RuleForm
        initial={initial as RuleFormValue}
        types={alertTypeOptions()}
        channels={channels.map((c) => ({ id: c.id, name: c.name, kindLabel: c.kindLabel }))}
      />
    </>
  );
}
