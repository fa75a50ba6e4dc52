import { loadOrNotFound } from "@/app/_components/load-or-not-found";
import { PageHeader } from "@/app/_components/page-header";
import { CHANNEL_KINDS, getChannel } from "@/lib/alerts";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb } from "../../../_components/detail";
import { ChannelForm, type ChannelFormValue } from "../../_components/channel-form";

export const metadata = { title: "Alert channel" };

export default async function ChannelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePage("alerts:write", `/alerts/channels/${id}`);
  const kinds = Object.values(CHANNEL_KINDS).map((k) => ({
    kind: k.kind,
    label: k.label,
    secretFields: k.secretFields,
  }));
  const initial: ChannelFormValue =
    id === "new"
      ? { name: "", kind: "email", enabled: true, config: {}, secretsSet: {} }
      : await loadOrNotFound(getChannel({ ctx, input: { id } }));
  return (
    <>
      <Breadcrumb
        items={[{ href: "/alerts", label: "Alerts" }, { label: id === "new" ? "New channel" : initial.name }]}
      />
      <PageHeader
        title={id === "new" ? "New channel" : initial.name}
        description="Where alerts are delivered. Secrets (webhook URLs, passwords, routing keys) are encrypted at rest and never shown again after saving."
      />
      <ChannelForm kinds={kinds} initial={initial} />
    </>
  );
}
